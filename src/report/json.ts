import { VIGIL_VERSION } from "../about.js";
import type { Package } from "../inventory/types.js";
import type { Finding } from "../match/types.js";
import type { SecretFinding } from "../secrets/types.js";
import { countBySeverity, type ScanResult } from "./model.js";

/**
 * The JSON report, schema `vigil.report/v1` (docs/json-report.md). Fields are
 * only ever added within a version; ordering is stable so reports diff well.
 * It carries no timestamp: the same image and database give the same bytes.
 */
export const JSON_SCHEMA = "vigil.report/v1";

export function renderJson(result: ScanResult, findings: readonly Finding[]): string {
  return `${JSON.stringify(jsonReport(result, findings), null, 2)}\n`;
}

/** The report as an object, for documents that hold several (one per platform). */
export function jsonReport(result: ScanResult, findings: readonly Finding[]) {
  const { inventory } = result;
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
    vulnerabilities: findings.map(findingJson),
    secrets: inventory.secrets?.map(secretJson),
    secretScan: inventory.secretScan,
    misconfigurations: result.misconfigurations,
    licenses: result.licenses,
    warnings: inventory.warnings,
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
