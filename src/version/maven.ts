// Maven artifact versions, ordered as Maven's ComparableVersion orders them
// (its javadoc's rules and its test suite; written here from those, no code
// copied). A version reads as a tree of items: numbers, qualifiers
// (`alpha`, `rc`, `sp`, any other word) and nested lists. A list opens at
// each `-`, at each switch from digits to letters, and after a qualifier
// that a number follows (`rc1` is `rc` then a list starting with 1). Null
// items (0, the empty qualifier, an empty list) are dropped where they add
// nothing, so `1.0.0 == 1` and `1-ga == 1`.
//
// note: the order follows current Maven (compat/maven-artifact on master,
// as maven.tsv records it). maven-artifact 3.8.6, which OSV used to sort
// maven-osv-generated.tsv, attached a qualifier after `.` to the number
// before it; vectors.test.ts lists the 19 pairs where that shows.
import { compareDigits, compareText } from "./parts.js";
import type { VersionScheme } from "./types.js";

type Item = NumberItem | WordItem | ListItem;

interface NumberItem {
  kind: "number";
  /** Digits without leading zeros ("0" for zero). */
  digits: string;
}

interface WordItem {
  kind: "word";
  /** Lower-cased, with aliases resolved (`cr` is `rc`, `ga` is ""). */
  word: string;
}

interface ListItem {
  kind: "list";
  items: Item[];
}

// Known qualifiers in ascending order; "" is the release itself. Unknown
// qualifiers sort after all of them, alphabetically.
const QUALIFIERS = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

const ALIASES: ReadonlyMap<string, string> = new Map([
  ["cr", "rc"],
  ["ga", ""],
  ["final", ""],
  ["release", ""],
]);

// Single letters directly followed by a number: `a1` is alpha-1.
const LETTER_ALIASES: ReadonlyMap<string, string> = new Map([
  ["a", "alpha"],
  ["b", "beta"],
  ["m", "milestone"],
]);

/** Compares two Maven versions. Every string is a version to Maven, so this never fails. */
export function compareMaven(a: string, b: string): number {
  return compareLists(parseMaven(a), parseMaven(b));
}

/**
 * Maven accepts any string as a version (ComparableVersion orders them all);
 * only the empty or blank string names nothing.
 */
export function isValidMaven(version: string): boolean {
  return version.trim() !== "";
}

export const mavenScheme: VersionScheme = {
  name: "maven",
  compare: compareMaven,
  isValid: isValidMaven,
};

/** The item tree of a version (exported for tests). */
export function parseMaven(version: string): ListItem {
  return new Parser(version.toLowerCase()).parse();
}

/** Reads a version left to right into nested lists. */
class Parser {
  private readonly root: ListItem = { kind: "list", items: [] };
  private list = this.root;
  private readonly opened: ListItem[] = [this.root];
  private start = 0;
  private inDigits = false;

  constructor(private readonly text: string) {}

  parse(): ListItem {
    for (let i = 0; i < this.text.length; i++) this.step(i);
    this.finish();

    // Innermost lists first: an inner list that empties is a null item outside.
    for (const list of this.opened.reverse()) normalize(list);
    return this.root;
  }

  private step(i: number): void {
    const c = this.text.charAt(i);

    if (c === ".") {
      this.endItem(i);
      this.start = i + 1;
    } else if (c === "-") {
      this.dash(i);
    } else if (isDigit(c)) {
      if (!this.inDigits && i > this.start) this.qualifierNumber(i, i);
      this.inDigits = true;
    } else {
      // Digits then a letter: the number ends and the word opens a list.
      if (this.inDigits && i > this.start) {
        this.list.items.push(numberItem(this.text.slice(this.start, i)));
        this.start = i;
        this.openList();
      }
      this.inDigits = false;
    }
  }

  private dash(i: number): void {
    // `alpha-1` reads as `alpha1`.
    if (i > this.start && !this.inDigits && isDigit(this.text.charAt(i + 1))) {
      this.qualifierNumber(i, i + 1);
      return;
    }

    this.endItem(i);
    this.start = i + 1;
    this.openList();
  }

  /**
   * A qualifier runs up to `end` and a number starts at `digits`: the
   * qualifier, then a list for the number and all that follows it. After
   * other items (`1.0.0.rc1`) the qualifier also gets a list of its own, as
   * after `-`, so that `1.0.0.rc1 < 1.0.0-rc2`.
   */
  private qualifierNumber(end: number, digits: number): void {
    if (this.list.items.length > 0) this.openList();
    this.list.items.push(wordItem(this.text.slice(this.start, end), true));
    this.openList();
    this.start = digits;
  }

  /** Ends the item that runs up to `end`; an empty one (`1..2`, `1-`) is a 0. */
  private endItem(end: number): void {
    this.list.items.push(this.itemUpTo(end));
  }

  private finish(): void {
    if (this.text.length <= this.start) return;

    // A trailing word after `.` gets its own list, as after `-`.
    if (!this.inDigits && this.list.items.length > 0) this.openList();
    this.list.items.push(this.itemUpTo(this.text.length));
  }

  private itemUpTo(end: number): Item {
    if (end === this.start) return numberItem("0");

    const text = this.text.slice(this.start, end);
    return this.inDigits ? numberItem(text) : wordItem(text, false);
  }

  private openList(): void {
    const list: ListItem = { kind: "list", items: [] };
    this.list.items.push(list);
    this.list = list;
    this.opened.push(list);
  }
}

function numberItem(digits: string): NumberItem {
  return { kind: "number", digits: digits.replace(/^0+/, "") || "0" };
}

function wordItem(text: string, beforeNumber: boolean): WordItem {
  const word = (beforeNumber ? LETTER_ALIASES.get(text) : undefined) ?? text;
  return { kind: "word", word: ALIASES.get(word) ?? word };
}

/**
 * Drops null items, scanning back from the end of a list until the first
 * number or word that is not null. A null goes when it ends the list; a 0 or
 * an empty list also goes when a word, or a list that starts with one,
 * follows (`1.0-rc1` is `1-rc1`). note: an empty qualifier (`final`, `ga`)
 * stays unless it ends the list, so `1.0.final-redhat < 1.0-sp1-redhat`
 * (MNG-7714).
 */
function normalize(list: ListItem): void {
  const items = list.items;

  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i] as Item;
    if (!isNull(item)) {
      if (item.kind !== "list") break;
      continue;
    }

    const last = i === items.length - 1;
    if (last || (item.kind !== "word" && startsWithWord(items[i + 1]))) items.splice(i, 1);
  }
}

function startsWithWord(item: Item | undefined): boolean {
  if (item?.kind === "word") return true;
  return item?.kind === "list" && item.items[0]?.kind === "word";
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case "number":
      return item.digits === "0";
    case "word":
      return item.word === "";
    case "list":
      return item.items.length === 0;
  }
}

/**
 * Compares two items; undefined is the end of a list, which a missing item
 * is compared against (`1 == 1.0`, `1-rc < 1`, `1-sp > 1`). Numbers outrank
 * lists, and lists outrank words.
 */
function compareItems(a: Item | undefined, b: Item | undefined): number {
  if (a === undefined) return b === undefined ? 0 : -compareItems(b, undefined);

  switch (a.kind) {
    case "number":
      return compareNumber(a, b);
    case "word":
      return compareWord(a, b);
    case "list":
      return compareList(a, b);
  }
}

function compareNumber(a: NumberItem, b: Item | undefined): number {
  if (b === undefined) return a.digits === "0" ? 0 : 1;
  if (b.kind !== "number") return 1;
  return compareDigits(a.digits, b.digits);
}

function compareWord(a: WordItem, b: Item | undefined): number {
  if (b === undefined) return compareText(qualifierKey(a.word), qualifierKey(""));
  if (b.kind !== "word") return -1;
  return compareText(qualifierKey(a.word), qualifierKey(b.word));
}

function compareList(a: ListItem, b: Item | undefined): number {
  if (b === undefined) {
    // Against the end, a list counts as its first item that is not null.
    for (const item of a.items) {
      const diff = compareItems(item, undefined);
      if (diff !== 0) return diff;
    }
    return 0;
  }

  if (b.kind === "number") return -1;
  if (b.kind === "word") return 1;
  return compareLists(a, b);
}

function compareLists(a: ListItem, b: ListItem): number {
  const length = Math.max(a.items.length, b.items.length);

  for (let i = 0; i < length; i++) {
    const diff = compareItems(a.items[i], b.items[i]);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * A sortable key for a qualifier: its rank among the known ones, or, for an
 * unknown word, a key that sorts after all of them and then by the word.
 */
function qualifierKey(word: string): string {
  const rank = QUALIFIERS.indexOf(word);
  return rank >= 0 ? String(rank) : `${QUALIFIERS.length}-${word}`;
}

/** ASCII digits only: `٨` (Arabic-Indic eight) is a word to Maven, so `٨ < 1`. */
function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}
