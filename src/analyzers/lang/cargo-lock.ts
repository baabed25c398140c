import { parse, TomlError } from "smol-toml";
import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";

// Crate sources cargo unpacks for building: their lock files describe those
// crates' own development, not what this image runs.
const CARGO_HOME_SOURCES = /(?:^|\/)\.cargo\/(?:registry\/src|git\/checkouts)\//;

/**
 * Rust dependencies as `Cargo.lock` pins them (lock format versions 1 to
 * 4). Workspace members have no `source`; they are kept, marked local.
 * note: a lock file also pins dev-dependencies and crates for other targets;
 * telling those apart needs Cargo.toml beside it, which is not read (issue 4).
 */
export const cargoLockAnalyzer: Analyzer = {
  id: "cargo-lock",
  version: 1,
  maxBytes: 16 << 20,
  claims: (path) =>
    (path === "Cargo.lock" || path.endsWith("/Cargo.lock")) && !CARGO_HOME_SOURCES.test(path),
  analyze: ({ content }) => parseCargoLock(content.toString("utf8")),
};

export function parseCargoLock(text: string): AnalyzerOutput {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (err) {
    const where = err instanceof TomlError ? ` (line ${err.line})` : "";
    const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
    return { warnings: [{ code: "BAD_CARGO_LOCK", message: `not TOML${where}: ${reason}` }] };
  }

  const list: unknown[] = Array.isArray(doc.package) ? doc.package : [];
  const packages = list.map(toRecord).filter((p): p is PackageRecord => p !== undefined);
  const skipped = list.length - packages.length;
  const warnings =
    skipped === 0
      ? []
      : [
          {
            code: "BAD_CARGO_LOCK",
            message: `${skipped} [[package]] entries without a name and version`,
          },
        ];
  return { packages, warnings };
}

function toRecord(entry: unknown): PackageRecord | undefined {
  if (!isTable(entry)) return undefined;
  const { name, version, source, checksum } = entry;
  if (typeof name !== "string" || typeof version !== "string") return undefined;

  const metadata: Record<string, string> = {
    cargoSource: typeof source === "string" ? source : "local",
  };
  if (typeof checksum === "string") metadata.cargoChecksum = checksum;
  return { type: "cargo", name, version, metadata };
}

const isTable = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
