import { readFile } from "node:fs/promises";
import { VigilError } from "../errors.js";
import type { Inventory, Package } from "../inventory/types.js";
import type { LicenseFinding } from "../licenses/findings.js";
import type { Finding } from "../match/types.js";
import type { MisconfigFinding } from "../misconfig/types.js";
import type { SecretFinding } from "../secrets/types.js";
import { JSON_SCHEMA } from "./json.js";
import type { ScanResult } from "./model.js";

type Json = Record<string, unknown>;

/**
 * A saved `--format json` report read back as the scan it describes, for
 * `vigil policy test` and `vigil diff`: the same findings, without rescanning.
 * Decisions and risk scores in it are dropped; they are recomputed.
 */
export async function readJsonReport(file: string): Promise<ScanResult> {
  let report: Json;
  try {
    report = JSON.parse(await readFile(file, "utf8")) as Json;
  } catch (err) {
    throw new VigilError("BAD_REPORT", `${file} is not a JSON file: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (report.schema !== JSON_SCHEMA) {
    throw new VigilError(
      "BAD_REPORT",
      `${file} is not a vigil JSON report (schema ${JSON_SCHEMA})`,
      {
        hint: "write one with vigil image --format json --output FILE",
      },
    );
  }
  return scanResultOf(report);
}

export function scanResultOf(report: Json): ScanResult {
  const list = <T>(key: string) =>
    (report[key] as Json[] | undefined)?.map((item) => withoutVerdict<T>(item));
  const inventory: Inventory = {
    image: report.artifact as Inventory["image"],
    os: (report.os as Inventory["os"]) ?? undefined,
    packages: (report.packages as Package[]).map((p) => ({ ...p })),
    secrets: list<SecretFinding>("secrets"),
    secretScan: report.secretScan as Inventory["secretScan"],
    warnings: (report.warnings as Inventory["warnings"]) ?? [],
  };
  return {
    inventory,
    findings: (report.vulnerabilities as Json[]).map((v) => withoutVerdict<Finding>(v)),
    scanners: report.scanners as ScanResult["scanners"],
    misconfigurations: list<MisconfigFinding>("misconfigurations"),
    licenses: list<LicenseFinding>("licenses"),
    database: (report.database as ScanResult["database"]) ?? undefined,
  };
}

/** The report's own verdicts go: a policy test decides afresh. */
function withoutVerdict<T>(item: Json): T {
  const { risk: _risk, decision: _decision, ...rest } = item;
  return rest as T;
}
