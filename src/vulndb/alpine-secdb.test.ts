import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { sharedData } from "../testing/shared.js";
import { isAlpineSecdb, parseAlpineSecdb, parseSecfix } from "./alpine-secdb.js";

function secdb(release: string, repo: string): ReturnType<typeof parseAlpineSecdb> {
  const value: unknown = JSON.parse(
    readFileSync(sharedData("feeds", "alpine-secdb", release, `${repo}.json`), "utf8"),
  );
  assert.ok(isAlpineSecdb(value));
  return parseAlpineSecdb(value);
}

test("parseSecfix pulls identifiers out of the free text real secdb entries hold", () => {
  // Every shape below occurs in the v3.3–v3.11 files.
  const cases: [text: string, cves: string[], others: string[]][] = [
    ["CVE-2019-14697", ["CVE-2019-14697"], []],
    ["CVE-2018-7540 XSA-252", ["CVE-2018-7540"], ["XSA-252"]],
    ["CVE-2018-3639   XSA-263", ["CVE-2018-3639"], ["XSA-263"]],
    ["CVE-2018-14462 (ICMP)", ["CVE-2018-14462"], []],
    ["CVE-2018-10103 (SMB - partially fixed, but SMB printing disabled)", ["CVE-2018-10103"], []],
    ["CVE-2017-17434-1", ["CVE-2017-17434"], []],
    ["CVE-2019-5010.patch", ["CVE-2019-5010"], []],
    ["CVE 2019-9917", ["CVE-2019-9917"], []],
    ["CVE_2019-2426", ["CVE-2019-2426"], []],
    ["CVE-2017-12122 TALOS-2017-0488", ["CVE-2017-12122"], ["TALOS-2017-0488"]],
    [
      "CVE-2017-5715 CVE-2017-5753 CVE-2017-5754 XSA-254 XPTI",
      ["CVE-2017-5715", "CVE-2017-5753", "CVE-2017-5754"],
      ["XSA-254"],
    ],
    ["CVE-????-?????  XSA-295", [], ["XSA-295"]],
    ["XSA-248", [], ["XSA-248"]],
    ["wnpa-sec-2019-01", [], ["wnpa-sec-2019-01"]],
    ["", [], []],
  ];
  for (const [text, cves, others] of cases) {
    assert.deepEqual(parseSecfix(text), { cves, others }, text);
  }
});

test("v3.10/main: musl's CVEs with the versions that fixed them", () => {
  const feed = secdb("v3.10", "main");
  assert.equal(feed.name, "alpine-secdb:v3.10/main");
  assert.equal(feed.ecosystem, "Alpine:v3.10");
  assert.deepEqual(feed.warnings, []);

  const record = feed.records.find((r) => r.id === "CVE-2019-14697");
  assert.deepEqual(record?.affected, [
    {
      package: { ecosystem: "Alpine:v3.10", name: "musl" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.1.22-r3" }] }],
      versions: [],
      database_specific: { secfix: "CVE-2019-14697" },
    },
  ]);
});

test("v3.10/main: one CVE fixed twice in busybox keeps both fixes", () => {
  const record = secdb("v3.10", "main").records.find((r) => r.id === "CVE-2019-5747");
  const fixes = record?.affected
    .filter((a) => a.package.name === "busybox")
    .map((a) => a.ranges[0]?.events[1]?.fixed);
  assert.deepEqual(fixes, ["1.30.1-r2", "1.29.3-r10"]);
});

test("v3.10/main: Xen advisories become aliases of their CVE, or records of their own", () => {
  const feed = secdb("v3.10", "main");
  assert.deepEqual(feed.records.find((r) => r.id === "CVE-2018-7540")?.aliases, ["XSA-252"]);
  assert.equal(feed.records.find((r) => r.id === "XSA-248")?.affected[0]?.package.name, "xen");
});

test('v3.8/main: a fix in "0" (never affected) yields no record', () => {
  const feed = secdb("v3.8", "main");
  for (const id of [
    "CVE-2016-0682",
    "CVE-2016-0689",
    "CVE-2016-0692",
    "CVE-2016-0694",
    "CVE-2016-3418",
  ]) {
    const names = feed.records.find((r) => r.id === id)?.affected.map((a) => a.package.name) ?? [];
    assert.ok(!names.includes("db"), `${id} must not name db`);
  }
});

test("v3.6/main: heimdal's empty fix list is a warning, the rest is kept", () => {
  const feed = secdb("v3.6", "main");
  assert.deepEqual(feed.warnings, [
    { entry: "heimdal@7.4.0-r0", reason: "fix list is not a list of strings" },
  ]);
  assert.ok(feed.records.length > 500);
});

test("v3.3/community: an empty repository (packages is empty) parses to nothing", () => {
  const feed = secdb("v3.3", "community");
  assert.deepEqual(feed.records, []);
  assert.deepEqual(feed.warnings, []);
});
