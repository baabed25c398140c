import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";

import { repoRoot } from "../../../testing/shared.js";
import { readRpmDb, rpmAnalyzer } from "./analyzer.js";
import { detectFormat } from "./db.js";
import { asRow, expectedRows, type Fixture, fixtures, load } from "./testdata.js";

function assertMatchesRpmQa(fixture: Fixture) {
  const out = rpmAnalyzer.analyze({ path: "var/lib/rpm/Packages", content: load(fixture.db) });
  assert.equal(out.warnings, undefined);

  const { columns, rows } = expectedRows(fixture.expected);
  const got = (out.packages ?? []).map((p) => asRow(p, columns)).sort();
  assert.deepEqual(got, [...rows].sort());
}

for (const fixture of fixtures) {
  test(`${fixture.name}: every package equals rpm -qa`, () => assertMatchesRpmQa(fixture));
}

test("the AlmaLinux fixture equals rpm -qa, vendor and module label included", () => {
  const dir = path.join(repoRoot, "testdata", "rpm");
  assertMatchesRpmQa({
    name: "alma8 fixture sqlite",
    db: path.join(dir, "alma8-fixture.rpmdb.sqlite.gz"),
    expected: path.join(dir, "alma8-fixture.expected.tsv"),
  });
});

test("the format comes from the bytes", () => {
  const want = ["bdb", "bdb", "sqlite", "bdb", "ndb"];
  assert.deepEqual(
    fixtures.map((f) => detectFormat(load(f.db))),
    want,
  );
});

test("records: EVR, source package, metadata", () => {
  const out = readRpmDb(load(fixtures[1]!.db));
  const bind = out.packages?.find((p) => p.name === "bind-utils");
  assert.deepEqual(bind, {
    type: "rpm",
    name: "bind-utils",
    version: "30:9.3.6-25.P1.el5_11.8",
    arch: "x86_64",
    sourceName: "bind",
    sourceVersion: "30:9.3.6-25.P1.el5_11.8",
    licenses: ["BSD-like"],
    metadata: {
      epoch: "30",
      version: "9.3.6",
      release: "25.P1.el5_11.8",
      sourceRpm: "bind-9.3.6-25.P1.el5_11.8.src.rpm",
      vendor: "CentOS",
    },
  });

  const bash = readRpmDb(load(fixtures[0]!.db)).packages?.find((p) => p.name === "bash");
  assert.equal(bash?.version, "4.2.46-30.el7");
  assert.equal(bash?.metadata?.epoch, "0");
});

test("claims the database files in every known place, and nothing else", () => {
  for (const dir of ["var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm"]) {
    for (const file of ["Packages", "Packages.db", "rpmdb.sqlite"]) {
      assert.ok(rpmAnalyzer.claims(`${dir}/${file}`), `${dir}/${file}`);
    }
  }
  for (const path of ["var/lib/rpm/Index.db", "var/lib/rpm/Name", "x/var/lib/rpm/Packages"]) {
    assert.equal(rpmAnalyzer.claims(path), false, path);
  }
});

test("an unknown format is a warning; an empty file is nothing", () => {
  const out = readRpmDb(Buffer.from("this is not a database at all"));
  assert.deepEqual(out.packages, undefined);
  assert.deepEqual(
    out.warnings?.map((w) => w.code),
    ["RPMDB_UNKNOWN_FORMAT"],
  );
  assert.deepEqual(readRpmDb(Buffer.alloc(0)), {});
});

test("warnings are capped and counted", () => {
  // Every overflow page made a btree page: one problem per package.
  const broken = load(fixtures[0]!.db);
  for (let at = 4096; at < broken.length; at += 4096) {
    if (broken[at + 25] === 7) broken[at + 25] = 5;
  }
  const out = readRpmDb(broken);
  assert.equal(out.packages?.length, 0);
  assert.equal(out.warnings?.length, 21);
  assert.match(out.warnings?.at(-1)?.message ?? "", /more problems not listed/);
});
