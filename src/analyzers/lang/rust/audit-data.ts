// cargo-auditable's dependency list, as `cargo auditable build` embeds it in
// a `.dep-v0` section: zlib-compressed JSON of the form
//
//   {"packages":[{"name":"x","version":"1.0.0","source":"crates.io",
//                 "kind":"build","dependencies":[0,3],"root":true}, …]}
//
// `kind` (runtime when absent), `dependencies` (indices into the list) and
// `root` (the binary's own crate) are optional.
import { inflateSync } from "node:zlib";
import type { PackageRecord } from "../../../inventory/types.js";
import type { AnalyzerOutput } from "../../types.js";

/** cargo-auditable refuses to write more; a bigger inflation is a bomb. */
const MAX_JSON_BYTES = 8 << 20;

type Warning = NonNullable<AnalyzerOutput["warnings"]>[number];

export function parseAuditData(compressed: Buffer): AnalyzerOutput {
  let json: unknown;
  try {
    json = JSON.parse(
      inflateSync(compressed, { maxOutputLength: MAX_JSON_BYTES }).toString("utf8"),
    );
  } catch (err) {
    return {
      warnings: [bad(`cannot be read: ${err instanceof Error ? err.message : String(err)}`)],
    };
  }

  const list = isObject(json) ? json.packages : undefined;
  if (!Array.isArray(list)) return { warnings: [bad("has no package list")] };

  const packages = list.map(toRecord).filter((p): p is PackageRecord => p !== undefined);
  const skipped = list.length - packages.length;
  const warnings =
    skipped > 0 ? [bad(`${skipped} entries without a name and version were skipped`)] : [];
  return { packages, warnings };
}

function toRecord(entry: unknown): PackageRecord | undefined {
  if (!isObject(entry) || typeof entry.name !== "string" || typeof entry.version !== "string") {
    return undefined;
  }
  const metadata: Record<string, string> = {};
  if (typeof entry.source === "string") metadata.cargoSource = entry.source;
  if (entry.kind === "build") metadata.cargoKind = "build";
  if (entry.root === true) metadata.cargoRoot = "true";
  return { type: "cargo", name: entry.name, version: entry.version, metadata };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function bad(detail: string): Warning {
  return { code: "BAD_CARGO_AUDIT_DATA", message: `the .dep-v0 section ${detail}` };
}
