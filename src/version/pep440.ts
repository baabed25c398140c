// Python package versions, as PEP 440 (the "Version specifiers" spec of the
// Python Packaging User Guide) defines them:
//   [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]
// with the alternative spellings the spec says to normalise (`1.0-RC1`,
// `1.0.post`, `1.0-5`, `v1.0`, `1.0alpha`), and an order for strings that
// are not PEP 440 at all, which PyPI still holds for old releases.
import { asciiLower, compareDigits, compareLists, compareText, isDigits } from "./parts.js";
import type { VersionScheme } from "./types.js";

export type PreLabel = "a" | "b" | "rc";

export interface Pep440Version {
  epoch: string;
  /** Digit strings as written; leading zeros compare by value. */
  release: string[];
  pre?: { label: PreLabel; number: string };
  post?: string;
  dev?: string;
  /** Lower-cased segments, split on `.`, `-` and `_`. */
  local?: string[];
}

// Every spelling PEP 440 accepts, matched against ASCII-lower-cased text.
// Separators between the parts are optional and may be `.`, `-` or `_`; a
// post release may also be a bare `-N`.
const PATTERN = new RegExp(
  [
    "^v?",
    "(?:(?<epoch>[0-9]+)!)?",
    "(?<release>[0-9]+(?:\\.[0-9]+)*)",
    "(?:[-_.]?(?<preLabel>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre>[0-9]+)?)?",
    "(?:-(?<bareNumber>[0-9]+)|[-_.]?(?<postLabel>post|rev|r)[-_.]?(?<post>[0-9]+)?)?",
    "(?:[-_.]?(?<devLabel>dev)[-_.]?(?<dev>[0-9]+)?)?",
    "(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?",
    "$",
  ].join(""),
);

const PRE_LABELS: ReadonlyMap<string, PreLabel> = new Map([
  ["a", "a"],
  ["alpha", "a"],
  ["b", "b"],
  ["beta", "b"],
  ["c", "rc"],
  ["rc", "rc"],
  ["pre", "rc"],
  ["preview", "rc"],
]);

const PRE_RANK: Readonly<Record<PreLabel, number>> = { a: 0, b: 1, rc: 2 };

/** Reads a PEP 440 version in any accepted spelling; undefined when it is not one. */
export function parsePep440(version: string): Pep440Version | undefined {
  const groups = PATTERN.exec(asciiLower(version.trim()))?.groups;
  if (groups?.release === undefined) return undefined;

  const parsed: Pep440Version = { epoch: groups.epoch ?? "0", release: groups.release.split(".") };
  const preLabel = PRE_LABELS.get(groups.preLabel ?? "");
  if (preLabel !== undefined) parsed.pre = { label: preLabel, number: groups.pre ?? "0" };

  // A label without a number means 0: `1.0.post` is `1.0.post0`, `1.0.dev` is `1.0.dev0`.
  if (groups.bareNumber !== undefined) parsed.post = groups.bareNumber;
  if (groups.postLabel !== undefined) parsed.post = groups.post ?? "0";
  if (groups.devLabel !== undefined) parsed.dev = groups.dev ?? "0";
  if (groups.local !== undefined) parsed.local = groups.local.split(/[-_.]/);
  return parsed;
}

export function isValidPep440(version: string): boolean {
  return parsePep440(version) !== undefined;
}

/** The normal form PEP 440 prints: `1.0-RC1` is `1.0rc1`, `v1.0.POST` is `1.0.post0`. */
export function normalizePep440(version: Pep440Version): string {
  const epoch = compareDigits(version.epoch, "0") === 0 ? "" : `${trimZeros(version.epoch)}!`;
  const parts = [epoch, version.release.map(trimZeros).join(".")];

  if (version.pre) parts.push(version.pre.label, trimZeros(version.pre.number));
  if (version.post !== undefined) parts.push(".post", trimZeros(version.post));
  if (version.dev !== undefined) parts.push(".dev", trimZeros(version.dev));
  if (version.local) parts.push("+", version.local.map(localText).join("."));
  return parts.join("");
}

/**
 * Compares two Python versions. PEP 440 versions compare by the spec; a
 * string that is not PEP 440 sorts below every PEP 440 version and, among
 * its kind, by the rule setuptools and `packaging` before 22 used for such
 * strings (LegacyVersion, see `legacyKey`). note: packaging 22 and later
 * refuse these strings; we keep the old order because PyPI still serves
 * them and OSV's own ordering of them (pep440-osv-legacy.tsv) is that one.
 */
export function comparePep440(a: string, b: string): number {
  const x = parsePep440(a);
  const y = parsePep440(b);

  if (x && y) return compareParsed(x, y);
  if (x) return 1;
  if (y) return -1;
  return compareLists(legacyKey(a), legacyKey(b), compareText);
}

export const pep440Scheme: VersionScheme = {
  name: "pep440",
  compare: comparePep440,
  isValid: isValidPep440,
};

/** Orders two parsed versions by PEP 440 (specifiers compare with this too). */
export function compareParsed(x: Pep440Version, y: Pep440Version): number {
  return (
    compareDigits(x.epoch, y.epoch) ||
    compareLists(trimRelease(x.release), trimRelease(y.release), compareDigits) ||
    compareSlots(preSlot(x), preSlot(y)) ||
    compareSlots(optional(x.post, -1), optional(y.post, -1)) ||
    compareSlots(optional(x.dev, 1), optional(y.dev, 1)) ||
    compareLocal(x.local, y.local)
  );
}

/**
 * A slot is either a bound (below or above every value) or a value. The
 * order of the optional parts comes from where a missing part sits:
 * `1.0.dev0 < 1.0a1 < 1.0 < 1.0.post0`, and `1.0.post0.dev0 < 1.0.post0`.
 */
type Slot = { bound: -1 | 1 } | { rank: number; number: string };

function preSlot(version: Pep440Version): Slot {
  if (version.pre) return { rank: PRE_RANK[version.pre.label], number: version.pre.number };

  // A bare dev release (`1.0.dev1`) comes before the pre-releases of 1.0.
  if (version.post === undefined && version.dev !== undefined) return { bound: -1 };
  return { bound: 1 };
}

function optional(number: string | undefined, missing: -1 | 1): Slot {
  return number === undefined ? { bound: missing } : { rank: 0, number };
}

function compareSlots(a: Slot, b: Slot): number {
  if ("bound" in a) return "bound" in b ? Math.sign(a.bound - b.bound) : a.bound;
  if ("bound" in b) return -b.bound;
  return Math.sign(a.rank - b.rank) || compareDigits(a.number, b.number);
}

/** No local part sorts first; then segment by segment, numbers above words. */
function compareLocal(a: string[] | undefined, b: string[] | undefined): number {
  if (a === undefined || b === undefined) return Number(a !== undefined) - Number(b !== undefined);
  return compareLists(a, b, compareLocalSegment);
}

function compareLocalSegment(a: string, b: string): number {
  const numberA = isDigits(a);
  const numberB = isDigits(b);

  if (numberA && numberB) return compareDigits(a, b);
  if (numberA !== numberB) return numberA ? 1 : -1;
  return compareText(a, b);
}

/** `1.0.0` equals `1`: trailing zeros of the release do not count. */
function trimRelease(release: string[]): string[] {
  let end = release.length;
  while (end > 1 && compareDigits(release[end - 1] ?? "", "0") === 0) end--;
  return release.slice(0, end);
}

function trimZeros(digits: string): string {
  return digits.replace(/^0+(?=[0-9])/, "");
}

function localText(segment: string): string {
  return isDigits(segment) ? trimZeros(segment) : segment;
}

/**
 * The sort key setuptools gave any version string before PEP 440, which
 * `packaging` kept as LegacyVersion until release 22. The lower-cased string
 * splits into runs of digits, runs of letters, `.` and `-`; digits are
 * zero-padded to 8 places so they sort as numbers, everything else gets a
 * `*` in front so it sorts below them; `pre`, `preview` and `rc` read as
 * `c`, `dev` as `@` (below every letter), and `-` as `final-`. Trailing zero
 * numbers before a word are dropped, and a `-` before a pre-release word is
 * forgotten, so `1.0-rc1` equals `1.0rc1`.
 */
function legacyKey(version: string): string[] {
  const key: string[] = [];

  for (const part of legacyParts(version.toLowerCase())) {
    if (part.startsWith("*")) {
      if (part < "*final") {
        while (key.at(-1) === "*final-") key.pop();
      }
      while (key.at(-1) === "00000000") key.pop();
    }
    key.push(part);
  }
  return key;
}

const LEGACY_ALIASES: ReadonlyMap<string, string> = new Map([
  ["pre", "c"],
  ["preview", "c"],
  ["rc", "c"],
  ["dev", "@"],
  ["-", "final-"],
]);

function legacyParts(version: string): string[] {
  // The capture group keeps the tokens; the text between them (`+`, `:`,
  // `_`, ...) is kept too and sorts as a word.
  const pieces = version.split(/(\p{Nd}+|[a-z]+|\.|-)/u);
  const parts: string[] = [];

  for (const piece of pieces) {
    const part = LEGACY_ALIASES.get(piece) ?? piece;
    if (part === "" || part === ".") continue;
    // Only ASCII digits are padded: other decimal digits split like numbers but sort as words.
    parts.push(/^[0-9]/.test(part) ? part.padStart(8, "0") : `*${part}`);
  }
  parts.push("*final");
  return parts;
}
