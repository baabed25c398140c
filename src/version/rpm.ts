// rpm version ordering: rpmvercmp() on each of epoch, version and release,
// as rpm 4.18 does it (with `~` pre-release and `^` post-release markers).
import type { VersionScheme } from "./types.js";

export interface Evr {
  /** Absent when the string has no `N:` prefix; compares as "0". */
  epoch?: string;
  version: string;
  /** Absent when the string has no `-`; an absent release sorts before any release. */
  release?: string;
}

const isDigit = (c: string) => c >= "0" && c <= "9";
const isAlpha = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
const isAlnum = (c: string) => isDigit(c) || isAlpha(c);

/**
 * Compares two version (or release) strings segment by segment. Runs of
 * anything other than letters, digits, `~` and `^` only separate segments,
 * so `1.0`, `1_0` and `1+0` are equal; note: rpm treats non-ASCII letters
 * as separators too, and so do we.
 */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;

  while (i < a.length || j < b.length) {
    i = skipSeparators(a, i);
    j = skipSeparators(b, j);
    const ca = a[i] ?? "";
    const cb = b[j] ?? "";

    // `~` sorts before everything, even the end of the string.
    if (ca === "~" || cb === "~") {
      if (ca !== "~") return 1;
      if (cb !== "~") return -1;
      i++;
      j++;
      continue;
    }

    // `^` sorts after the end of the string but before any other segment.
    if (ca === "^" || cb === "^") {
      if (ca === "") return -1;
      if (cb === "") return 1;
      if (ca !== "^") return 1;
      if (cb !== "^") return -1;
      i++;
      j++;
      continue;
    }

    if (ca === "" || cb === "") break;

    const numeric = isDigit(ca);
    const take = numeric ? isDigit : isAlpha;
    const endA = scan(a, i, take);
    const endB = scan(b, j, take);

    // A numeric segment is newer than an alphabetic one.
    if (endB === j) return numeric ? 1 : -1;

    const rc = compareSegment(a.slice(i, endA), b.slice(j, endB), numeric);
    if (rc !== 0) return rc;
    i = endA;
    j = endB;
  }

  if (i >= a.length && j >= b.length) return 0;
  return i < a.length ? 1 : -1;
}

function skipSeparators(s: string, from: number): number {
  let k = from;
  while (k < s.length && !isAlnum(s[k] as string) && s[k] !== "~" && s[k] !== "^") k++;
  return k;
}

function scan(s: string, from: number, take: (c: string) => boolean): number {
  let k = from;
  while (k < s.length && take(s[k] as string)) k++;
  return k;
}

function compareSegment(x: string, y: string, numeric: boolean): number {
  if (numeric) {
    x = x.replace(/^0+/, "");
    y = y.replace(/^0+/, "");
    if (x.length !== y.length) return x.length > y.length ? 1 : -1;
  }
  if (x === y) return 0;
  return x < y ? -1 : 1;
}

/**
 * Splits `[epoch:]version[-release]` as rpm does: the epoch is the leading
 * digits before a `:`, the release is everything after the last `-`.
 */
export function parseEvr(evr: string): Evr {
  let k = 0;
  while (k < evr.length && isDigit(evr[k] as string)) k++;

  let epoch: string | undefined;
  let rest = evr;
  if (evr[k] === ":") {
    epoch = k === 0 ? "0" : evr.slice(0, k);
    rest = evr.slice(k + 1);
  }

  const dash = rest.lastIndexOf("-");
  if (dash < 0) return { epoch, version: rest };
  return { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) };
}

/**
 * rpmverCmp: epoch (absent = "0"), then version, then release, where an
 * absent release sorts before any release, even an empty one (`1 < 1-`).
 * note: rpm's dependency matching (rpmdsCompare) instead skips the release
 * when one side has none; version ranges from advisories want this order.
 */
export function compareEvr(a: Evr, b: Evr): number {
  const rc = rpmvercmp(a.epoch ?? "0", b.epoch ?? "0");
  if (rc !== 0) return rc;

  const rv = rpmvercmp(a.version, b.version);
  if (rv !== 0) return rv;
  if (a.release === undefined || b.release === undefined) {
    return a.release === b.release ? 0 : a.release === undefined ? -1 : 1;
  }
  return rpmvercmp(a.release, b.release);
}

// What rpmbuild accepts in a Version or Release tag (macros already expanded).
const VERREL = /^[A-Za-z0-9._+~^]+$/;

function isValid(evr: string): boolean {
  const { epoch, version, release } = parseEvr(evr);
  if (epoch !== undefined && !/^\d+$/.test(epoch)) return false;
  if (!VERREL.test(version) || version.includes("..")) return false;
  return release === undefined || (VERREL.test(release) && !release.includes(".."));
}

export const rpmScheme: VersionScheme = {
  name: "rpm",
  compare: (a, b) => compareEvr(parseEvr(a), parseEvr(b)),
  isValid,
};
