import type { PackageRecord } from "../../inventory/types.js";
import type { AnalyzerOutput, ByteSource, FileAnalyzer } from "../types.js";
import { readRawBuildInfo, scanForInlineBuildInfo } from "./go/buildinfo.js";
import { stdlibVersion } from "./go/toolchain.js";
import { parseModuleInfo, stripSentinels, type GoModule, type ModuleInfo } from "./go/modinfo.js";
import { executableClaims } from "./native/executable.js";
import { readObjectFile } from "./native/object-file.js";

/**
 * Go programs, by the build info the linker embeds: the toolchain (as the
 * `stdlib` package), the main module and every module dependency, with
 * replacements. Stripped binaries keep it; a GOPATH-mode build has no
 * modules, only the main package's import path (kept as metadata).
 */
export const goBinaryAnalyzer: FileAnalyzer = {
  id: "go-binary",
  version: 1,
  ...executableClaims,
  analyze: ({ source }) => analyzeGoBinary(source),
};

export async function analyzeGoBinary(source: ByteSource): Promise<AnalyzerOutput> {
  const obj = await readObjectFile(source);
  const raw =
    "ok" in obj ? await readRawBuildInfo(obj.ok, source) : await scanForInlineBuildInfo(source);
  const damage = "error" in obj ? obj.error : obj.ok.damage;
  const damaged = damage ? [{ code: "BAD_BINARY", message: `damaged: ${damage}` }] : [];

  if ("none" in raw) return { warnings: damaged };
  if ("error" in raw) {
    return {
      warnings: [
        ...damaged,
        { code: "BAD_GO_BUILDINFO", message: `Go build info not read: ${raw.error}` },
      ],
    };
  }
  const info = parseModuleInfo(stripSentinels(raw.ok.modinfo));
  return { packages: goPackages(raw.ok.version, info), warnings: damaged };
}

function goPackages(toolchain: string, info: ModuleInfo): PackageRecord[] {
  const build = buildFacts(toolchain, info);
  const packages: PackageRecord[] = [];

  const stdlib = stdlibVersion(toolchain);
  if (stdlib) packages.push({ type: "golang", name: "stdlib", version: stdlib, metadata: build });
  if (info.main) packages.push(mainModule(info.main, info, build));
  for (const dep of info.deps) packages.push(dependency(dep));
  return packages;
}

/** What the build says about itself; on the stdlib and main module records. */
function buildFacts(toolchain: string, info: ModuleInfo): Record<string, string> {
  const facts: Record<string, string> = { goToolchain: toolchain };
  if (info.path) facts.goMainPackage = info.path;
  for (const key of KEPT_SETTINGS) {
    const value = info.settings.get(key);
    if (value !== undefined) facts[`goBuild:${key}`] = value;
  }
  return facts;
}

const KEPT_SETTINGS = ["GOOS", "GOARCH", "CGO_ENABLED", "vcs.revision", "vcs.time", "vcs.modified"];

/**
 * A main module built from a checkout says `(devel)`. When `-ldflags -X`
 * set a version variable to something version-like, that is taken instead,
 * and marked as such.
 */
function mainModule(
  main: GoModule,
  info: ModuleInfo,
  build: Record<string, string>,
): PackageRecord {
  const stamped =
    main.version === "(devel)" ? ldflagsVersion(info.settings.get("-ldflags")) : undefined;
  const record = dependency(main);
  record.metadata = { ...record.metadata, ...build, goMain: "true" };
  if (stamped) {
    record.version = stamped;
    record.metadata.goVersionFrom = "ldflags";
  }
  return record;
}

function isLocalReplacement(replace: GoModule): boolean {
  return (
    /^(?:\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(replace.path) ||
    replace.version === "" ||
    replace.version === "(devel)"
  );
}

const VERSION_VARIABLE = new RegExp(
  String.raw`-X[= ]?'?(?:main|[\w./-]+/(?:version|buildinfo|build))` +
    String.raw`\.(?:[vV]ersion|gitVersion)=v?(\d+\.\d+\.\d+(?:[-+][\w.+-]*)?)`,
);

function ldflagsVersion(ldflags: string | undefined): string | undefined {
  const m = ldflags ? VERSION_VARIABLE.exec(ldflags) : null;
  return m ? `v${m[1]}` : undefined;
}

/**
 * A replacement with a version is what was built, and is reported, naming
 * what it replaced. A local directory has no version (Go 1.19 writes
 * `(devel)`, earlier ones nothing): the original module and version are
 * reported, with the directory it was replaced by.
 */
function dependency(mod: GoModule): PackageRecord {
  const replace = mod.replace;
  if (replace && !isLocalReplacement(replace)) {
    return {
      type: "golang",
      name: replace.path,
      version: replace.version,
      metadata: {
        goReplaces: `${mod.path}@${mod.version}`,
        ...(replace.sum && { goSum: replace.sum }),
      },
    };
  }
  const metadata: Record<string, string> = {};
  if (mod.sum) metadata.goSum = mod.sum;
  if (replace) metadata.goReplacedBy = replace.path;
  return { type: "golang", name: mod.path, version: mod.version, metadata };
}
