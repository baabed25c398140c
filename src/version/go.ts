// Go module versions, ordered as golang.org/x/mod/semver orders them:
// SemVer 2.0.0 with a leading `v`, the shorthands `v1` and `v1.2` for
// `v1.0.0` and `v1.2.0`, build metadata (`+incompatible`) ignored, and every
// invalid string equal to every other and below all valid ones.
// Pseudo-versions (`v0.0.0-20200101000000-abcdef123456`,
// `v1.2.4-0.20200101000000-abcdef123456`, `v1.2.4-pre.0.2020...`) are
// pre-releases, so they need no rule of their own.
//
// Two other spellings reach us: OSV's Go ecosystem writes module versions
// without the `v` (`1.2.3`), and the standard library and toolchain are
// versioned `go1.21.5`, `go1.21rc2`, `go1.18beta1`. Both are read as the
// module version they stand for, as the Go vulnerability database writes
// them in OSV (`1.21.0-rc.2`).
import { compareDigits, comparePrereleases, isDigits } from "./parts.js";
import type { VersionScheme } from "./types.js";

interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  prerelease: string[];
}

const NUMBER = "(0|[1-9][0-9]*)";
const IDENTIFIER = "[0-9A-Za-z-]+";
const DOTTED = `${IDENTIFIER}(?:\\.${IDENTIFIER})*`;

// Full versions may carry a pre-release and build metadata; shorthands may not.
const FULL = new RegExp(`^v${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-(${DOTTED}))?(?:\\+${DOTTED})?$`);
const SHORT = new RegExp(`^v${NUMBER}(?:\\.${NUMBER})?$`);

// `go1.21rc2`, `go1.9.2rc2`, `1.18beta1`: the toolchain's pre-release spelling.
const TOOLCHAIN_PRERELEASE = /^(?:go)?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(beta|rc)([0-9]+)$/;

/**
 * Compares two Go versions. note: as in x/mod, two invalid strings compare
 * equal, so `(devel)` (a binary built outside a module release) equals any
 * other invalid string; OSV's Go records list no such versions.
 */
export function compareGo(a: string, b: string): number {
  const x = parseGo(a);
  const y = parseGo(b);

  if (x === undefined || y === undefined) return Number(x !== undefined) - Number(y !== undefined);
  return (
    compareDigits(x.major, y.major) ||
    compareDigits(x.minor, y.minor) ||
    compareDigits(x.patch, y.patch) ||
    comparePrereleases(x.prerelease, y.prerelease)
  );
}

export function isValidGo(version: string): boolean {
  return parseGo(version) !== undefined;
}

/**
 * The canonical module version (`v1.2.0` for `v1.2`, build metadata
 * dropped, as semver.Canonical gives it), or "" when the string is invalid.
 */
export function canonicalGo(version: string): string {
  const parsed = parseGo(version);
  if (parsed === undefined) return "";

  const core = `v${parsed.major}.${parsed.minor}.${parsed.patch}`;
  return parsed.prerelease.length > 0 ? `${core}-${parsed.prerelease.join(".")}` : core;
}

export const goScheme: VersionScheme = {
  name: "go",
  compare: compareGo,
  isValid: isValidGo,
};

function parseGo(version: string): GoVersion | undefined {
  const text = asModuleVersion(version);
  const [, major, minor = "0", patch = "0", prerelease] = FULL.exec(text) ?? SHORT.exec(text) ?? [];
  if (major === undefined) return undefined;

  // SemVer forbids leading zeros in numeric pre-release identifiers.
  const identifiers = prerelease?.split(".") ?? [];
  if (identifiers.some((id) => isDigits(id) && id.length > 1 && id.startsWith("0"))) {
    return undefined;
  }
  return { major, minor, patch, prerelease: identifiers };
}

/** `1.2.3` → `v1.2.3`, `go1.21.5` → `v1.21.5`, `go1.21rc2` → `v1.21.0-rc.2`. */
function asModuleVersion(version: string): string {
  const toolchain = TOOLCHAIN_PRERELEASE.exec(version);
  if (toolchain) {
    const [, major, minor = "0", patch = "0", label, number] = toolchain;
    return `v${major}.${minor}.${patch}-${label}.${number}`;
  }

  if (/^go[0-9]/.test(version)) return `v${version.slice(2)}`;
  if (/^[0-9]/.test(version)) return `v${version}`;
  return version;
}
