// Every row of the shared version vectors, run against the scheme it is for.
// Rows are collected, not asserted one by one, so a failure lists them all.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { readTsv, sharedData } from "../testing/shared.js";
import { apkFuzzyMatch, apkScheme, type ApkFuzzyOp } from "./apk.js";
import { dpkgScheme } from "./dpkg.js";
import { semverScheme } from "./semver.js";
import type { VersionScheme } from "./types.js";

interface VectorSet {
  scheme: VersionScheme;
  ordering: string[];
  validity: string[];
  /** Rows we answer differently on purpose, with our answer; see each reason. */
  conflicts?: Conflict[];
}

interface Conflict {
  file: string;
  a: string;
  b: string;
  /** Our answer for a vs b (the reverse row gets the opposite). */
  cmp: number;
  why: string;
}

// note: osv-scalibr's hand-written Alpine fixtures (as of the commit in
// SOURCES.md) order these invalid strings by osv-scalibr's own fallback, not
// by apk's token rules: apk-tools 2's tokenizer disagrees with all four rows,
// and osv-scalibr later changed all four. apk.tsv and apk-osv-generated.tsv
// (the reference's own tests and output) hold no such rows. We follow the
// token rules of apk.ts, which agree with apk-tools 2 on the first three; on
// the fourth, apk-tools 2 ranks the invalid side higher, as it always does.
const APK_CONFLICTS: Conflict[] = [
  {
    file: "apk-osv-fixtures.tsv",
    a: "0.r1",
    b: "0r2",
    cmp: 1,
    why: "'.' then a letter reads as an empty number (0) then the letter; a number outranks a letter",
  },
  {
    file: "apk-osv-fixtures.tsv",
    a: "0.8.21.r2",
    b: "0.8.21r2",
    cmp: 1,
    why: "same: an empty number outranks a letter",
  },
  {
    file: "apk-osv-fixtures.tsv",
    a: "1",
    b: "1-ruff",
    cmp: -1,
    why: "'-r' opens a revision (empty = r0), which outranks the end of the version",
  },
  {
    file: "apk-osv-fixtures.tsv",
    a: "1-ruff2",
    b: "1--ruff1",
    cmp: 1,
    why: "'--' is invalid at once, so that side stops before the other's revision",
  },
];

const SETS: VectorSet[] = [
  {
    scheme: dpkgScheme,
    ordering: [
      "dpkg.tsv",
      "dpkg-go-deb-version.tsv",
      "dpkg-osv-fixtures.tsv",
      "dpkg-osv-generated.tsv",
    ],
    validity: ["dpkg-valid.tsv"],
  },
  {
    scheme: apkScheme,
    ordering: ["apk.tsv", "apk-osv-fixtures.tsv", "apk-osv-generated.tsv"],
    validity: ["apk-valid.tsv"],
    conflicts: APK_CONFLICTS,
  },
  {
    scheme: semverScheme,
    ordering: ["semver-osv-fixtures.tsv", "npm-semver.tsv", "npm-semver-loose.tsv"],
    validity: [],
  },
];

function vectors(file: string): Record<string, string>[] {
  return readTsv(sharedData("version-vectors", file));
}

function orderingFailures(scheme: VersionScheme, file: string, conflicts: Conflict[]): string[] {
  const failures: string[] = [];
  const ours = conflictAnswers(file, conflicts);

  for (const [line, row] of vectors(file).entries()) {
    const { a = "", b = "", cmp = "" } = row;
    const want = ours.get(`${a}\t${b}`) ?? Number(cmp);
    const got = Math.sign(scheme.compare(a, b));
    if (got !== want) {
      failures.push(
        `${file}:${line + 2} ${JSON.stringify(a)} vs ${JSON.stringify(b)}: want ${want}, got ${got}`,
      );
    }
  }
  return failures;
}

/** Our answers for the conflicting rows of one file, keyed "a\tb", both directions. */
function conflictAnswers(file: string, conflicts: Conflict[]): Map<string, number> {
  const answers = new Map<string, number>();

  for (const c of conflicts.filter((conflict) => conflict.file === file)) {
    answers.set(`${c.a}\t${c.b}`, c.cmp);
    answers.set(`${c.b}\t${c.a}`, -c.cmp);
  }
  return answers;
}

function validityFailures(scheme: VersionScheme, file: string): string[] {
  const failures: string[] = [];

  for (const [line, row] of vectors(file).entries()) {
    const { version = "", valid = "" } = row;
    const got = scheme.isValid(version);
    if (String(got) !== valid) {
      failures.push(`${file}:${line + 2} ${JSON.stringify(version)}: want ${valid}, got ${got}`);
    }
  }
  return failures;
}

for (const { scheme, ordering, validity, conflicts = [] } of SETS) {
  describe(`${scheme.name} vectors`, () => {
    for (const file of ordering) {
      it(`orders every row of ${file}`, () => {
        assert.deepEqual(orderingFailures(scheme, file, conflicts), []);
      });
    }

    for (const file of validity) {
      it(`validates every row of ${file}`, () => {
        assert.deepEqual(validityFailures(scheme, file), []);
      });
    }
  });
}

/**
 * Every string of a scheme's files that the scheme calls invalid (where an
 * order is most likely to go wrong), plus `limit` valid ones spread evenly.
 */
function sampleStrings(scheme: VersionScheme, files: string[], limit: number): string[] {
  const rows = files.flatMap((file) => vectors(file));
  const all = [...new Set(rows.flatMap((row) => [row.a ?? "", row.b ?? ""]))];
  const valid = all.filter((version) => scheme.isValid(version));
  const step = Math.max(1, Math.floor(valid.length / limit));

  return [
    ...all.filter((version) => !scheme.isValid(version)),
    ...valid.filter((_, i) => i % step === 0).slice(0, limit),
  ];
}

describe("comparator laws", () => {
  for (const { scheme, ordering } of SETS) {
    it(`${scheme.name} is antisymmetric and sorts consistently`, () => {
      const sample = sampleStrings(scheme, ordering, 300);
      const sorted = [...sample].sort(scheme.compare);
      const failures: string[] = [];

      // After sorting, every earlier string must compare <= every later one;
      // an intransitive comparator breaks this somewhere.
      for (const [i, a] of sorted.entries()) {
        for (const b of sorted.slice(i + 1)) {
          const ab = Math.sign(scheme.compare(a, b));
          if (ab > 0) failures.push(`${a} > ${b} after sorting`);
          const ba = Math.sign(scheme.compare(b, a));
          if (ab !== -ba) failures.push(`${a} vs ${b} not antisymmetric`);
        }
      }
      assert.deepEqual(failures.slice(0, 20), []);
    });
  }
});

describe("rows where sources conflict", () => {
  for (const { scheme, conflicts = [] } of SETS) {
    for (const c of conflicts) {
      it(`${scheme.name}: ${c.a} vs ${c.b} is ${c.cmp} (${c.file} says otherwise): ${c.why}`, () => {
        const row = vectors(c.file).find((r) => r.a === c.a && r.b === c.b);
        assert.ok(row, "the conflicting row is still in the file");
        assert.notEqual(Number(row.cmp), c.cmp);
        assert.equal(Math.sign(scheme.compare(c.a, c.b)), c.cmp);
      });
    }
  }
});

describe("apk fuzzy match vectors", () => {
  it("matches every row of apk-match.tsv", () => {
    const failures: string[] = [];

    for (const [line, row] of vectors("apk-match.tsv").entries()) {
      const { a = "", op = "", b = "", holds = "" } = row;
      const got = apkFuzzyMatch(a, op as ApkFuzzyOp, b);
      if (String(got) !== holds)
        failures.push(`apk-match.tsv:${line + 2} ${a} ${op} ${b}: want ${holds}`);
    }
    assert.deepEqual(failures, []);
  });
});
