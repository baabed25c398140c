import correct from "spdx-correct";
import parse from "spdx-expression-parse";

/** A package's license as SBOMs carry it: an SPDX expression, or the text as found. */
export type LicenseChoice = { expression: string } | { name: string };

/**
 * Turns the license strings a package database records into SPDX
 * expressions where that can be done without guessing at structure.
 *
 * A string that parses is kept as written. One that does not is corrected
 * (spdx-correct: `GPLv2+` → `GPL-2.0-or-later`, `MIT License` → `MIT`) only
 * part by part between `and`/`or`; note: spdx-correct on a whole compound
 * string drops parts (`LGPL-2.1+ and BSD` became `GPL-2.0-only`), and `with`
 * clauses that are not SPDX exceptions are never corrected. What remains is
 * returned as a name, so no license text is lost.
 */
export function toSpdxLicense(text: string): LicenseChoice {
  const trimmed = text.trim();
  if (parses(trimmed)) return { expression: trimmed };

  const corrected = correctParts(trimmed);
  if (corrected !== undefined && parses(corrected)) return { expression: corrected };
  return { name: trimmed };
}

/**
 * One choice for a package with several license strings: their conjunction
 * when all are expressions, else each kept as found (CycloneDX forbids
 * mixing an expression with named licenses).
 */
export function combineLicenses(texts: readonly string[]): LicenseChoice[] {
  const unique = [...new Set(texts.map((t) => t.trim()).filter((t) => t !== ""))];
  const choices = unique.map(toSpdxLicense);
  if (choices.length <= 1) return choices;

  const expressions = choices.flatMap((c) => ("expression" in c ? [c.expression] : []));
  if (expressions.length !== choices.length) return choices;
  const joined = expressions.map((e) => (/\s/.test(e) ? `(${e})` : e)).join(" AND ");
  return [{ expression: joined }];
}

/** True when the expression is one license id, with no operator, `+` or exception. */
export function isSingleLicenseId(expression: string): boolean {
  try {
    const ast = parse(expression);
    return "license" in ast && !ast.plus && !ast.exception && !ast.license.includes(":");
  } catch {
    return false;
  }
}

function parses(text: string): boolean {
  try {
    parse(text);
    return true;
  } catch {
    return false;
  }
}

const OPERATOR = /\s+(and|or)\s+/i;

/**
 * note: spdx-correct guesses hard (`Linux-syscall-note` became `CAL-1.0`);
 * a correction is only taken when it starts like the text it replaces.
 */
function sameStem(text: string, corrected: string): boolean {
  const stem = (s: string) =>
    s
      .replace(/[^a-z]/gi, "")
      .slice(0, 3)
      .toLowerCase();
  return stem(text) === stem(corrected);
}

function correctParts(text: string): string | undefined {
  if (/\bwith\b|[,/&|;()]/i.test(text)) return undefined;

  const parts = text.split(OPERATOR);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i % 2 === 1) {
      out.push(part.toUpperCase());
      continue;
    }
    const fixed = parses(part) ? part : correct(part);
    if (!fixed || !sameStem(part, fixed)) return undefined;
    out.push(fixed);
  }
  return out.join(" ");
}
