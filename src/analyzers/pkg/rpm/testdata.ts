// Test-only: the real rpm databases and their `rpm -qa` lists.
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";

import type { PackageRecord } from "../../../inventory/types.js";
import { readTsv, repoRoot, sharedData } from "../../../testing/shared.js";

export interface Fixture {
  name: string;
  db: string;
  expected: string;
}

const shared = (file: string) => sharedData("pkgdb", "rpm", file);
const local = (file: string) => path.join(repoRoot, "testdata", "rpm", file);

export const fixtures: Fixture[] = [
  {
    name: "centos7 bdb",
    db: shared("centos7-plain.Packages.bdb.gz"),
    expected: shared("centos7-plain.expected.tsv"),
  },
  {
    name: "centos5 bdb",
    db: shared("centos5-plain.Packages.bdb.gz"),
    expected: shared("centos5-plain.expected.tsv"),
  },
  {
    name: "centos7 sqlite",
    db: shared("centos7-plain.rpmdb.sqlite.gz"),
    expected: shared("centos7-plain.expected.tsv"),
  },
  {
    name: "syft dive bdb",
    db: shared("syft-dive.Packages.bdb"),
    expected: shared("syft-dive.expected.tsv"),
  },
  {
    name: "centos7 subset ndb",
    db: local("centos7-subset.Packages.db.gz"),
    expected: local("centos7-subset.expected.tsv"),
  },
];

export function load(file: string): Buffer {
  const bytes = readFileSync(file);
  return file.endsWith(".gz") ? gunzipSync(bytes) : bytes;
}

/** A record in the columns of the expected TSVs (rpm's `(none)` for a missing tag). */
export function asRow(p: PackageRecord, columns: string[]): string {
  const m = p.metadata ?? {};
  const all: Record<string, string> = {
    name: p.name,
    epoch: m.epoch ?? "",
    version: m.version ?? "",
    release: m.release ?? "",
    arch: p.arch ?? "(none)",
    sourcerpm: m.sourceRpm ?? "(none)",
    license: p.licenses?.[0] ?? "(none)",
    vendor: m.vendor ?? "(none)",
    modularitylabel: m.modularitylabel ?? "(none)",
  };
  return columns.map((c) => all[c] ?? `?${c}`).join("\t");
}

export function expectedRows(file: string): { columns: string[]; rows: string[] } {
  const table = readTsv(file);
  const columns = Object.keys(table[0] ?? {});
  return { columns, rows: table.map((r) => columns.map((c) => r[c]).join("\t")) };
}
