import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import {
  isObject,
  type JsonObject,
  licensesOf,
  malformed,
  objectOf,
  readJsonObject,
  record,
  str,
  unparsable,
  type Warning,
} from "./common.js";

/**
 * npm's package-lock.json (and npm-shrinkwrap.json), lockfile versions 1 to 3.
 * Each record keeps where npm installs it (`metadata.installPath`, relative to
 * the project) so the inventory can pair it with the installed copy.
 *
 * note: `node_modules/.package-lock.json`, npm's cache of the installed tree,
 * is not read: the package.json files are the installed tree, and that cache
 * outlives a package a later layer deleted (debian-app's minimist).
 */
export const npmLockAnalyzer: Analyzer = {
  id: "npm-lock",
  version: 1,
  maxBytes: 64 << 20,
  claims: (path) => /(?:^|\/)(?:package-lock|npm-shrinkwrap)\.json$/.test(path),
  analyze: ({ content }) => parseNpmLock(content),
};

const DEPENDENCY_FIELDS = [
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "peerDependencies",
];
/** v1 nesting deeper than this is not a real tree. */
const MAX_DEPTH = 200;

export function parseNpmLock(content: Buffer): AnalyzerOutput {
  const read = readJsonObject(content);
  if ("error" in read) return unparsable("package-lock.json", read.error);

  const lock = read.value;
  // v2 carries both forms; `packages` is the complete one.
  if (isObject(lock.packages)) return fromPackages(lock.packages);
  if (isObject(lock.dependencies)) return fromDependencies(lock.dependencies);
  return unparsable("package-lock.json", "neither `packages` nor `dependencies`");
}

/** v2 and v3: one entry per install location, `""` being the project itself. */
function fromPackages(entries: JsonObject): AnalyzerOutput {
  const packages: PackageRecord[] = [];
  const warnings: Warning[] = [];
  const named = namedByProject(entries);

  for (const [key, value] of Object.entries(entries)) {
    const installed = installedName(key);
    if (!installed || !isObject(value)) continue;

    const entry = value.link === true ? followLink(entries, key, warnings) : value;
    if (!entry) continue;
    const version = str(entry.version);
    if (!version) {
      if (value.link !== true) warnings.push(malformed(`"${key}" has no version`));
      continue;
    }

    const direct = named.get(installed.parent)?.has(installed.name) ?? false;
    packages.push(
      record("npm", str(entry.name) ?? installed.name, version, {
        licenses: licensesOf(entry.license),
        dependency: direct ? "direct" : "indirect",
        declared: true,
        metadata: lockMetadata(key, installed.name, entry),
      }),
    );
  }
  return { packages, warnings };
}

/** For each project folder (`""`, or a workspace such as `packages/a`), the names it depends on. */
function namedByProject(entries: JsonObject): Map<string, Set<string>> {
  const named = new Map<string, Set<string>>();
  for (const [key, value] of Object.entries(entries)) {
    if (key.includes("node_modules/") || !isObject(value)) continue;
    const names = DEPENDENCY_FIELDS.flatMap((f) => Object.keys(objectOf(value[f])));
    named.set(key === "" ? "" : `${key}/`, new Set(names));
  }
  return named;
}

/** `a/node_modules/@s/x` → name `@s/x` in folder `a/`; undefined for a workspace folder. */
function installedName(key: string): { name: string; parent: string } | undefined {
  const at = key.lastIndexOf("node_modules/");
  if (at < 0) return undefined;
  const name = key.slice(at + "node_modules/".length);
  return name === "" ? undefined : { name, parent: key.slice(0, at) };
}

/**
 * A `link: true` entry stands for the folder its `resolved` names. Links to
 * the project's own workspace folders are its code, not a dependency; a link
 * to itself or a loop of links is reported and skipped.
 */
function followLink(entries: JsonObject, key: string, warnings: Warning[]) {
  const seen = new Set([key]);
  let entry = objectOf(entries[key]);
  while (entry.link === true) {
    const target = str(entry.resolved);
    if (target === undefined || !target.includes("node_modules/")) return undefined;
    if (seen.has(target)) {
      warnings.push(malformed(`"${key}" links to itself through "${target}"; skipped`));
      return undefined;
    }
    seen.add(target);
    entry = objectOf(entries[target]);
  }
  return entry;
}

function lockMetadata(key: string, installedAs: string, entry: JsonObject) {
  const metadata: Record<string, string> = { installPath: key };
  if (str(entry.name) && entry.name !== installedAs) metadata.installedAs = installedAs;
  if (entry.dev === true) metadata.dev = "true";
  if (entry.optional === true) metadata.optional = "true";
  if (entry.inBundle === true) metadata.bundled = "true";
  return metadata;
}

/**
 * v1: a tree of `dependencies`, nested where npm nests the install. v1 does
 * not say which packages the project itself names, so no record carries a
 * relationship (the project's package.json would tell; issue 4).
 */
function fromDependencies(tree: JsonObject): AnalyzerOutput {
  const packages: PackageRecord[] = [];
  const warnings: Warning[] = [];
  const walk = (deps: JsonObject, parent: string, depth: number) => {
    if (depth > MAX_DEPTH) {
      warnings.push(malformed(`dependencies nested over ${MAX_DEPTH} deep at "${parent}"`));
      return;
    }
    for (const [installed, value] of Object.entries(deps)) {
      if (!isObject(value)) continue;
      const key = `${parent}node_modules/${installed}`;
      const pkg = v1Record(installed, key, value);
      if (pkg) packages.push(pkg);
      else if (!str(value.version)) warnings.push(malformed(`"${installed}" has no version`));
      if (isObject(value.dependencies)) walk(value.dependencies, `${key}/`, depth + 1);
    }
  };
  walk(tree, "", 0);
  return { packages, warnings };
}

/** An alias is written `npm:real-name@version`; git and file sources have no registry version. */
function v1Record(installed: string, key: string, entry: JsonObject): PackageRecord | undefined {
  const raw = str(entry.version);
  if (!raw) return undefined;
  const alias = /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(raw);
  if (!alias && /^[a-z+]+:/.test(raw)) return undefined;

  const name = alias?.[1] ?? installed;
  const metadata = lockMetadata(key, installed, alias ? { ...entry, name } : entry);
  return record("npm", name, alias?.[2] ?? raw, { declared: true, metadata });
}
