import type { Analyzer, AnalyzerOutput } from "../types.js";
import { licensesOf, malformed, readJsonObject, record, str, unparsable } from "./common.js";

// Where Debian's node-* packages install modules: they are installed packages
// as much as those under node_modules (the deb owns them; see issue 4).
const DEBIAN_ROOTS = [/^usr\/share\/nodejs\//, /^usr\/lib\/nodejs\//, /^usr\/lib\/[^/]+\/nodejs\//];

/**
 * An installed npm package: the package.json at the root of a package
 * directory. A package.json counts only where an installer puts one: the
 * path after the first `node_modules` (or a Debian module root) must be a
 * chain of package directories, `name` or `@scope/name`, each nested one in
 * the next's `node_modules` (pnpm's `.pnpm/<id>/node_modules` steps too). So
 * the project's own package.json (nothing before `node_modules`) and files
 * inside a package (`node_modules/x/test/fixtures/package.json`, or a fixture
 * tree `node_modules/x/test/node_modules/y/package.json`) are not read.
 */
export const npmPackageAnalyzer: Analyzer = {
  id: "npm-package",
  version: 1,
  // Old npm versions copied the whole README into package.json.
  maxBytes: 4 << 20,
  claims: (path) => path.endsWith("/package.json") && isInstalledPackageJson(path),
  analyze: ({ path, content }) => parseInstalledPackageJson(content, path),
};

export function isInstalledPackageJson(path: string): boolean {
  const start = chainStart(path);
  return start !== undefined && isPackageChain(path.slice(start).split("/").slice(0, -1));
}

/** Where the package directories begin: after a Debian root or the first `node_modules/`. */
function chainStart(path: string): number | undefined {
  for (const root of DEBIAN_ROOTS) {
    const m = root.exec(path);
    if (m) return m[0].length;
  }
  if (path.startsWith("node_modules/")) return "node_modules/".length;
  const at = path.indexOf("/node_modules/");
  return at < 0 ? undefined : at + "/node_modules/".length;
}

/** `a`, `@s/a`, `a/node_modules/@s/b`, `.pnpm/a@1.0.0/node_modules/a`, … */
function isPackageChain(segments: string[]): boolean {
  let i = 0;
  for (;;) {
    const step = packageStep(segments, i);
    if (step === 0) return false;
    i += step;
    if (i === segments.length) return segments[i - 2] !== ".pnpm";
    if (segments[i] !== "node_modules") return false;
    i += 1;
  }
}

/** How many segments the package directory at `i` takes: 1, 2 for a scope or pnpm's store, or 0. */
function packageStep(segments: string[], i: number): number {
  const first = segments[i];
  if (first === undefined || first === "") return 0;
  if (first === ".pnpm" || first.startsWith("@")) return segments[i + 1] ? 2 : 0;
  return first.startsWith(".") ? 0 : 1;
}

export function parseInstalledPackageJson(content: Buffer, path: string): AnalyzerOutput {
  const read = readJsonObject(content);
  if ("error" in read) return unparsable("package.json", read.error);

  const manifest = read.value;
  const name = str(manifest.name);
  const version = str(manifest.version);
  if (!name || !version) {
    return { warnings: [malformed("an installed package.json without a name or version")] };
  }

  // An alias (`"x": "npm:lodash@4"`) installs lodash under node_modules/x.
  const installedAs = path.split("/").slice(-3, -1);
  const dirName = installedAs[0]?.startsWith("@") ? installedAs.join("/") : installedAs[1];
  const metadata: Record<string, string> = {};
  if (dirName && dirName !== name) metadata.installedAs = dirName;

  const licenses = licensesOf(manifest.license, manifest.licenses);
  return { packages: [record("npm", name, version, { licenses, metadata })] };
}
