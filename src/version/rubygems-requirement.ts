// RubyGems requirements (`~> 1.4`, `>= 1.4.4, < 1.5`), as Gem::Requirement
// reads them, for the constraints Gemfile.lock and gemspecs carry.
import { isDigits } from "./parts.js";
import {
  compareRubygems,
  isRubygemsPrerelease,
  isValidRubygems,
  rubygemsSegments,
} from "./rubygems.js";

export type RubygemsOperator = "=" | "!=" | ">" | "<" | ">=" | "<=" | "~>";

export interface RubygemsConstraint {
  operator: RubygemsOperator;
  version: string;
}

const OPERATORS: readonly RubygemsOperator[] = ["=", "!=", ">", "<", ">=", "<=", "~>"];

// An operator (default `=`) and a version, with any whitespace around them.
const CONSTRAINT = /^\s*(=|!=|>=|<=|>|<|~>)?\s*(.*?)\s*$/;

/** Reads one constraint; undefined when Gem::Requirement would refuse it. */
export function parseRubygemsConstraint(text: string): RubygemsConstraint | undefined {
  const match = CONSTRAINT.exec(text);
  const operator = OPERATORS.find((op) => op === (match?.[1] ?? "="));
  const version = match?.[2];
  if (operator === undefined || version === undefined || !isValidRubygems(version))
    return undefined;

  return { operator, version };
}

/**
 * Whether a version meets every constraint of a comma-separated requirement.
 * A requirement that does not parse is met by nothing.
 */
export function satisfiesRubygems(version: string, requirement: string): boolean {
  const constraints = requirement.split(",").map(parseRubygemsConstraint);
  if (constraints.some((constraint) => constraint === undefined)) return false;

  return constraints.every((constraint) => constraint !== undefined && meets(version, constraint));
}

function meets(version: string, { operator, version: bound }: RubygemsConstraint): boolean {
  const order = compareRubygems(version, bound);

  switch (operator) {
    case "=":
      return order === 0;
    case "!=":
      return order !== 0;
    case ">":
      return order > 0;
    case "<":
      return order < 0;
    case ">=":
      return order >= 0;
    case "<=":
      return order <= 0;
    case "~>":
      return order >= 0 && compareRubygems(releasePart(version), bump(bound)) < 0;
  }
}

/**
 * The upper bound of `~>`: drop the pre-release strings, then the last
 * number (unless it is the only one), and add one to the number before it,
 * so `~> 1.4.4` is `< 1.5` and `~> 1` is `< 2`.
 */
function bump(version: string): string {
  const numbers = numericPrefix(rubygemsSegments(version));
  if (numbers.length > 1) numbers.pop();

  const last = numbers.pop() ?? "0";
  return [...numbers, increment(last)].join(".");
}

/** A pre-release without its strings: `1.5.0.rc1` is compared as `1.5.0` against the bound. */
function releasePart(version: string): string {
  if (!isRubygemsPrerelease(version)) return version;
  return numericPrefix(rubygemsSegments(version)).join(".");
}

function numericPrefix(segments: string[]): string[] {
  const firstString = segments.findIndex((segment) => !isDigits(segment));
  return firstString < 0 ? segments : segments.slice(0, firstString);
}

/** Adds one to a digit string of any length. */
function increment(digits: string): string {
  return (BigInt(digits) + 1n).toString();
}
