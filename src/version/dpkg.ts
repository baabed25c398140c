// Debian version ordering, as deb-version(7) and Debian Policy 5.6.12 define
// it: [epoch:]upstream[-revision], compared part by part.
import type { VersionScheme } from "./types.js";

interface DpkgVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

// dpkg stores the epoch in an int and rejects anything larger.
const MAX_EPOCH = 2147483647;

/**
 * Compares two Debian versions. It never rejects a string: dpkg itself
 * compares versions with bad characters (a warning in lax mode), and the
 * few shapes it refuses outright (`:1.0`, `1.0-`) are split as well as they
 * can be and ordered by the same rules.
 */
export function compareDpkg(a: string, b: string): number {
  const x = splitVersion(a);
  const y = splitVersion(b);

  return (
    compareDigitRuns(x.epoch, y.epoch) ||
    compareFragment(x.upstream, y.upstream) ||
    compareFragment(x.revision, y.revision)
  );
}

/** Whether dpkg's parser accepts the version without error or warning. */
export function isValidDpkg(version: string): boolean {
  const text = version.trim();
  if (text === "" || /\s/.test(text)) return false;

  const colon = text.indexOf(":");
  if (colon >= 0 && !isValidEpoch(text.slice(0, colon))) return false;

  const rest = text.slice(colon + 1);
  const dash = rest.lastIndexOf("-");
  const upstream = dash >= 0 ? rest.slice(0, dash) : rest;
  const revision = dash >= 0 ? rest.slice(dash + 1) : undefined;

  // note: a colon in the upstream part is only possible when an epoch is
  // present, because the first colon always ends the epoch.
  if (!/^[0-9][A-Za-z0-9.+~:-]*$/.test(upstream)) return false;
  return revision === undefined || /^[A-Za-z0-9.+~]+$/.test(revision);
}

export const dpkgScheme: VersionScheme = {
  name: "dpkg",
  compare: compareDpkg,
  isValid: isValidDpkg,
};

function isValidEpoch(epoch: string): boolean {
  return /^[0-9]+$/.test(epoch) && Number(epoch) <= MAX_EPOCH;
}

/**
 * Splits without failing. An epoch that is not a number counts as 0 (dpkg
 * refuses such a string; we still need an order for it); an absent revision
 * is the empty string, which compares equal to "0".
 */
function splitVersion(version: string): DpkgVersion {
  const text = version.trim();
  const colon = text.indexOf(":");
  const epochText = colon >= 0 ? text.slice(0, colon) : "";
  const epoch = /^[0-9]+$/.test(epochText) ? epochText : "0";

  const rest = text.slice(colon + 1);
  const dash = rest.lastIndexOf("-");
  if (dash < 0) return { epoch, upstream: rest, revision: "" };

  return { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) };
}

/**
 * Compares an upstream version or a revision: alternating runs of non-digits
 * (compared character by character with the weights of `weight`) and digits
 * (compared by value).
 */
function compareFragment(a: string, b: string): number {
  let i = 0;
  let j = 0;

  while (i < a.length || j < b.length) {
    // Equal weights mean the same character, so both sides step together.
    while (isNonDigitAt(a, i) || isNonDigitAt(b, j)) {
      const diff = weight(a, i) - weight(b, j);
      if (diff !== 0) return diff < 0 ? -1 : 1;
      i++;
      j++;
    }

    const runA = digitRunAt(a, i);
    const runB = digitRunAt(b, j);
    const diff = compareDigitRuns(runA, runB);
    if (diff !== 0) return diff;
    i += runA.length;
    j += runB.length;
  }
  return 0;
}

/**
 * The weight of one character in a non-digit run. The end of the run (a digit
 * or the end of the string) weighs 0, `~` weighs less, so `1.0~rc1 < 1.0`;
 * letters come before every other character.
 */
function weight(text: string, index: number): number {
  if (index >= text.length || isDigitAt(text, index)) return 0;

  const code = text.charCodeAt(index);
  if (code === 0x7e) return -1;
  if (/[A-Za-z]/.test(text.charAt(index))) return code;
  return code + 256;
}

function isNonDigitAt(text: string, index: number): boolean {
  return index < text.length && !isDigitAt(text, index);
}

function isDigitAt(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0x30 && code <= 0x39;
}

function digitRunAt(text: string, index: number): string {
  let end = index;
  while (isDigitAt(text, end)) end++;
  return text.slice(index, end);
}

/** Compares digit strings by value, whatever their length; "" counts as 0. */
function compareDigitRuns(a: string, b: string): number {
  const x = a.replace(/^0+/, "");
  const y = b.replace(/^0+/, "");
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  if (x === y) return 0;
  return x < y ? -1 : 1;
}
