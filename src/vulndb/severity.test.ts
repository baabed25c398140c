import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { sharedData } from "../testing/shared.js";
import { parseOsvRecord, type OsvRecord } from "./osv-record.js";
import { labelForScore, labelForWord, scoreVector, severityOf } from "./severity.js";

function realRecord(...parts: string[]): OsvRecord {
  const parsed = parseOsvRecord(JSON.parse(readFileSync(sharedData("osv", ...parts), "utf8")));
  assert.ok(parsed.ok);
  return parsed.record;
}

test("scoreVector computes base scores for CVSS v2, v3.0, v3.1 and v4.0", () => {
  const cases: [vector: string, type: string, score: number][] = [
    ["AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS_V2", 7.5],
    ["CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS_V3", 9.8],
    ["CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L", "CVSS_V3", 5],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", "CVSS_V3", 0],
    ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "CVSS_V4", 9.3],
  ];
  for (const [vector, type, score] of cases) {
    assert.deepEqual(scoreVector(vector), { type, vector, score }, vector);
  }
});

test("scoreVector rejects garbage and vectors without all base metrics", () => {
  for (const vector of ["", "garbage", "CVSS:3.1/AV:N", "CVSS:9.9/AV:N/AC:L"]) {
    assert.equal(scoreVector(vector), undefined, vector);
  }
});

test("labelForScore uses the CVSS rating scale (NVD's for v2)", () => {
  const cases: [type: "CVSS_V2" | "CVSS_V3" | "CVSS_V4", score: number, label: string][] = [
    ["CVSS_V3", 0, "NONE"],
    ["CVSS_V3", 0.1, "LOW"],
    ["CVSS_V3", 3.9, "LOW"],
    ["CVSS_V3", 4, "MEDIUM"],
    ["CVSS_V3", 6.9, "MEDIUM"],
    ["CVSS_V3", 7, "HIGH"],
    ["CVSS_V4", 8.9, "HIGH"],
    ["CVSS_V4", 9, "CRITICAL"],
    ["CVSS_V3", 10, "CRITICAL"],
    ["CVSS_V2", 3.9, "LOW"],
    ["CVSS_V2", 4, "MEDIUM"],
    ["CVSS_V2", 10, "HIGH"],
  ];
  for (const [type, score, label] of cases) assert.equal(labelForScore(type, score), label);
});

test("labelForWord maps GHSA and Ubuntu words", () => {
  const cases: [word: string, label: string | undefined][] = [
    ["LOW", "LOW"],
    ["MODERATE", "MEDIUM"],
    ["moderate", "MEDIUM"],
    ["High", "HIGH"],
    ["CRITICAL", "CRITICAL"],
    ["negligible", "LOW"],
    ["medium", "MEDIUM"],
    ["untriaged", undefined],
  ];
  for (const [word, label] of cases) assert.equal(labelForWord(word), label, word);
});

test("a GHSA record's CVSS v3 vector decides (GHSA-jf85-cpcp-j695, lodash)", () => {
  const record = realRecord("npm", "ghsa", "GHSA-jf85-cpcp-j695.json");
  assert.deepEqual(severityOf(record, record.affected.slice(0, 1)), {
    label: "CRITICAL",
    source: "cvss",
    cvss: {
      type: "CVSS_V3",
      vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H",
      score: 9.1,
    },
  });
});

test("v3 is preferred to v4, matching the feed's own label (GHSA-cm22-4g7w-348p)", () => {
  const record = realRecord("npm", "ghsa", "GHSA-cm22-4g7w-348p.json");
  const severity = severityOf(record, record.affected);
  assert.equal(severity.label, "MEDIUM");
  assert.equal(severity.cvss?.type, "CVSS_V3");
  assert.equal(severity.cvss?.score, 5);
});

test("without a vector, GHSA's database_specific word decides (GHSA-4xc9-xhrj-v574)", () => {
  const record = realRecord("npm", "ghsa", "GHSA-4xc9-xhrj-v574.json");
  assert.deepEqual(severityOf(record, record.affected), {
    label: "HIGH",
    source: "database_specific",
    raw: "HIGH",
  });
});

test("an Ubuntu priority is used when there is no CVSS vector", () => {
  const record = realRecord("Ubuntu", "samples", "UBUNTU-CVE-2013-2208.json");
  assert.deepEqual(severityOf(record, record.affected), {
    label: "MEDIUM",
    source: "vendor",
    raw: "medium",
  });
});

test("ecosystem_specific.severity of the matched entry is the last resort", () => {
  const base: OsvRecord = { id: "X-1", aliases: [], severity: [], affected: [], references: [] };
  const entry = (severity: string) => ({
    package: { ecosystem: "Ubuntu:22.04:LTS", name: "p" },
    ranges: [],
    versions: [],
    ecosystem_specific: { severity },
  });
  assert.equal(severityOf(base, [entry("negligible")]).label, "LOW");
  assert.equal(severityOf(base, [entry("low"), entry("high")]).label, "HIGH");
  assert.deepEqual(severityOf(base, []), { label: "UNKNOWN", source: "none" });
  assert.deepEqual(severityOf(base, [entry("untriaged")]), { label: "UNKNOWN", source: "none" });
});
