// Every row of the shared version vectors, run against the scheme it is for.
// Rows are collected, not asserted one by one, so a failure lists them all.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { readTsv, sharedData } from "../testing/shared.js";
import { apkFuzzyMatch, apkScheme, type ApkFuzzyOp } from "./apk.js";
import { composerScheme } from "./composer.js";
import { dpkgScheme } from "./dpkg.js";
import { canonicalGo, goScheme } from "./go.js";
import { mavenScheme } from "./maven.js";
import { isValidNuget, isValidNugetSemanticVersion, nugetScheme } from "./nuget.js";
import { pep440Scheme } from "./pep440.js";
import { isValidPep440Specifier, satisfiesPep440 } from "./pep440-specifier.js";
import { rubygemsScheme } from "./rubygems.js";
import { satisfiesRubygems } from "./rubygems-requirement.js";
import { isValidNpmSemver, npmSemverScheme, semverScheme } from "./semver.js";
import type { VersionScheme } from "./types.js";

type Row = Record<string, string>;

interface VectorSet {
  scheme: VersionScheme;
  ordering: string[];
  validity: string[];
  /** Whether a validity row's version is valid; default `scheme.isValid(row.version)`. */
  validRow?: (row: Row) => boolean;
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

/** Conflicts sharing one reason: `[a, b, our answer for a vs b]`. */
function conflictsOf(file: string, why: string, pairs: [string, string, number][]): Conflict[] {
  return pairs.map(([a, b, cmp]) => ({ file, a, b, cmp, why }));
}

// note: maven.tsv follows current Maven; maven-osv-generated.tsv was sorted
// with maven-artifact 3.8.6, which attached a qualifier written after `.`
// (or after nothing) to the number before it, where current Maven gives it
// a list of its own as after `-` (`1.0.0.rc1 < 1.0.0-rc2`, maven.tsv). We
// follow current Maven. SOURCES.md lists the first 18 pairs as the ones
// where 3.9.6 already disagrees with 3.8.6; `3.5.0.Beta-1` is the same rule
// (its `Beta-1` reads as `Beta1` since 3.9, then attaches like `-beta1`).
const MAVEN_QUALIFIER_WHY =
  "current Maven gives a qualifier after `.` its own list, as after `-`; 3.8.6 did not";

// These look like com.alibaba:fastjson releases.
const FASTJSON = ["1.1.31", "1.1.34", "1.1.46", "1.2.31", "1.2.48", "1.2.50"];
const FASTJSON_LATER = ["1.2.54", "1.2.57", "1.2.60", "1.2.67"];

const MAVEN_CONFLICTS: Conflict[] = [
  ...conflictsOf("maven-osv-generated.tsv", MAVEN_QUALIFIER_WHY, [
    ["1.0.0-RC16", "1.0.0.RC8-beta", 1],
    ["1.0.0-gradle-rework-beta3", "1.0.0.RC7-3", 1],
    ["2.9.0-1", "2.9.0.RC1", 1],
    ["6.1.12.rc5", "6.1.12rc1", 1],
    ["1.0.0rc0", "1.0.beta8", 1],
    ["1.5.9.RC1", "1.5.9-RC0", 1],
    ["1.1.0-01-glassfish", "1.1.0.Beta1", 1],
    ["3.5.0-CR-2", "3.5.0.Beta-1", 1],
    ["1.2.8.sec10_noneautotype", "1.2.8_noneautotype", 1],
    ...[...FASTJSON, ...FASTJSON_LATER].map((x): [string, string, number] => [
      `${x}.sec10`,
      `${x}_noneautotype`,
      1,
    ]),
  ]),
  ...conflictsOf(
    "maven-osv-fixtures.tsv",
    "`ga` is the release, but `1-ga-1` keeps a list after it; Maven 3.2.5 to master all say `>`",
    [["1-ga-1", "1-1", -1]],
  ),
];

// note: Composer orders versions it has normalised (`1.0` and `1.0.0` are
// both `1.0.0.0`, `-BETA` is `-beta`, `-stable` is the release), while OSV
// sorted Packagist versions with PHP's version_compare() on the raw strings
// (less a `v`). We follow Composer, the tool that installs them.
const COMPOSER_CONFLICTS: Conflict[] = [
  ...conflictsOf("composer-osv-generated.tsv", "Composer pads to four numbers", [
    ["v3.0", "v3.0.0-beta", 1],
    ["v3.4", "v3.4.0-alpha", 1],
    ["v4.4", "v4.4.0-beta", 1],
    ["v6.5", "v6.5.0-beta-0", 1],
    ["v6.6", "v6.6.0-beta", 1],
    ["v4-beta4", "v4.0-alpha", 1],
  ]),
  ...conflictsOf("composer-osv-fixtures.tsv", "Composer pads to four numbers", [
    ["1.0.0", "1.0", 0],
  ]),
  ...conflictsOf("composer-osv-generated.tsv", "Composer reads stability words in any case", [
    ["v1.9.0-ALPHA.1", "v1.9.0-BETA.1", -1],
    ["v1.9.0-BETA.1", "v1.9.0-ALPHA.2", 1],
    ["v1.9.0-ALPHA.2", "v1.9.0-BETA.2", -1],
  ]),
  ...conflictsOf("composer-osv-generated.tsv", "`-stable` is the release to Composer", [
    ["5.1.0-stable", "5.1.0-beta2", 1],
  ]),
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
    ordering: ["semver-osv-fixtures.tsv"],
    validity: [],
  },
  {
    scheme: npmSemverScheme,
    ordering: ["npm-semver.tsv", "npm-semver-loose.tsv"],
    validity: ["npm-semver-valid.tsv"],
    validRow: (row) => isValidNpmSemver(row.version ?? "", { loose: row.options === "loose" }),
  },
  {
    scheme: pep440Scheme,
    ordering: [
      "pep440.tsv",
      "pep440-osv-fixtures.tsv",
      "pep440-osv-generated.tsv",
      "pep440-osv-legacy.tsv",
    ],
    validity: ["pep440-valid.tsv"],
  },
  {
    scheme: mavenScheme,
    ordering: ["maven.tsv", "maven-osv-fixtures.tsv", "maven-osv-generated.tsv"],
    validity: [],
    conflicts: MAVEN_CONFLICTS,
  },
  {
    scheme: rubygemsScheme,
    ordering: ["rubygems.tsv", "rubygems-osv-fixtures.tsv", "rubygems-osv-generated.tsv"],
    validity: ["rubygems-valid.tsv"],
  },
  {
    scheme: goScheme,
    ordering: ["go-semver.tsv"],
    validity: ["go-semver-valid.tsv"],
  },
  {
    scheme: nugetScheme,
    ordering: ["nuget.tsv", "nuget-osv-fixtures.tsv"],
    validity: ["nuget-valid.tsv"],
    validRow: ({ version = "", parser }) =>
      parser === "SemanticVersion" ? isValidNugetSemanticVersion(version) : isValidNuget(version),
  },
  {
    scheme: composerScheme,
    ordering: ["composer-osv-fixtures.tsv", "composer-osv-generated.tsv"],
    validity: [],
    conflicts: COMPOSER_CONFLICTS,
  },
];

function vectors(file: string): Row[] {
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

function validityFailures(isValid: (row: Row) => boolean, file: string): string[] {
  const failures: string[] = [];

  for (const [line, row] of vectors(file).entries()) {
    const { version = "", valid = "" } = row;
    const got = isValid(row);
    if (String(got) !== valid) {
      failures.push(`${file}:${line + 2} ${JSON.stringify(version)}: want ${valid}, got ${got}`);
    }
  }
  return failures;
}

for (const { scheme, ordering, validity, validRow, conflicts = [] } of SETS) {
  const isValid = validRow ?? ((row: Row) => scheme.isValid(row.version ?? ""));

  describe(`${scheme.name} vectors`, () => {
    for (const file of ordering) {
      it(`orders every row of ${file}`, () => {
        assert.deepEqual(orderingFailures(scheme, file, conflicts), []);
      });
    }

    for (const file of validity) {
      it(`validates every row of ${file}`, () => {
        assert.deepEqual(validityFailures(isValid, file), []);
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

describe("range and validity vectors beyond ordering", () => {
  it("matches every row of pep440-specifiers.tsv (pre-releases allowed, as upstream runs it)", () => {
    const failures = rowFailures("pep440-specifiers.tsv", "satisfies", (row) =>
      satisfiesPep440(row.version ?? "", row.specifier ?? "", { prereleases: true }),
    );
    assert.deepEqual(failures, []);
  });

  it("validates every row of pep440-specifier-valid.tsv", () => {
    const failures = rowFailures("pep440-specifier-valid.tsv", "valid", (row) =>
      isValidPep440Specifier(row.specifier ?? ""),
    );
    assert.deepEqual(failures, []);
  });

  it("matches every row of rubygems-requirement.tsv", () => {
    const failures = rowFailures("rubygems-requirement.tsv", "satisfies", (row) =>
      satisfiesRubygems(row.version ?? "", row.requirement ?? ""),
    );
    assert.deepEqual(failures, []);
  });

  it("gives the canonical form of every row of go-semver-valid.tsv", () => {
    const failures = vectors("go-semver-valid.tsv")
      .filter((row) => canonicalGo(row.version ?? "") !== row.canonical)
      .map((row) => `${row.version}: want ${JSON.stringify(row.canonical)}`);
    assert.deepEqual(failures, []);
  });
});

/** Rows whose `column` ("true"/"false") differs from `predicate`. */
function rowFailures(file: string, column: string, predicate: (row: Row) => boolean): string[] {
  const failures: string[] = [];

  for (const [line, row] of vectors(file).entries()) {
    const got = predicate(row);
    if (String(got) !== row[column]) failures.push(`${file}:${line + 2} ${JSON.stringify(row)}`);
  }
  return failures;
}
