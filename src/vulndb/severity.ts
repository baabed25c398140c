// One severity per advisory and package, from whatever the record offers,
// best source first: a CVSS vector, then the database's own word (GHSA), then
// the distro's rating of that package (Ubuntu priorities).
import cvssCalculator from "ae-cvss-calculator";

import type { OsvAffected, OsvRecord, OsvSeverityEntry } from "./osv-record.js";

export type SeverityLabel = "NONE" | "LOW" | "MEDIUM" | "HIGH" | "CRITICAL" | "UNKNOWN";

export type CvssType = "CVSS_V2" | "CVSS_V3" | "CVSS_V4";

export interface CvssScore {
  type: CvssType;
  vector: string;
  /** Base score, 0.0–10.0. */
  score: number;
}

/** Where the label came from: a scored vector, the record's word, or the distro's rating. */
export type SeveritySource = "cvss" | "database_specific" | "vendor" | "none";

export interface Severity {
  label: SeverityLabel;
  source: SeveritySource;
  /** The vector and base score the label was computed from. */
  cvss?: CvssScore;
  /** The source's own word when the label was mapped from one ("MODERATE", "negligible"). */
  raw?: string;
}

const RANK: Record<SeverityLabel, number> = {
  UNKNOWN: 0,
  NONE: 1,
  LOW: 2,
  MEDIUM: 3,
  HIGH: 4,
  CRITICAL: 5,
};

export function severityRank(label: SeverityLabel): number {
  return RANK[label];
}

/** The minimal surface of the calculator's vector classes that is used here. */
interface ParsedVector {
  getVectorName(): string;
  isBaseFullyDefined(): boolean;
  calculateScores(): { base: number | undefined };
}

const VERSION_TYPES: Record<string, CvssType> = {
  "CVSS:2.0": "CVSS_V2",
  "CVSS:3.0": "CVSS_V3",
  "CVSS:3.1": "CVSS_V3",
  "CVSS:4.0": "CVSS_V4",
};

/** Scores one vector; undefined when it does not parse or its base metrics are incomplete. */
export function scoreVector(vector: string): CvssScore | undefined {
  let parsed: ParsedVector | null;
  try {
    parsed = cvssCalculator.fromVector(vector.trim()) as ParsedVector | null;
  } catch {
    return undefined;
  }
  if (!parsed || !parsed.isBaseFullyDefined()) return undefined;

  const type = VERSION_TYPES[parsed.getVectorName()];
  const score = parsed.calculateScores().base;
  if (!type || score === undefined || !Number.isFinite(score)) return undefined;
  return { type, vector: vector.trim(), score };
}

/**
 * The qualitative rating of a base score. CVSS v3 and v4 share one scale.
 * note: CVSS v2 defines no ratings; NVD's v2 scale (no NONE, no CRITICAL) is
 * the one its scores are usually read with.
 */
export function labelForScore(type: CvssType, score: number): SeverityLabel {
  if (type === "CVSS_V2") return score < 4 ? "LOW" : score < 7 ? "MEDIUM" : "HIGH";
  if (score === 0) return "NONE";
  if (score < 4) return "LOW";
  if (score < 7) return "MEDIUM";
  if (score < 9) return "HIGH";
  return "CRITICAL";
}

const WORDS: Record<string, SeverityLabel> = {
  none: "NONE",
  negligible: "LOW",
  unimportant: "LOW",
  low: "LOW",
  moderate: "MEDIUM",
  medium: "MEDIUM",
  important: "HIGH",
  high: "HIGH",
  critical: "CRITICAL",
};

/** GHSA, Ubuntu and Red Hat style words; undefined for "untriaged" and the like. */
export function labelForWord(word: string): SeverityLabel | undefined {
  return WORDS[word.trim().toLowerCase()];
}

// note: v3 before v4. The feeds' own labels follow their v3 scores: GHSA
// calls GHSA-cm22-4g7w-348p MODERATE, as its v3 vector (5.0) does, while its
// v4 vector scores 2.3 (LOW). v2 only when nothing newer is given.
const CVSS_PREFERENCE: CvssType[] = ["CVSS_V3", "CVSS_V4", "CVSS_V2"];

/** Every CVSS entry of a severity list that scores, preferred version first. */
export function cvssScores(entries: OsvSeverityEntry[] | undefined): CvssScore[] {
  const scores = (entries ?? []).flatMap((e) => {
    if (!e.type.startsWith("CVSS_")) return [];
    const score = scoreVector(e.score);
    return score ? [score] : [];
  });
  return scores.sort((a, b) => CVSS_PREFERENCE.indexOf(a.type) - CVSS_PREFERENCE.indexOf(b.type));
}

function fromCvss(entries: OsvSeverityEntry[] | undefined): Severity | undefined {
  const best = cvssScores(entries)[0];
  if (!best) return undefined;
  return { label: labelForScore(best.type, best.score), source: "cvss", cvss: best };
}

function fromWord(value: unknown, source: SeveritySource): Severity | undefined {
  if (typeof value !== "string") return undefined;
  if (value.startsWith("CVSS:")) {
    const cvss = scoreVector(value);
    return cvss && { label: labelForScore(cvss.type, cvss.score), source, cvss };
  }
  const label = labelForWord(value);
  return label && { label, source, raw: value };
}

/** A vendor rating carried as a severity entry, such as `{type: "Ubuntu", score: "medium"}`. */
function fromVendorEntries(entries: OsvSeverityEntry[] | undefined): Severity | undefined {
  for (const entry of entries ?? []) {
    if (entry.type.startsWith("CVSS_")) continue;
    const severity = fromWord(entry.score, "vendor");
    if (severity) return severity;
  }
  return undefined;
}

function fromAffected(entry: OsvAffected): Severity | undefined {
  return (
    fromCvss(entry.severity) ??
    fromWord(entry.ecosystem_specific?.severity, "vendor") ??
    fromVendorEntries(entry.severity) ??
    fromWord(entry.database_specific?.severity, "vendor")
  );
}

function highest(candidates: (Severity | undefined)[]): Severity | undefined {
  let best: Severity | undefined;
  for (const c of candidates) {
    if (c && (!best || severityRank(c.label) > severityRank(best.label))) best = c;
  }
  return best;
}

/**
 * The severity of `record` for the package its `affected` entries describe
 * (one package's entries; the highest wins when they disagree).
 */
export function severityOf(record: OsvRecord, affected: OsvAffected[]): Severity {
  return (
    fromCvss(record.severity) ??
    fromWord(record.database_specific?.severity, "database_specific") ??
    highest(affected.map(fromAffected)) ??
    fromVendorEntries(record.severity) ?? { label: "UNKNOWN", source: "none" }
  );
}
