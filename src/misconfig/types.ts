import type { Severity } from "../match/types.js";

/** Where a check saw the problem: a file in the image, a config field, a Dockerfile line. */
export interface Evidence {
  /** `/usr/bin/su`, `(image config) User`, `(image config) history[3]`, `Dockerfile`. */
  path: string;
  layer?: number;
  line?: number;
  detail: string;
}

/** One failed check, with every place it failed. */
export interface MisconfigFinding {
  /** Stable kebab-case id, e.g. `root-user`; policies and allow lists name it. */
  id: string;
  title: string;
  severity: Severity;
  /** CIS Docker Benchmark v1.6 section 4 recommendation, where one applies. */
  cis?: string;
  /** What to change. */
  fix: string;
  evidence: Evidence[];
}

/** A check as data: what it is, and a pure function from facts to evidence. */
export interface Check<Facts> {
  id: string;
  title: string;
  severity: Severity;
  cis?: string;
  fix: string;
  run(facts: Facts): Evidence[];
}

/** Runs checks over the same facts; a check with no evidence passed. */
export function runChecks<Facts>(
  checks: readonly Check<Facts>[],
  facts: Facts,
): MisconfigFinding[] {
  return checks.flatMap(({ run, ...check }) => {
    const evidence = run(facts);
    return evidence.length > 0 ? [{ ...check, evidence }] : [];
  });
}
