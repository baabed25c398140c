import { VIGIL_VERSION } from "../about.js";
import type { Package } from "../inventory/types.js";
import type { Finding } from "../match/types.js";
import type { LicenseFinding } from "../licenses/findings.js";
import type { MisconfigFinding } from "../misconfig/types.js";
import { riskScore } from "../policy/risk.js";
import type { Decision, PolicyOutcome } from "../policy/types.js";
import type { SecretFinding } from "../secrets/types.js";
import { countBySeverity, findingRisk, isExposed, Verdicts, type ScanResult } from "./model.js";
import { remediations } from "./remediation.js";

/**
 * The JSON report, schema `vigil.report/v1` (docs/json-report.md). Fields are
 * only ever added within a version; ordering is stable so reports diff well.
 * It carries no timestamp: the same image and database give the same bytes.
 */
export const JSON_SCHEMA = "vigil.report/v1";

export function renderJson(result: ScanResult, findings: readonly Finding[]): string {
  return `${JSON.stringify(jsonReport(result, findings), null, 2)}\n`;
}

/**
 * The report as an object: what `--format json` writes, `--template` reads,
 * and documents that hold several (one per platform) list.
 */
export function jsonReport(result: ScanResult, findings: readonly Finding[]) {
  const { inventory } = result;
  const v = new Verdicts(result.policy);
  const exposed = isExposed(inventory.image);
  const risk = (kind: "secret" | "misconfiguration" | "license", severity: Finding["severity"]) =>
    riskScore({ kind, severity, exposed });
  return {
    schema: JSON_SCHEMA,
    vigilVersion: VIGIL_VERSION,
    artifact: inventory.image,
    os: inventory.os ?? null,
    database: result.database ?? null,
    scanners: result.scanners,
    summary: {
      packages: inventory.packages.length,
      vulnerabilities: findings.length,
      fixable: findings.filter((f) => f.status === "fixed").length,
      bySeverity: countBySeverity(findings),
      secrets: inventory.secrets?.length,
      misconfigurations: result.misconfigurations?.length,
      licenses: result.licenses?.length,
    },
    packages: inventory.packages.map(packageJson),
    vulnerabilities: findings.map((f) => ({
      ...findingJson(f),
      risk: findingRisk(f, exposed),
      decision: decisionJson(v.vulnerability(f)),
    })),
    secrets: inventory.secrets?.map((s) => ({
      ...secretJson(s),
      risk: risk("secret", s.severity),
      decision: decisionJson(v.secret(s)),
    })),
    secretScan: inventory.secretScan,
    misconfigurations: result.misconfigurations?.map((m: MisconfigFinding) => ({
      ...m,
      risk: risk("misconfiguration", m.severity),
      decision: decisionJson(v.misconfiguration(m)),
    })),
    licenses: result.licenses?.map((l: LicenseFinding) => ({
      ...l,
      risk: risk("license", l.severity),
      decision: decisionJson(v.license(l)),
    })),
    remediation: findings.length > 0 ? remediations(inventory.image, findings) : undefined,
    policy: result.policy ? policyJson(result.policy) : undefined,
    warnings: inventory.warnings,
  };
}

function decisionJson(d: Decision | undefined) {
  if (!d) return undefined;
  return { action: d.action, by: d.by, message: d.message, vex: d.vex };
}

function policyJson(p: PolicyOutcome) {
  return {
    name: p.policy,
    source: p.source,
    passed: p.passed,
    counts: p.counts,
    expiredExceptions: p.expired.map((e) => ({
      id: e.id,
      owner: e.owner,
      expires: e.expires,
      reason: e.reason,
      source: e.source,
    })),
  };
}

function packageJson(p: Package) {
  return {
    type: p.type,
    name: p.name,
    version: p.version,
    arch: p.arch,
    sourceName: p.sourceName,
    sourceVersion: p.sourceVersion,
    licenses: p.licenses,
    licenseClass: p.licenseClass,
    purl: p.purl,
    path: p.path,
    layer: { index: p.layer.index, diffId: p.layer.diffId, digest: p.layer.digest },
    thirdParty: p.thirdParty,
    ownedBy: p.ownedBy,
  };
}

/** Never the secret itself: `match` is already masked by the scanner. */
function secretJson(s: SecretFinding) {
  return {
    rule: s.rule,
    title: s.title,
    severity: s.severity,
    path: s.path,
    layer: s.layer,
    line: s.line,
    removedIn: s.removedIn,
    match: s.match,
    fingerprint: s.fingerprint,
    example: s.example,
    detail: s.detail,
  };
}

function findingJson(f: Finding) {
  return {
    id: f.id,
    aliases: f.aliases,
    severity: f.severity,
    cvss: f.cvss,
    status: f.status,
    statusNote: f.statusNote,
    fixedVersion: f.fixedVersion,
    title: f.title,
    published: f.published,
    package: {
      type: f.package.type,
      name: f.package.name,
      version: f.package.version,
      sourceName: f.package.sourceName,
      sourceVersion: f.package.sourceVersion,
      purl: f.package.purl,
      path: f.package.path,
      layer: { index: f.package.layer.index, diffId: f.package.layer.diffId },
    },
    ecosystem: f.ecosystem,
    sources: f.sources,
    references: f.references,
    kev: f.kev,
    epss: f.epss,
  };
}
