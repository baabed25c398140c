// PEP 440 version specifiers (`>=1.2,<2`, `~=1.4.2`, `==3.1.*`), for the
// requirements lockfiles and package metadata carry. Each clause is read
// once into an operator and a version; a set holds when every clause does.
import { compareDigits } from "./parts.js";
import { compareParsed, parsePep440, type Pep440Version } from "./pep440.js";

export type Pep440Operator = "~=" | "==" | "!=" | "<=" | ">=" | "<" | ">" | "===";

export interface Pep440Clause {
  operator: Pep440Operator;
  /** The version as written after the operator, trimmed; for `===` the whole string. */
  text: string;
  /** Absent only for `===`, which compares strings, not versions. */
  version?: Pep440Version;
  /** `==1.2.*` and `!=1.2.*`: a prefix match on the release. */
  prefix: boolean;
}

export interface SpecifierOptions {
  /**
   * Whether pre-releases may satisfy. Unset means the PEP 440 default:
   * only when a clause itself names a pre-release.
   */
  prereleases?: boolean;
}

const OPERATORS: readonly Pep440Operator[] = ["~=", "==", "!=", "<=", ">=", "<", ">", "==="];

const CLAUSE = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\S+)\s*$/;

/** Reads one clause; undefined when PEP 440 does not allow it. */
export function parsePep440Clause(clause: string): Pep440Clause | undefined {
  const match = CLAUSE.exec(clause);
  const operator = OPERATORS.find((op) => op === match?.[1]);
  const text = match?.[2];
  if (operator === undefined || text === undefined) return undefined;
  if (operator === "===") return { operator, text, prefix: false };

  const prefix = text.endsWith(".*");
  const version = parsePep440(prefix ? text.slice(0, -2) : text);
  if (version === undefined || !isAllowed(operator, version, prefix)) return undefined;

  return { operator, text, version, prefix };
}

/**
 * What each operator allows: a local part only with `==` and `!=`; a `.*`
 * only with those two, after a plain release; `~=` needs two release
 * numbers, because it drops the last one.
 */
function isAllowed(operator: Pep440Operator, version: Pep440Version, prefix: boolean): boolean {
  const equality = operator === "==" || operator === "!=";

  if (prefix) return equality && isPlainRelease(version);
  if (version.local && !equality) return false;
  return operator !== "~=" || version.release.length >= 2;
}

function isPlainRelease(version: Pep440Version): boolean {
  return !version.pre && version.post === undefined && version.dev === undefined && !version.local;
}

/** Reads a comma-separated specifier set; undefined when any clause is invalid. */
export function parsePep440Specifier(specifier: string): Pep440Clause[] | undefined {
  // Empty parts are skipped, so "" (no constraint) admits every version.
  const parts = specifier.split(",").filter((part) => part.trim() !== "");
  const clauses = parts.map(parsePep440Clause);
  if (clauses.some((clause) => clause === undefined)) return undefined;

  return clauses.filter((clause) => clause !== undefined);
}

export function isValidPep440Specifier(specifier: string): boolean {
  return parsePep440Specifier(specifier) !== undefined;
}

/**
 * Whether a version satisfies a specifier set. A version or a specifier
 * that does not parse satisfies nothing (except `===`, which needs no parse).
 */
export function satisfiesPep440(
  version: string,
  specifier: string,
  options: SpecifierOptions = {},
): boolean {
  const clauses = parsePep440Specifier(specifier);
  if (clauses === undefined) return false;

  const parsed = parsePep440(version);
  if (parsed && isPreRelease(parsed) && !allowsPreReleases(clauses, options)) return false;
  return clauses.every((clause) => holds(clause, version, parsed));
}

function allowsPreReleases(clauses: Pep440Clause[], options: SpecifierOptions): boolean {
  if (options.prereleases !== undefined) return options.prereleases;
  return clauses.some(
    (clause) => clause.operator !== "!=" && clause.version && isPreRelease(clause.version),
  );
}

function holds(clause: Pep440Clause, raw: string, version: Pep440Version | undefined): boolean {
  if (clause.operator === "===") return raw.trim().toLowerCase() === clause.text.toLowerCase();
  if (version === undefined || clause.version === undefined) return false;

  const spec = clause.version;
  switch (clause.operator) {
    case "==":
      return isEqual(version, spec, clause.prefix);
    case "!=":
      return !isEqual(version, spec, clause.prefix);
    case "<=":
      return compareParsed(publicPart(version), spec) <= 0;
    case ">=":
      return compareParsed(publicPart(version), spec) >= 0;
    case "<":
      return isBelow(version, spec);
    case ">":
      return isAbove(version, spec);
    case "~=":
      return (
        compareParsed(publicPart(version), spec) >= 0 && matchesPrefix(version, dropLast(spec))
      );
  }
}

/** A specifier without a local part ignores the candidate's: `2.0+abc` is `==2.0`. */
function isEqual(version: Pep440Version, spec: Pep440Version, prefix: boolean): boolean {
  if (prefix) return matchesPrefix(version, spec);
  return compareParsed(spec.local ? version : publicPart(version), spec) === 0;
}

/** `==1.2.*`: same epoch, and the release padded with zeros starts with 1.2. */
function matchesPrefix(version: Pep440Version, spec: Pep440Version): boolean {
  if (compareDigits(version.epoch, spec.epoch) !== 0) return false;
  return spec.release.every((number, i) => compareDigits(version.release[i] ?? "0", number) === 0);
}

/** `<2.0` leaves out the pre-releases of 2.0 unless it names one itself. */
function isBelow(version: Pep440Version, spec: Pep440Version): boolean {
  if (compareParsed(version, spec) >= 0) return false;
  return isPreRelease(spec) || !isPreRelease(version) || !sameBase(version, spec);
}

/**
 * `>2.0` leaves out 2.0's post releases (unless it names one), and the
 * local versions of 2.0 by comparing without the local part.
 */
function isAbove(version: Pep440Version, spec: Pep440Version): boolean {
  if (compareParsed(publicPart(version), spec) <= 0) return false;
  return version.post === undefined || spec.post !== undefined || !sameBase(version, spec);
}

function isPreRelease(version: Pep440Version): boolean {
  return version.pre !== undefined || version.dev !== undefined;
}

function sameBase(a: Pep440Version, b: Pep440Version): boolean {
  return compareParsed(basePart(a), basePart(b)) === 0;
}

function publicPart(version: Pep440Version): Pep440Version {
  return { ...version, local: undefined };
}

function basePart(version: Pep440Version): Pep440Version {
  return { epoch: version.epoch, release: version.release };
}

/** `~=1.4.2` matches the prefix `1.4`. */
function dropLast(version: Pep440Version): Pep440Version {
  return { epoch: version.epoch, release: version.release.slice(0, -1) };
}
