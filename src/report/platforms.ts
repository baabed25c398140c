// `--platform all`: one report per platform of an index, and a summary over
// them all, as JSON (schema `vigil.platforms/v1`) or as tables.
import { VIGIL_VERSION } from "../about.js";
import type { Finding } from "../match/types.js";
import { formatPlatform } from "../source/platform.js";
import { printable } from "../util/text.js";
import { jsonReport } from "./json.js";
import { countBySeverity, type ScanResult } from "./model.js";
import { renderTable, type TableOptions } from "./table.js";

export const PLATFORMS_SCHEMA = "vigil.platforms/v1";

/** A scan of one platform, with the findings the user asked to see. */
export interface PlatformReport {
  result: ScanResult;
  findings: readonly Finding[];
}

export function renderPlatformsJson(reference: string, reports: PlatformReport[]): string {
  const document = {
    schema: PLATFORMS_SCHEMA,
    vigilVersion: VIGIL_VERSION,
    reference,
    summary: combinedSummary(reports),
    platforms: reports.map(({ result, findings }) => ({
      platform: platformOf(result),
      digest: result.inventory.image.digest,
      report: jsonReport(result, findings),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

export function renderPlatformsTable(reports: PlatformReport[], opts: TableOptions): string {
  const sections = reports.map(({ result, findings }) => {
    const heading = `== ${platformOf(result)} (${result.inventory.image.digest}) ==`;
    return `${heading}\n${renderTable(result, findings, opts)}`;
  });

  const summary = combinedSummary(reports);
  const lines = reports.map(({ result, findings }) => {
    const packages = result.inventory.packages.length;
    return `  ${platformOf(result)}: ${packages} packages, ${findings.length} vulnerabilities`;
  });
  const platforms = `${summary.platforms} platform${summary.platforms === 1 ? "" : "s"}`;
  const total =
    `${platforms}: ${summary.vulnerabilities} vulnerabilities ` +
    `(${summary.distinctVulnerabilities} distinct), ${summary.fixable} fixable`;
  return `${sections.join("\n")}\n${printable(total)}\n${lines.join("\n")}\n`;
}

/**
 * Counts over every platform: `vulnerabilities` counts a finding once per
 * platform it is on, `distinctVulnerabilities` once per id.
 */
function combinedSummary(reports: PlatformReport[]) {
  const all = reports.flatMap((r) => r.findings);
  return {
    platforms: reports.length,
    packages: reports.reduce((sum, r) => sum + r.result.inventory.packages.length, 0),
    vulnerabilities: all.length,
    distinctVulnerabilities: new Set(all.map((f) => f.id)).size,
    fixable: all.filter((f) => f.status === "fixed").length,
    bySeverity: countBySeverity(all),
    byPlatform: Object.fromEntries(
      reports.map(({ result, findings }) => [platformOf(result), findings.length]),
    ),
  };
}

function platformOf(result: ScanResult): string {
  return formatPlatform(result.inventory.image.platform);
}
