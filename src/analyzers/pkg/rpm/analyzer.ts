// Installed rpm packages, from any of rpm's three database formats.
import type { PackageRecord } from "../../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../../types.js";
import { detectFormat, headerBlobs } from "./db.js";
import { parseHeader, type RpmHeader } from "./header.js";

const DB_DIRS = ["var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm"];
const DB_FILES = ["Packages", "Packages.db", "rpmdb.sqlite"];
const CLAIMED = new Set(DB_DIRS.flatMap((dir) => DB_FILES.map((file) => `${dir}/${file}`)));

// A corrupt database can yield a problem per page; the first few say enough.
const MAX_WARNINGS = 20;

export const rpmAnalyzer: Analyzer = {
  id: "rpm",
  version: 2,
  claims: (path) => CLAIMED.has(path),
  paths: [...CLAIMED],
  // Fedora and RHEL databases with thousands of packages stay well under this.
  maxBytes: 512 * 1024 * 1024,
  analyze: ({ content }) => readRpmDb(content),
};

/** Parses a whole database file; pure and never throws. */
export function readRpmDb(content: Buffer): AnalyzerOutput {
  const warnings: NonNullable<AnalyzerOutput["warnings"]> = [];
  let dropped = 0;
  const warn = (code: string, message: string) => {
    if (warnings.length < MAX_WARNINGS) warnings.push({ code, message });
    else dropped++;
  };

  // note: an empty file is what some images leave for an unused backend.
  if (content.length === 0) return {};
  const format = detectFormat(content);
  if (!format) {
    warn("RPMDB_UNKNOWN_FORMAT", "not a Berkeley DB, ndb or SQLite rpm database");
    return { warnings };
  }

  const packages: PackageRecord[] = [];
  const ownedFiles: NonNullable<AnalyzerOutput["ownedFiles"]> = [];
  for (const blob of headerBlobs(format, content, (m) => warn("RPMDB_CORRUPT", m))) {
    const parsed = parseHeader(blob, { files: true });
    if (!parsed.ok) warn("RPM_HEADER_CORRUPT", parsed.problem);
    else if (parsed.header.name !== GPG_PUBKEY) {
      packages.push(toRecord(parsed.header));
      ownedFiles.push({ type: "rpm", name: parsed.header.name, files: parsed.header.files ?? [] });
    }
  }

  if (dropped > 0) {
    warnings.push({ code: "RPMDB_CORRUPT", message: `${dropped} more problems not listed` });
  }
  packages.sort(byNameVersionArch);
  return warnings.length > 0 ? { packages, ownedFiles, warnings } : { packages, ownedFiles };
}

// note: `rpm --import` stores each signing key as a package named gpg-pubkey
// (no files, no arch, no source rpm); it is not software, so we leave it out.
const GPG_PUBKEY = "gpg-pubkey";

/**
 * `version` is `[epoch:]version-release`, with the epoch only when it is not
 * 0: rpm orders a missing epoch as 0, so both spellings compare equal, and
 * this is how rpm itself prints an EVR. The parts are also kept in metadata.
 */
export function toRecord(h: RpmHeader): PackageRecord {
  const epoch = h.epoch ?? 0;
  const evr = (version: string, release: string) =>
    `${epoch !== 0 ? `${epoch}:` : ""}${version}-${release}`;

  const record: PackageRecord = { type: "rpm", name: h.name, version: evr(h.version, h.release) };
  if (h.arch !== undefined) record.arch = h.arch;
  if (h.source) {
    record.sourceName = h.source.name;
    record.sourceVersion = evr(h.source.version, h.source.release);
  }
  if (h.license !== undefined) record.licenses = [h.license];

  const metadata: Record<string, string> = {
    epoch: String(epoch),
    version: h.version,
    release: h.release,
  };
  if (h.sourceRpm !== undefined) metadata.sourceRpm = h.sourceRpm;
  if (h.vendor !== undefined) metadata.vendor = h.vendor;
  if (h.modularityLabel !== undefined) metadata.modularitylabel = h.modularityLabel;
  record.metadata = metadata;
  return record;
}

function byNameVersionArch(a: PackageRecord, b: PackageRecord): number {
  return cmp(a.name, b.name) || cmp(a.version, b.version) || cmp(a.arch ?? "", b.arch ?? "");
}

function cmp(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
