import type { Package } from "../inventory/types.js";

export const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** `fixed`: a fixed version exists; `affected`: vulnerable and no fix published yet. */
export type FindingStatus = "fixed" | "affected";

/** One vulnerability in one package, with every alias of it merged in. */
export interface Finding {
  /** The id shown to people: the CVE when the group has one. */
  id: string;
  /** Every other id of the same vulnerability (GHSA, DSA, USN, distro ids, …). */
  aliases: string[];
  package: Package;
  status: FindingStatus;
  /** Why it stays affected, in the distro's words (Debian: unimportant, no-dsa, postponed, …). */
  statusNote?: string;
  /** The lowest version that fixes it, on the package's own line. */
  fixedVersion?: string;
  severity: Severity;
  cvss?: { score: number; vector: string; version: string };
  title?: string;
  published?: string;
  /** Which feed records said so, e.g. `osv:npm`, `alpine-secdb:v3.10/main`. */
  sources: string[];
  /** The advisory ecosystem that matched, e.g. `Debian:12`, `Alpine:v3.10`. */
  ecosystem: string;
  references: string[];
  /** CISA KEV: known to be exploited in the wild. */
  kev?: { dateAdded: string; dueDate?: string; ransomware?: string };
  /** FIRST EPSS: probability of exploitation within 30 days (0–1), and its percentile. */
  epss?: { score: number; percentile: number };
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}
