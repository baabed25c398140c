import type { Severity } from "../match/types.js";
import type { FindingKind } from "./types.js";

/** What the risk score reads of a finding and its image. */
export interface RiskInput {
  kind: FindingKind;
  severity: Severity;
  /** CVSS base score, when a vector rated it. */
  cvss?: number;
  kev?: boolean;
  /** EPSS percentile, 0–1. */
  epssPercentile?: number;
  fixAvailable?: boolean;
  /** The image exposes a port: something listens. */
  exposed: boolean;
  /** A language package pulled in by another, not named by the project. */
  transitive?: boolean;
}

/** Impact on the CVSS scale when no vector rated the finding. */
const SEVERITY_IMPACT: Record<Severity, number> = {
  CRITICAL: 9.5,
  HIGH: 8,
  MEDIUM: 5.5,
  LOW: 3,
  NEGLIGIBLE: 1,
  UNKNOWN: 5,
};

/**
 * A 0–100 score to sort by and to write rules on (README, "Risk"):
 * impact (CVSS, else the severity's) × how likely it is to be used against
 * the image × exposure × whether it can be fixed now. The weights are
 * vigil's own judgement, kept simple enough to reason about: a KEV entry
 * makes exploitation certain, EPSS places the rest, and a finding that has
 * no fix yet or sits in a closed image ranks a little lower than one that
 * can be acted on today.
 */
export function riskScore(input: RiskInput): number {
  const impact = input.cvss ?? SEVERITY_IMPACT[input.severity];
  const exposure = (input.exposed ? 1 : 0.85) * (input.transitive ? 0.9 : 1);
  const fix = input.kind !== "vulnerability" || input.fixAvailable ? 1 : 0.9;
  const score = 10 * impact * likelihood(input) * exposure * fix;

  return Math.round(score * 10) / 10;
}

function likelihood(input: RiskInput): number {
  switch (input.kind) {
    case "vulnerability":
      if (input.kev) return 1;
      return input.epssPercentile === undefined ? 0.5 : 0.3 + 0.7 * input.epssPercentile;
    case "secret":
      // Anyone who can pull the image can read it.
      return 1;
    case "misconfiguration":
      return 0.5;
    case "license":
      return 0.3;
  }
}
