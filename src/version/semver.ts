// SemVer 2.0.0 precedence (semver.org, section 11), read leniently the way
// OSV's SEMVER ranges need it: advisories and lockfiles carry `v1.2`,
// `1.2.3.4` or `2.0.0rc2`, and each must still land somewhere sensible.
import type { VersionScheme } from "./types.js";

interface SemverParts {
  /** Dot-separated numbers, as digit strings; missing ones count as 0. */
  release: string[];
  /** Pre-release identifiers; empty for a release. */
  prerelease: string[];
}

// The grammar of semver.org, plus an optional leading "v".
const STRICT =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$/;

/**
 * Compares two versions by SemVer precedence. Build metadata is ignored;
 * numbers of any size compare by value. Never throws: see `parseLenient`.
 */
export function compareSemver(a: string, b: string): number {
  const x = parseLenient(a);
  const y = parseLenient(b);

  return compareRelease(x.release, y.release) || comparePrerelease(x.prerelease, y.prerelease);
}

/** Strict SemVer 2.0.0; the only liberty taken is a leading "v". */
export function isValidSemver(version: string): boolean {
  return STRICT.test(version);
}

export const semverScheme: VersionScheme = {
  name: "semver",
  compare: compareSemver,
  isValid: isValidSemver,
};

// node-semver's loose grammar: any run of `v`, `=` and spaces in front,
// leading zeros, and a pre-release without its hyphen (`1.2.3beta`).
const NPM_DOTTED = "[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*";
const NPM_LOOSE = new RegExp(
  `^[v=\\s]*([0-9]+)\\.([0-9]+)\\.([0-9]+)(?:-?${NPM_DOTTED})?(?:\\+${NPM_DOTTED})?$`,
);

// node-semver refuses longer strings, and numbers a double cannot hold exactly.
const NPM_MAX_LENGTH = 256;
const NPM_MAX_NUMBER = String(Number.MAX_SAFE_INTEGER);

/**
 * Whether node-semver (npm) accepts the version: strict SemVer 2.0.0 after
 * trimming, or its loose grammar with `loose`, and in both cases no longer
 * than 256 characters with each of the three numbers below 2^53.
 */
export function isValidNpmSemver(version: string, options: { loose?: boolean } = {}): boolean {
  if (version.length > NPM_MAX_LENGTH) return false;

  const text = version.trim();
  const match = options.loose ? NPM_LOOSE.exec(text) : STRICT.exec(text);
  return (
    match !== null && match.slice(1, 4).every((n) => compareNumbers(n ?? "", NPM_MAX_NUMBER) <= 0)
  );
}

/**
 * npm's SemVer: the same order, with node-semver's own idea of a valid
 * version. note: npm's range syntax (`^1.2`, `1.x || >=2`, the cases of
 * npm-semver-range.tsv) is not read yet (issue 4).
 */
export const npmSemverScheme: VersionScheme = {
  name: "npm-semver",
  compare: compareSemver,
  isValid: (version) => isValidNpmSemver(version),
};

/**
 * Reads any string as a version:
 * - surrounding whitespace and a leading run of `v`, `=` and spaces are
 *   dropped (node-semver's loose prefix);
 * - everything from the first `+` is build metadata, and is dropped;
 * - the release is the leading run of dot-separated numbers, of any count;
 * - whatever follows, minus one leading `-` or `.`, is the pre-release, so
 *   `2.0.0rc2` reads as `2.0.0-rc2`.
 */
function parseLenient(version: string): SemverParts {
  const text = version.trim().replace(/^[vV=\s]+/, "");
  const plus = text.indexOf("+");
  const body = plus >= 0 ? text.slice(0, plus) : text;

  const release = /^\d+(?:\.\d+)*/.exec(body)?.[0] ?? "";
  const rest = body.slice(release.length).replace(/^[-.]/, "");

  return {
    release: release === "" ? [] : release.split("."),
    prerelease: rest === "" ? [] : rest.split("."),
  };
}

function compareRelease(a: string[], b: string[]): number {
  const length = Math.max(a.length, b.length);

  for (let i = 0; i < length; i++) {
    const diff = compareNumbers(a[i] ?? "0", b[i] ?? "0");
    if (diff !== 0) return diff;
  }
  return 0;
}

/** A release outranks its pre-releases; then identifiers pair up in order. */
function comparePrerelease(a: string[], b: string[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  if (a.length === 0) return 1;
  if (b.length === 0) return -1;

  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = compareIdentifier(a[i] ?? "", b[i] ?? "");
    if (diff !== 0) return diff;
  }
  return sign(a.length - b.length);
}

/** Numeric identifiers sort below alphanumeric ones; the latter in ASCII order. */
function compareIdentifier(a: string, b: string): number {
  const numericA = /^\d+$/.test(a);
  const numericB = /^\d+$/.test(b);

  if (numericA && numericB) return compareNumbers(a, b);
  if (numericA !== numericB) return numericA ? -1 : 1;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Digit strings by value, whatever their length. */
function compareNumbers(a: string, b: string): number {
  const x = a.replace(/^0+/, "");
  const y = b.replace(/^0+/, "");
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

function sign(n: number): number {
  if (n === 0) return 0;
  return n < 0 ? -1 : 1;
}
