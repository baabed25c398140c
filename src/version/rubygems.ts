// RubyGems versions, ordered as Gem::Version orders them: the version splits
// into runs of digits (numbers) and runs of letters (strings); a string
// marks a pre-release, so `1.0.a < 1.0`; a `-` starts one too (`1.0-1` is
// `1.0.pre.1`). Zeros at the end of the release part, or at the end of the
// whole, do not count: `1.2 == 1.2.0` and `5.0.0.rc2` orders like `5.rc2`.
import { compareDigits, compareText, isDigits } from "./parts.js";
import type { VersionScheme } from "./types.js";

// What Gem::Version accepts, around optional whitespace; blank means "0".
const VALID = /^\s*(?:[0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?\s*$/;

/**
 * Compares two RubyGems versions. note: Gem::Version refuses strings that
 * are not versions (`1..2`, `junk`); we still read their digit and letter
 * runs the same way, so `1..2` orders as `1.2` and `junk` as a pre-release
 * of 0, rather than failing.
 */
export function compareRubygems(a: string, b: string): number {
  const x = canonicalSegments(a);
  const y = canonicalSegments(b);
  const length = Math.max(x.length, y.length);

  for (let i = 0; i < length; i++) {
    const diff = compareSegments(x[i] ?? "0", y[i] ?? "0");
    if (diff !== 0) return diff;
  }
  return 0;
}

export function isValidRubygems(version: string): boolean {
  return VALID.test(version);
}

/** A version with a letter in it is a pre-release (Gem::Version#prerelease?). */
export function isRubygemsPrerelease(version: string): boolean {
  return /[a-zA-Z]/.test(version);
}

export const rubygemsScheme: VersionScheme = {
  name: "rubygems",
  compare: compareRubygems,
  isValid: isValidRubygems,
};

/** The digit and letter runs, with `-` read as `.pre.`; blank is "0". */
export function rubygemsSegments(version: string): string[] {
  const text = version.trim().replaceAll("-", ".pre.");
  return text.match(/[0-9]+|[a-zA-Z]+/g) ?? ["0"];
}

/**
 * The segments with trailing zeros dropped from the release part (up to the
 * first string) and from the pre-release part, so that equal versions have
 * equal segments.
 */
function canonicalSegments(version: string): string[] {
  const segments = rubygemsSegments(version);
  const firstString = segments.findIndex((segment) => !isDigits(segment));
  const split = firstString < 0 ? segments.length : firstString;

  return [
    ...dropTrailingZeros(segments.slice(0, split)),
    ...dropTrailingZeros(segments.slice(split)),
  ];
}

function dropTrailingZeros(segments: string[]): string[] {
  let end = segments.length;
  while (end > 0 && isZero(segments[end - 1] ?? "")) end--;
  return segments.slice(0, end);
}

function isZero(segment: string): boolean {
  return isDigits(segment) && compareDigits(segment, "0") === 0;
}

/** Numbers by value; a string sorts below a number; strings by byte order. */
function compareSegments(a: string, b: string): number {
  const numberA = isDigits(a);
  const numberB = isDigits(b);

  if (numberA && numberB) return compareDigits(a, b);
  if (numberA !== numberB) return numberA ? 1 : -1;
  return compareText(a, b);
}
