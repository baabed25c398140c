import type { Inventory } from "../inventory/types.js";
import { SEVERITIES, severityRank, type Finding, type Severity } from "../match/types.js";

/** What a scan produced: the inventory, the findings, and what data judged them. */
export interface ScanResult {
  inventory: Inventory;
  findings: Finding[];
  database?: DatabaseSummary;
}

export interface DatabaseSummary {
  path: string;
  schemaVersion: number;
  feeds: { name: string; importedAt: string; records: number }[];
}

export interface ReportFilter {
  severities?: readonly Severity[];
  ignoreUnfixed?: boolean;
}

/** The findings a user asked to see, in the order every format shows them. */
export function selectFindings(findings: readonly Finding[], filter: ReportFilter): Finding[] {
  const wanted = new Set(filter.severities ?? SEVERITIES);
  return findings
    .filter((f) => wanted.has(f.severity))
    .filter((f) => !filter.ignoreUnfixed || f.status === "fixed")
    .sort(compareFindings);
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    a.package.name.localeCompare(b.package.name) ||
    a.package.version.localeCompare(b.package.version) ||
    a.id.localeCompare(b.id) ||
    a.package.path.localeCompare(b.package.path)
  );
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}
