// NuGet package versions, as NuGet.Versioning's NuGetVersion reads them and
// VersionComparer.Default orders them: SemVer 2.0.0 extended to one to four
// numbers (`1.0 == 1.0.0.0`, leading zeros allowed), pre-release labels
// compared without regard to case, build metadata ignored.
import { compareDigits, comparePrereleases } from "./parts.js";
import type { VersionScheme } from "./types.js";

interface NugetVersion {
  /** Digit strings; missing ones count as 0. */
  numbers: string[];
  /** Pre-release identifiers, upper-cased; empty for a release. */
  label: string[];
}

const IDENTIFIER = "[0-9A-Za-z-]+";
const DOTTED = `${IDENTIFIER}(?:\\.${IDENTIFIER})*`;

// NuGetVersion: 1-4 numbers, a label and metadata, whitespace around it.
const LENIENT = new RegExp(`^[0-9]+(?:\\.[0-9]+){0,3}(?:-${DOTTED})?(?:\\+${DOTTED})?$`);

// SemanticVersion: exactly SemVer 2.0.0 (three numbers, no leading zeros
// in numbers or numeric identifiers).
const NUMBER = "(?:0|[1-9][0-9]*)";
const PRE_ID = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
const STRICT = new RegExp(
  `^${NUMBER}\\.${NUMBER}\\.${NUMBER}(?:-${PRE_ID}(?:\\.${PRE_ID})*)?(?:\\+${DOTTED})?$`,
);

// System.Version keeps each number in an int.
const MAX_PART = "2147483647";

/**
 * Compares two NuGet versions. note: NuGet refuses strings that are not
 * versions; we read them as far as they go instead: the leading dotted
 * numbers (however many) are the version and the rest, less one leading
 * `-` or `.`, is the label, so `1.2.3.Beta` orders as `1.2.3-Beta`.
 */
export function compareNuget(a: string, b: string): number {
  const x = parseLenient(a);
  const y = parseLenient(b);

  const length = Math.max(4, x.numbers.length, y.numbers.length);
  for (let i = 0; i < length; i++) {
    const diff = compareDigits(x.numbers[i] ?? "0", y.numbers[i] ?? "0");
    if (diff !== 0) return diff;
  }
  // Labels were upper-cased when read, so ordinal order ignores case.
  return comparePrereleases(x.label, y.label);
}

/** Whether NuGetVersion.TryParse accepts the version. */
export function isValidNuget(version: string): boolean {
  const text = version.trim();
  if (!LENIENT.test(text)) return false;

  const numbers = /^[0-9.]+/.exec(text)?.[0].split(".") ?? [];
  return numbers.every((n) => compareDigits(n, MAX_PART) <= 0);
}

/** Whether NuGet's strict SemanticVersion.TryParse accepts the version. */
export function isValidNugetSemanticVersion(version: string): boolean {
  return STRICT.test(version);
}

export const nugetScheme: VersionScheme = {
  name: "nuget",
  compare: compareNuget,
  isValid: isValidNuget,
};

function parseLenient(version: string): NugetVersion {
  const text = version.trim();
  const plus = text.indexOf("+");
  const body = plus >= 0 ? text.slice(0, plus) : text;

  const numbers = /^[0-9]+(?:\.[0-9]+)*/.exec(body)?.[0] ?? "";
  const label = body.slice(numbers.length).replace(/^[-.]/, "");

  return {
    numbers: numbers === "" ? [] : numbers.split("."),
    label: label === "" ? [] : label.toUpperCase().split("."),
  };
}
