import type { Inventory } from "../inventory/types.js";
import type { LicenseFinding } from "../licenses/findings.js";
import type { MisconfigFinding } from "../misconfig/types.js";
import type { ScannerName } from "../scan/scan.js";
import { SEVERITIES, severityRank, type Finding, type Severity } from "../match/types.js";
import {
  licenseKey,
  misconfigKey,
  secretKey,
  vulnerabilityKey,
  vulnerabilityRisk,
} from "../policy/subjects.js";
import type { Action, Decision, PolicyOutcome } from "../policy/types.js";

/** What a scan produced: the inventory, the findings, and what data judged them. */
export interface ScanResult {
  inventory: Inventory;
  /** Vulnerabilities. */
  findings: Finding[];
  /** Which scanners ran; a kind of finding that did not run is absent, not empty. */
  scanners?: ScannerName[];
  misconfigurations?: MisconfigFinding[];
  licenses?: LicenseFinding[];
  database?: DatabaseSummary;
  /** What the policy, exceptions and VEX decided; absent when none was given. */
  policy?: PolicyOutcome;
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

/**
 * The whole report as the user asked for it: vulnerabilities as above, and
 * secrets, misconfigurations and license findings kept to the same severities.
 */
export function selectReport(
  result: ScanResult,
  filter: ReportFilter,
): { result: ScanResult; findings: Finding[]; reported: number } {
  const wanted = new Set(filter.severities ?? SEVERITIES);
  const keep = <T extends { severity: Severity }>(list: T[] | undefined) =>
    list?.filter((x) => wanted.has(x.severity));

  const findings = selectFindings(result.findings, filter);
  const secrets = keep(result.inventory.secrets);
  const selected: ScanResult = {
    ...result,
    inventory: { ...result.inventory, secrets },
    misconfigurations: keep(result.misconfigurations),
    licenses: keep(result.licenses),
  };
  const reported =
    findings.length +
    (secrets?.length ?? 0) +
    (selected.misconfigurations?.length ?? 0) +
    (selected.licenses?.length ?? 0);
  return { result: selected, findings, reported };
}

/** Highest risk first (see `policy/risk.ts`), then the most severe, then by package and id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    sortRisk(b) - sortRisk(a) ||
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

/**
 * Exposure is the same for every finding of one image, so the order does not
 * depend on it; the score shown (`findingRisk`) does.
 */
function sortRisk(f: Finding): number {
  return findingRisk(f, false);
}

/** Something in the image listens: it exposes a port. */
export function isExposed(image: ScanResult["inventory"]["image"]): boolean {
  // An inventory read from a partial report may have no config.
  return (image.config?.exposedPorts?.length ?? 0) > 0;
}

export function findingRisk(f: Finding, exposed: boolean): number {
  return vulnerabilityRisk(f, exposed);
}

/** The scan's verdicts by finding key, for renderers to look findings up in. */
export class Verdicts {
  private readonly byKey: ReadonlyMap<string, Decision>;

  constructor(readonly outcome: PolicyOutcome | undefined) {
    this.byKey = new Map((outcome?.decisions ?? []).map((d) => [d.key, d]));
  }

  vulnerability(f: Finding): Decision | undefined {
    return this.byKey.get(vulnerabilityKey(f));
  }

  secret(s: SecretLike): Decision | undefined {
    return this.byKey.get(secretKey(s));
  }

  misconfiguration(m: MisconfigFinding): Decision | undefined {
    return this.byKey.get(misconfigKey(m));
  }

  license(l: LicenseFinding): Decision | undefined {
    return this.byKey.get(licenseKey(l));
  }

  /** Whether people should see it: everything, unless a decision ignores it. */
  shown(d: Decision | undefined): boolean {
    return d?.action !== "ignore";
  }

  count(action: Action): number {
    return this.outcome?.counts[action] ?? 0;
  }
}

type SecretLike = Parameters<typeof secretKey>[0];

/** What people see: the report without the findings a decision ignored. */
export function shownReport(
  result: ScanResult,
  findings: readonly Finding[],
): { result: ScanResult; findings: Finding[] } {
  const v = new Verdicts(result.policy);
  const secrets = result.inventory.secrets?.filter((s) => v.shown(v.secret(s)));
  return {
    findings: findings.filter((f) => v.shown(v.vulnerability(f))),
    result: {
      ...result,
      inventory: { ...result.inventory, secrets },
      misconfigurations: result.misconfigurations?.filter((m) => v.shown(v.misconfiguration(m))),
      licenses: result.licenses?.filter((l) => v.shown(v.license(l))),
    },
  };
}
