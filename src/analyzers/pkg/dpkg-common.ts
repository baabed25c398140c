import type { PackageRecord } from "../../inventory/types.js";
import type { AnalyzerOutput } from "../types.js";
import { parseSource, parseStanzas } from "./deb-control.js";

/**
 * dpkg states in which the package's files are on disk. `config-files`,
 * `half-installed` and `not-installed` leave no (or broken) files behind, so
 * the package is not reported, as dpkg -l would not show it as installed.
 */
const PRESENT_STATES = new Set([
  "installed",
  "triggers-pending",
  "triggers-awaited",
  "half-configured",
  "unpacked",
]);

/**
 * Turns a status-format file into packages. `statusRequired` is false for
 * distroless `status.d/` entries, which carry no Status field at all.
 */
export function parseDpkgStatus(content: Buffer, statusRequired: boolean): AnalyzerOutput {
  const { stanzas, bad } = parseStanzas(content.toString("utf8"));
  const packages: PackageRecord[] = [];
  const warnings = bad.map((line) => ({
    code: "MALFORMED_LINE",
    message: "not a `Field: value` line; ignored",
    line,
  }));

  for (const { fields, line } of stanzas) {
    const name = fields.get("package");
    const version = fields.get("version");
    if (!name || !version) {
      warnings.push({ code: "MALFORMED_ENTRY", message: "entry without Package or Version", line });
      continue;
    }
    if (!isPresent(fields.get("status"), statusRequired)) continue;

    const source = parseSource(fields.get("source"), version);
    packages.push({
      type: "deb",
      name,
      version,
      arch: fields.get("architecture"),
      sourceName: source.name ?? name,
      sourceVersion: source.version ?? version,
      maintainer: fields.get("maintainer"),
    });
  }
  return { packages, warnings };
}

function isPresent(status: string | undefined, required: boolean): boolean {
  if (status === undefined) return !required;
  const state = status.split(/\s+/)[2];
  return state !== undefined && PRESENT_STATES.has(state);
}
