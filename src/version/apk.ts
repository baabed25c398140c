// Alpine apk version ordering. A version reads as a chain of tokens,
//   number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}
// and two versions compare token by token until one differs or the chains
// take different turns. Written from apk-tools' documented format and its
// test table (apk-package(5), test/version.data); no code was copied.
import type { VersionScheme } from "./types.js";

/** Token kinds, in the order the format allows them. */
enum Kind {
  Digit,
  Letter,
  Suffix,
  SuffixNumber,
  Hash,
  Revision,
  End,
  Invalid,
}

interface Token {
  kind: Kind;
  text: string;
  /** True for the first number of the version (no leading-zero rule there). */
  initial: boolean;
}

// Pre-release suffixes rank below a bare version, the others above it.
const SUFFIX_RANK: ReadonlyMap<string, number> = new Map([
  ["alpha", -4],
  ["beta", -3],
  ["pre", -2],
  ["rc", -1],
  ["cvs", 1],
  ["svn", 2],
  ["git", 3],
  ["hg", 4],
  ["p", 5],
]);

const VALID =
  /^[0-9]+(\.[0-9]+)*[a-z]?(_(alpha|beta|pre|rc|cvs|svn|git|hg|p)[0-9]*)*(~[0-9a-f]+)?(-r[0-9]+)?$/;

export type ApkFuzzyOp = "~" | "<~" | ">~";

/**
 * Compares two apk versions. Invalid strings still order: tokens compare
 * until one side stops making sense, and that side is then the lesser.
 * note: apk-tools 2 ranked such a side higher; the vector files agree with
 * neither rule on every invalid row (see vectors.test.ts, APK_CONFLICTS).
 */
export function compareApk(a: string, b: string): number {
  return compareTokens(a, b, false);
}

/** Whether apk-tools 3 accepts the version (apk-package(5)). */
export function isValidApk(version: string): boolean {
  return VALID.test(version);
}

/**
 * apk's fuzzy dependency match (`pkg~3.6`, `pkg<~3.6`, `pkg>~3.6`): the
 * pattern matches every version whose tokens start with the pattern's, so
 * `3.6.9` and `3.6_pre1` match `~3.6` but `3.60` does not.
 */
export function apkFuzzyMatch(version: string, op: ApkFuzzyOp, pattern: string): boolean {
  const order = compareTokens(version, pattern, true);
  if (op === "<~") return order <= 0;
  if (op === ">~") return order >= 0;
  return order === 0;
}

export const apkScheme: VersionScheme = {
  name: "apk",
  compare: compareApk,
  isValid: isValidApk,
};

function compareTokens(a: string, b: string, fuzzy: boolean): number {
  const left = new Tokenizer(a);
  const right = new Tokenizer(b);
  let x = left.next();
  let y = right.next();

  while (x.kind === y.kind && x.kind < Kind.End) {
    const diff = compareSameKind(x, y);
    if (diff !== 0) return diff;
    x = left.next();
    y = right.next();
  }

  if (fuzzy && y.kind === Kind.End) return 0;
  return compareTails(x, y);
}

/**
 * The chains took different turns (or both ended). A pending pre-release
 * suffix makes its side older; otherwise the side further along the format
 * is the lesser: `1.0 < 1.0-r1 < 1.0_p1 < 1.0a < 1.0.1`, and a side that
 * became invalid loses to one that ended cleanly.
 */
function compareTails(x: Token, y: Token): number {
  if (x.kind === y.kind) return 0;
  if (isPreRelease(x)) return -1;
  if (isPreRelease(y)) return 1;
  return x.kind > y.kind ? -1 : 1;
}

function isPreRelease(token: Token): boolean {
  return token.kind === Kind.Suffix && (SUFFIX_RANK.get(token.text) ?? 0) < 0;
}

function compareSameKind(x: Token, y: Token): number {
  switch (x.kind) {
    case Kind.Digit:
      return compareNumberComponent(x, y);
    case Kind.Suffix:
      return sign((SUFFIX_RANK.get(x.text) ?? 0) - (SUFFIX_RANK.get(y.text) ?? 0));
    case Kind.SuffixNumber:
    case Kind.Revision:
      return compareDigitRuns(x.text, y.text);
    default:
      // Letters by character code; commit hashes as text.
      return compareText(x.text, y.text);
  }
}

/**
 * After the first number, a component with a leading zero reads as a
 * decimal fraction, so `8.2.0015 < 8.2.002` and `1.010 < 1.09`. This is
 * apk-tools 3 (apk.tsv); apk-tools 2 counted the zeros instead, yet every
 * row of apk-osv-generated.tsv, made with apk-tools 2.10, passes this way.
 */
function compareNumberComponent(x: Token, y: Token): number {
  const fraction = !x.initial && (x.text.startsWith("0") || y.text.startsWith("0"));
  return fraction ? compareText(x.text, y.text) : compareDigitRuns(x.text, y.text);
}

/**
 * Reads one version as tokens. Like apk, it is lax about what it reads: an
 * empty number counts as 0 and a letter may be followed by another number
 * (apk-tools 2 allowed `5.1p1`), but a character that fits nowhere, or a
 * token out of order, turns the rest into one Invalid token.
 */
class Tokenizer {
  private pos = 0;
  private kind = Kind.Digit;
  private initial = true;

  constructor(private readonly text: string) {}

  next(): Token {
    if (this.kind === Kind.End || this.kind === Kind.Invalid) {
      return { kind: this.kind, text: "", initial: false };
    }

    const token = this.readBody();
    this.initial = false;
    this.kind = token.kind === Kind.Invalid ? Kind.Invalid : this.readSeparator(token.kind);
    return token;
  }

  private readBody(): Token {
    const kind = this.kind;
    const start = this.pos;
    const initial = this.initial;

    if (kind === Kind.Letter) {
      this.pos++;
    } else if (kind === Kind.Suffix) {
      this.skip(/[a-z]/);
      if (!SUFFIX_RANK.has(this.text.slice(start, this.pos))) {
        return { kind: Kind.Invalid, text: "", initial };
      }
    } else if (kind === Kind.Hash) {
      this.skip(/[0-9a-f]/);
    } else {
      this.skip(/[0-9]/);
    }
    return { kind, text: this.text.slice(start, this.pos), initial };
  }

  /** Consumes what follows a token and says which kind comes next. */
  private readSeparator(previous: Kind): Kind {
    const next = this.nextKind(previous);
    if (next < previous && !mayGoBack(previous, next)) return Kind.Invalid;
    return next;
  }

  private nextKind(previous: Kind): Kind {
    const c = this.text.charAt(this.pos);
    if (c === "") return Kind.End;
    if (previous === Kind.Digit && /[a-z]/.test(c)) return Kind.Letter;
    if (previous === Kind.Letter && /[0-9]/.test(c)) return Kind.Digit;
    if (previous === Kind.Suffix && /[0-9]/.test(c)) return Kind.SuffixNumber;

    this.pos++;
    if (c === ".") return Kind.Digit;
    if (c === "_") return Kind.Suffix;
    if (c === "~") return Kind.Hash;
    if (c === "-" && this.text.charAt(this.pos) === "r") {
      this.pos++;
      return Kind.Revision;
    }
    return Kind.Invalid;
  }

  private skip(allowed: RegExp): void {
    while (this.pos < this.text.length && allowed.test(this.text.charAt(this.pos))) this.pos++;
  }
}

/** The only steps back the lax reading allows: `5.1p1`, `1.2a.3` and `_p1_rc2`. */
function mayGoBack(previous: Kind, next: Kind): boolean {
  if (next === Kind.Digit) return previous === Kind.Letter;
  return next === Kind.Suffix && previous === Kind.SuffixNumber;
}

function compareDigitRuns(a: string, b: string): number {
  const x = a.replace(/^0+/, "");
  const y = b.replace(/^0+/, "");
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return compareText(x, y);
}

function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function sign(n: number): number {
  if (n === 0) return 0;
  return n < 0 ? -1 : 1;
}
