// The language schemes against real OSV advisories (../shared/data/osv):
// the ranges each record writes must read forward under the ecosystem's
// ordering, and PyPI's enumerated `versions` must fall inside the ranges
// OSV computed them from.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { evaluateAffected } from "../match/osv-range.js";
import type { OsvAffected, OsvRange } from "../match/osv-types.js";
import { sharedData } from "../testing/shared.js";
import { zipEntries } from "../vulndb/zip.js";
import { schemeForRangeType } from "./index.js";

interface Advisory {
  id: string;
  affected?: OsvAffected[];
}

const ECOSYSTEMS = ["PyPI", "Maven", "RubyGems", "Go", "npm"];

// Listed versions that the record's own ranges leave out. Each is a flaw of
// the record, not of the ordering: the ranges overlap inside one range
// object (the schema's evaluation closes at the first `fixed`), the list
// names the fixed version itself, or it names pre-releases of the version
// that `introduced` names.
const RECORD_FLAWS = new Map([
  ["PYSEC-2021-114 2.11.6", "overlapping ranges"],
  ["PYSEC-2022-236 3.1.1", "overlapping ranges"],
  ["PYSEC-2022-236 3.1.2", "overlapping ranges"],
  ["PYSEC-2023-72 3.1.1", "overlapping ranges"],
  ["PYSEC-2023-72 3.1.2", "overlapping ranges"],
  ["PYSEC-2023-72 3.1.3", "overlapping ranges"],
  ["PYSEC-2023-177 23.9.0", "the fixed version is listed"],
  ["PYSEC-2023-177 23.9.0.post1", "a post release of the fixed version is listed"],
  ...["3.2a1", "3.2b1", "3.2rc1", "4.2a1", "4.2b1", "4.2rc1"].map((v): [string, string] => [
    `PYSEC-2023-61 ${v}`,
    "pre-releases of `introduced` are listed",
  ]),
]);

const advisories = new Map<string, Advisory[]>();

async function readAdvisories(ecosystem: string): Promise<Advisory[]> {
  const records: Advisory[] = [];
  const limits = { maxEntryBytes: 1 << 24, maxEntries: 1e5 };

  for await (const item of zipEntries(sharedData("osv", ecosystem, "all.zip"), limits)) {
    if (item.kind === "entry") records.push(JSON.parse(item.data.toString("utf8")) as Advisory);
  }
  return records;
}

/** The `affected[]` entries of the ecosystem, with the record's id. */
function entriesOf(ecosystem: string): { id: string; entry: OsvAffected }[] {
  return (advisories.get(ecosystem) ?? []).flatMap((record) =>
    (record.affected ?? [])
      .filter((entry) => entry.package?.ecosystem === ecosystem)
      .map((entry) => ({ id: record.id, entry })),
  );
}

/** Each `introduced` with the event written right after it, if that closes the range. */
function writtenIntervals(range: OsvRange): { from: string; to: string; inclusive: boolean }[] {
  return range.events.flatMap((event, i) => {
    const next = range.events[i + 1];
    const to = next?.fixed ?? next?.last_affected;
    if (event.introduced === undefined || to === undefined) return [];
    return [{ from: event.introduced, to, inclusive: next?.fixed === undefined }];
  });
}

describe("real OSV advisories", () => {
  before(async () => {
    for (const ecosystem of ECOSYSTEMS) advisories.set(ecosystem, await readAdvisories(ecosystem));
  });

  for (const ecosystem of ECOSYSTEMS) {
    it(`${ecosystem}: every interval a record writes reads forward`, () => {
      const backwards: string[] = [];
      let intervals = 0;

      for (const { id, entry } of entriesOf(ecosystem)) {
        for (const range of entry.ranges ?? []) {
          const type = range.type;
          if (type !== "SEMVER" && type !== "ECOSYSTEM") continue;
          const scheme = schemeForRangeType(type, ecosystem);
          if (scheme === undefined) continue;

          for (const { from, to, inclusive } of writtenIntervals(range)) {
            intervals++;
            const order = from === "0" ? -1 : scheme.compare(from, to);
            if (order > 0 || (order === 0 && !inclusive)) backwards.push(`${id}: ${from} .. ${to}`);
          }
        }
      }
      assert.ok(intervals >= 10, `only ${intervals} intervals`);
      assert.deepEqual(backwards, []);
    });
  }

  it("PyPI: every listed version lies in the record's ranges, but for record flaws", () => {
    const outside = new Map<string, string>();
    let listed = 0;

    for (const { id, entry } of entriesOf("PyPI")) {
      if (!entry.ranges?.some((range) => range.type === "ECOSYSTEM")) continue;
      const rangesOnly = { ...entry, versions: [] };

      for (const version of entry.versions ?? []) {
        listed++;
        if (!evaluateAffected(rangesOnly, version).affected) {
          const key = `${id} ${version}`;
          outside.set(key, RECORD_FLAWS.get(key) ?? "outside its ranges");
        }
      }
    }
    assert.ok(listed > 100_000, `only ${listed} listed versions`);
    assert.deepEqual(outside, RECORD_FLAWS);
  });

  it("Go: the toolchain spellings of Go binaries fall where the stdlib ranges say", () => {
    // GO-2023-1987 (crypto/tls): fixed in 1.19.12, 1.20.7 and 1.21.0-rc.4.
    const record = advisories.get("Go")?.find((advisory) => advisory.id === "GO-2023-1987");
    const stdlib = record?.affected?.find((entry) => entry.package?.name === "stdlib");
    assert.ok(stdlib, "GO-2023-1987 names stdlib");

    const affected = (version: string) => evaluateAffected(stdlib, version).affected;
    for (const version of ["go1.19.11", "go1.20", "go1.20.6", "go1.21rc3"]) {
      assert.equal(affected(version), true, version);
    }
    for (const version of ["go1.19.12", "go1.20.7", "go1.21rc4", "go1.21.0", "go1.22.1"]) {
      assert.equal(affected(version), false, version);
    }
  });
});
