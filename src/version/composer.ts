// Composer (Packagist) versions. Composer orders versions by normalising
// each one (VersionParser::normalize: `v1.2` → `1.2.0.0`, `1.0-b2` →
// `1.0.0.0-beta2`, `1.x-dev` → `1.9999999.9999999.9999999-dev`) and
// comparing the results with PHP's version_compare(). Both are written here
// from their documented behaviour.
import { compareDigits, compareText } from "./parts.js";
import type { VersionScheme } from "./types.js";

// Composer's stability words and the forms it writes them in.
const STABILITIES: ReadonlyMap<string, string> = new Map([
  ["stable", "stable"],
  ["beta", "beta"],
  ["b", "beta"],
  ["rc", "RC"],
  ["alpha", "alpha"],
  ["a", "alpha"],
  ["patch", "patch"],
  ["pl", "patch"],
  ["p", "patch"],
]);

// After the numbers: an optional stability word with its numbers, and an
// optional `dev` (Composer's modifier pattern).
const MODIFIER = "[._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?[0-9]+)*))?([.-]?dev)?";
const CLASSIC = new RegExp(`^v?([0-9]{1,5})(\\.[0-9]+)?(\\.[0-9]+)?(\\.[0-9]+)?${MODIFIER}$`, "i");
const DATE = new RegExp(
  `^v?([0-9]{4}(?:[.:-]?[0-9]{2}){1,6}(?:[.:-]?[0-9]{1,3}){0,2})${MODIFIER}$`,
  "i",
);
const BRANCH = /^v?([0-9]+)(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?(\.(?:[0-9]+|[xX*]))?$/;

/**
 * Compares two Composer versions. Branches (`dev-main`) sort below every
 * version and among themselves by name; Composer itself never orders a
 * branch against a version.
 *
 * note: a string Composer refuses (`3.0.0b1.post1`, `4.3-2RC1`) is still
 * ordered: less a leading `v`, with its leading numbers padded to four as
 * Composer pads its own, by version_compare's rules.
 */
export function compareComposer(a: string, b: string): number {
  const x = normalizeComposer(a) ?? normalizeLeniently(a);
  const y = normalizeComposer(b) ?? normalizeLeniently(b);
  const branchX = x.startsWith("dev-");
  const branchY = y.startsWith("dev-");

  if (branchX || branchY) return Number(branchY) - Number(branchX) || compareText(x, y);
  return phpVersionCompare(x, y);
}

export function isValidComposer(version: string): boolean {
  return normalizeComposer(version) !== undefined;
}

export const composerScheme: VersionScheme = {
  name: "composer",
  compare: compareComposer,
  isValid: isValidComposer,
};

/**
 * Composer's normal form of a version, or undefined when Composer would
 * refuse it. Four numbers, then `-stability[number]`, then `-dev`; date
 * versions keep their own number of parts; branches start with `dev-`.
 */
export function normalizeComposer(version: string): string | undefined {
  let text = version.trim();

  // An alias (`1.0.x-dev as 1.0.0`) stands for its first half; a stability
  // flag (`1.0@beta`) and build metadata (`1.0+build.5`) do not count.
  text = /^(\S+) +as +\S+$/.exec(text)?.[1] ?? text;
  text = text.replace(/@(?:stable|rc|beta|alpha|dev)$/i, "");
  if (text === "master" || text === "trunk" || text === "default") return `dev-${text}`;
  if (/^dev-/i.test(text)) return `dev-${text.slice(4)}`;
  text = /^([^,\s+]+)\+\S+$/.exec(text)?.[1] ?? text;

  return normalizeNumbered(text) ?? normalizeDevBranch(text);
}

function normalizeNumbered(text: string): string | undefined {
  const classic = CLASSIC.exec(text);
  if (classic) {
    const [, major, minor = ".0", patch = ".0", build = ".0"] = classic;
    return withModifier(`${major}${minor}${patch}${build}`, classic.slice(5));
  }

  const date = DATE.exec(text);
  if (date) return withModifier((date[1] ?? "").replace(/[^0-9]/g, "."), date.slice(2));
  return undefined;
}

/** Appends `-stability[number]` and `-dev` from the modifier's three groups. */
function withModifier(numbers: string, [stability, digits, dev]: (string | undefined)[]): string {
  let version = numbers;
  const word = STABILITIES.get(stability?.toLowerCase() ?? "");

  if (word === "stable") return version;
  if (word !== undefined) version += `-${word}${(digits ?? "").replace(/^[.-]+/, "")}`;
  if (dev) version += "-dev";
  return version;
}

/**
 * `1.x-dev`, `2.1.*-dev`: a numbered branch, whose missing or wildcard
 * parts become 9999999. Any other name ending in `-dev` is not a version.
 */
function normalizeDevBranch(text: string): string | undefined {
  const name = /^(.*?)[.-]?dev$/i.exec(text)?.[1];
  const match = name === undefined ? null : BRANCH.exec(name.trim());
  if (!match) return undefined;

  const parts = match.slice(1, 5).map((part) => part?.replace(/[xX*]$/, "9999999") ?? ".9999999");
  return `${parts.join("")}-dev`;
}

function normalizeLeniently(version: string): string {
  const text = version.trim().replace(/^[vV](?=[0-9])/, "");
  const numbers = /^[0-9]+(?:\.[0-9]+){0,3}(?![.0-9])/.exec(text)?.[0];
  if (numbers === undefined) return text;

  const padding = ".0".repeat(3 - (numbers.split(".").length - 1));
  return numbers + padding + text.slice(numbers.length);
}

// version_compare's special words, lowest first; a word matches when it
// starts with one of these (`beta2` has been split already, `patch` reads
// as `p`). Case matters: `RC` and `rc` are listed, `Rc` is no special word.
const SPECIAL_FORMS: readonly [string, number][] = [
  ["dev", 0],
  ["alpha", 1],
  ["a", 1],
  ["beta", 2],
  ["b", 2],
  ["RC", 3],
  ["rc", 3],
  ["#", 4],
  ["pl", 5],
  ["p", 5],
];

// What version_compare puts in a number's place against a word: it ranks
// as `#`, above `rc` and below `pl`.
const NUMBER_WORD = "#N#";

/**
 * PHP's version_compare(). Both strings are first cut into parts: `-`, `_`
 * and `+` become `.`, and a `.` goes between digits and non-digits
 * (`1.0rc1` → `1.0.rc.1`). Parts then compare pairwise: numbers by value,
 * words by their special rank (unknown words rank below `dev`), a number
 * as `#`. When one side runs out, its remaining parts decide: a number
 * makes it newer, a word is compared with `#`.
 *
 * note: PHP reads numbers with strtol, so two numbers beyond 2^63 compare
 * equal there; here they compare by value (OSV's fixtures expect that).
 * A `#` ranks as a number does, so `1.2.3.#` equals both `1.2.3` and
 * `1.2.3.1` (OSV's fixtures again): PHP's order is not transitive there, and
 * we keep it, as no real version holds a `#`.
 */
export function phpVersionCompare(a: string, b: string): number {
  if (a === "" || b === "") return Number(a !== "") - Number(b !== "");

  const x = phpParts(a);
  const y = phpParts(b);
  const length = Math.min(x.length, y.length);

  for (let i = 0; i < length; i++) {
    const diff = comparePhpParts(x[i] ?? "", y[i] ?? "");
    if (diff !== 0) return diff;
  }
  return compareRest(x.slice(length), y.slice(length));
}

/** At most one side has parts left; they decide against the other side's end. */
function compareRest(x: string[], y: string[]): number {
  const rest = x.length > 0 ? x : y;
  const side = x.length > 0 ? 1 : -1;
  if (rest.length === 0) return 0;

  if (/^[0-9]/.test(rest[0] ?? "")) return side;
  return side * phpVersionCompare(rest.join("."), NUMBER_WORD);
}

function comparePhpParts(a: string, b: string): number {
  const numberA = /^[0-9]/.test(a);
  const numberB = /^[0-9]/.test(b);

  if (numberA && numberB) return compareDigits(leadingDigits(a), leadingDigits(b));
  return Math.sign(specialRank(numberA ? NUMBER_WORD : a) - specialRank(numberB ? NUMBER_WORD : b));
}

function specialRank(word: string): number {
  return SPECIAL_FORMS.find(([form]) => word.startsWith(form))?.[1] ?? -6;
}

function leadingDigits(part: string): string {
  return /^[0-9]*/.exec(part)?.[0] ?? "";
}

/** version_compare's canonical form, split on `.`; one that starts with `#` is left as it is. */
function phpParts(version: string): string[] {
  if (version.startsWith("#")) return version.split(".");

  let canonical = version.charAt(0);
  for (let i = 1; i < version.length; i++) {
    const c = version.charAt(i);
    const previous = version.charAt(i - 1);
    const last = canonical.charAt(canonical.length - 1);

    if (c === "-" || c === "_" || c === "+") {
      if (last !== ".") canonical += ".";
    } else if (isDigitChange(previous, c)) {
      canonical += last === "." ? c : `.${c}`;
    } else {
      canonical += c;
    }
  }
  return canonical.split(".");
}

/** Between a digit and a non-digit, where neither is a `.`. */
function isDigitChange(previous: string, c: string): boolean {
  if (previous === "." || c === ".") return false;
  return /[0-9]/.test(previous) !== /[0-9]/.test(c);
}
