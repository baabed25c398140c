// Comparisons of version parts that several schemes share. Version numbers
// in real data outgrow 2^53 (dates, build stamps, 30-digit OSV fixtures),
// so numbers stay digit strings and compare by length after leading zeros.

/** Compares digit strings by value, whatever their length; "" counts as 0. */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+/, "");
  const y = b.replace(/^0+/, "");

  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return compareText(x, y);
}

/** Plain code-unit order, as a comparator. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Lower-cases A-Z only: ecosystems that ignore case mean ASCII case (`İ` is no `i`). */
export function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (run) => run.toLowerCase());
}

/** True for a non-empty run of ASCII digits. */
export function isDigits(text: string): boolean {
  return /^[0-9]+$/.test(text);
}

/**
 * Compares two lists item by item with `compareItem`; when one is a prefix of
 * the other, the shorter comes first.
 */
export function compareLists<T>(a: readonly T[], b: readonly T[], compareItem: Compare<T>): number {
  const length = Math.min(a.length, b.length);

  for (let i = 0; i < length; i++) {
    const diff = compareItem(a[i] as T, b[i] as T);
    if (diff !== 0) return diff;
  }
  return Math.sign(a.length - b.length);
}

export type Compare<T> = (a: T, b: T) => number;

/**
 * SemVer pre-release precedence over identifier lists: no pre-release (an
 * empty list) sorts after every pre-release; identifiers pair up in order,
 * numbers by value below words, words by `compareWord`; on a tie the longer
 * list wins. Go, NuGet and SemVer itself order pre-releases so.
 */
export function comparePrereleases(
  a: readonly string[],
  b: readonly string[],
  compareWord: Compare<string> = compareText,
): number {
  if (a.length === 0 || b.length === 0) return Number(a.length === 0) - Number(b.length === 0);
  return compareLists(a, b, (x, y) => compareIdentifier(x, y, compareWord));
}

function compareIdentifier(a: string, b: string, compareWord: Compare<string>): number {
  const numberA = isDigits(a);
  const numberB = isDigits(b);

  if (numberA && numberB) return compareDigits(a, b);
  if (numberA !== numberB) return numberA ? -1 : 1;
  return compareWord(a, b);
}
