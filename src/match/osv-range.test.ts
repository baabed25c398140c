import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { readTsv, sharedData } from "../testing/shared.js";
import { evaluateAffected, evaluatePackage, type RangeResult } from "./osv-range.js";
import type { OsvAffected, OsvEvent } from "./osv-types.js";

function entry(
  ecosystem: string,
  type: string,
  events: OsvEvent[],
  versions?: string[],
): OsvAffected {
  return { package: { ecosystem, name: "pkg" }, ranges: [{ type, events }], versions };
}

const NPM_TWO_INTERVALS = entry("npm", "ECOSYSTEM", [
  { introduced: "0" },
  { fixed: "1.0.0" },
  { introduced: "2.0.0" },
  { fixed: "2.3.1" },
]);

// The same timeline, written out of order.
const NPM_SHUFFLED = entry("npm", "ECOSYSTEM", [
  { fixed: "2.3.1" },
  { introduced: "2.0.0" },
  { fixed: "1.0.0" },
  { introduced: "0" },
]);

const DEBIAN = entry("Debian:12", "ECOSYSTEM", [{ introduced: "0" }, { fixed: "1.2-3+deb12u1" }]);

const ALPINE = entry("Alpine:v3.18", "ECOSYSTEM", [{ introduced: "0" }, { fixed: "1.2.3-r1" }]);

interface Case {
  name: string;
  entry: OsvAffected;
  version: string;
  want: RangeResult;
}

const CASES: Case[] = [
  {
    name: "fixedVersion is the lowest fix above the version",
    entry: NPM_TWO_INTERVALS,
    version: "0.5.0",
    want: { affected: true, fixedVersion: "1.0.0" },
  },
  {
    name: "the second interval reports its own fix",
    entry: NPM_TWO_INTERVALS,
    version: "2.1.0",
    want: { affected: true, fixedVersion: "2.3.1" },
  },
  {
    name: "between intervals",
    entry: NPM_TWO_INTERVALS,
    version: "1.5.0",
    want: { affected: false },
  },
  {
    name: "fixed is exclusive",
    entry: NPM_TWO_INTERVALS,
    version: "2.3.1",
    want: { affected: false },
  },
  {
    name: "event order in the file does not matter",
    entry: NPM_SHUFFLED,
    version: "2.1.0",
    want: { affected: true, fixedVersion: "2.3.1" },
  },
  {
    name: "introduced 0 covers dpkg versions below 0",
    entry: DEBIAN,
    version: "0~pre1",
    want: { affected: true, fixedVersion: "1.2-3+deb12u1" },
  },
  {
    name: "Debian versions use dpkg ordering",
    entry: DEBIAN,
    version: "1.2-3",
    want: { affected: true, fixedVersion: "1.2-3+deb12u1" },
  },
  {
    name: "Debian fix reached",
    entry: DEBIAN,
    version: "1.2-3+deb12u1",
    want: { affected: false },
  },
  {
    name: "Alpine pre-release below the fix",
    entry: ALPINE,
    version: "1.2.3_rc1-r5",
    want: { affected: true, fixedVersion: "1.2.3-r1" },
  },
  { name: "Alpine fix reached", entry: ALPINE, version: "1.2.3-r1", want: { affected: false } },
  {
    name: "last_affected is inclusive and names no fix",
    entry: entry("npm", "SEMVER", [{ introduced: "1.0.0" }, { last_affected: "1.4.2" }]),
    version: "1.4.2",
    want: { affected: true },
  },
  {
    name: "limit bounds the range from above",
    entry: entry("npm", "SEMVER", [{ introduced: "0" }, { limit: "2.0.0" }]),
    version: "2.0.0",
    want: { affected: false },
  },
  {
    name: "a limit of * is no limit",
    entry: entry("npm", "SEMVER", [{ introduced: "0" }, { limit: "*" }]),
    version: "99.0.0",
    want: { affected: true },
  },
  {
    name: "introduced and fixed on one version is an empty range",
    entry: entry("npm", "SEMVER", [{ fixed: "1.0.0" }, { introduced: "1.0.0" }]),
    version: "1.0.0",
    want: { affected: false },
  },
  {
    name: "GIT ranges are skipped; the versions list still matches",
    entry: entry("npm", "GIT", [{ introduced: "0123abc" }], ["1.0.0"]),
    version: "1.0.0",
    want: { affected: true },
  },
  {
    name: "an ecosystem without an ordering is reported, not guessed",
    entry: entry("Pub", "ECOSYSTEM", [{ introduced: "0" }]),
    version: "1.0",
    want: { affected: false, unevaluatedRanges: 1 },
  },
  {
    name: "a SEMVER range needs no ecosystem ordering",
    entry: entry("PyPI", "SEMVER", [{ introduced: "0" }, { fixed: "2.0.0" }]),
    version: "1.0.0",
    want: { affected: true, fixedVersion: "2.0.0" },
  },
  {
    name: "the versions list compares with the ecosystem's ordering",
    entry: { package: { ecosystem: "Debian:12", name: "pkg" }, versions: ["1:1.0"] },
    version: "1:1.0-0",
    want: { affected: true },
  },
  {
    name: "two matching ranges: the fix that leaves both",
    entry: {
      package: { ecosystem: "npm", name: "pkg" },
      ranges: [
        { type: "SEMVER", events: [{ introduced: "0" }, { fixed: "1.5.0" }] },
        { type: "SEMVER", events: [{ introduced: "1.0.0" }, { fixed: "2.0.0" }] },
      ],
    },
    version: "1.2.0",
    want: { affected: true, fixedVersion: "2.0.0" },
  },
  {
    name: "two matching ranges, one unfixed: no fix to name",
    entry: {
      package: { ecosystem: "npm", name: "pkg" },
      ranges: [
        { type: "SEMVER", events: [{ introduced: "0" }, { fixed: "1.5.0" }] },
        { type: "SEMVER", events: [{ introduced: "1.0.0" }] },
      ],
    },
    version: "1.2.0",
    want: { affected: true },
  },
];

describe("evaluateAffected", () => {
  for (const c of CASES) {
    it(c.name, () => assert.deepEqual(evaluateAffected(c.entry, c.version), c.want));
  }
});

describe("evaluatePackage", () => {
  it("only looks at entries that name the package", () => {
    const entries = [NPM_TWO_INTERVALS];
    assert.deepEqual(evaluatePackage(entries, { ecosystem: "npm", name: "other" }, "0.1.0"), {
      affected: false,
    });
    assert.deepEqual(evaluatePackage(entries, { ecosystem: "PyPI", name: "pkg" }, "0.1.0"), {
      affected: false,
    });
  });
});

describe("osv-range-eval.tsv", () => {
  it("agrees with every row", () => {
    const failures: string[] = [];
    const rows = readTsv(sharedData("version-vectors", "osv-range-eval.tsv"));

    for (const [line, row] of rows.entries()) {
      const { test = "", affected_json = "[]", package_ecosystem = "", version = "" } = row;
      const entries = JSON.parse(affected_json) as OsvAffected[];
      const pkg = { ecosystem: package_ecosystem, name: "my-package" };
      const got = evaluatePackage(entries, pkg, version).affected;

      if (String(got) !== row.affected) {
        failures.push(`line ${line + 2} ${test} ${JSON.stringify(version)}: want ${row.affected}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});
