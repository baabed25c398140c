import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { sharedData } from "../testing/shared.js";
import { isOsvIndex, parseOsvRecord } from "./osv-record.js";

const pkg = { ecosystem: "npm", name: "x" };

test("parseOsvRecord rejects records the DB cannot use, saying why", () => {
  const cases: [value: unknown, reason: string][] = [
    [null, "not a JSON object"],
    [[], "not a JSON object"],
    [{ affected: [] }, "no id"],
    [{ id: "", affected: [] }, "no id"],
    [{ id: 7, affected: [] }, "id is not a string"],
    [{ id: "A-1" }, "no affected list"],
    [{ id: "A-1", affected: {} }, "no affected list"],
    [{ id: "A-1", affected: ["x"] }, "affected entry is not an object"],
    [
      { id: "A-1", affected: [{ package: { name: "x" } }] },
      "affected package lacks ecosystem or name",
    ],
    [{ id: "A-1", affected: [{ package: pkg, ranges: {} }] }, "ranges is not a list"],
    [{ id: "A-1", affected: [{ package: pkg, ranges: [{ events: [] }] }] }, "range has no type"],
    [
      { id: "A-1", affected: [{ package: pkg, ranges: [{ type: "SEMVER", events: [{}] }] }] },
      "range event needs exactly one kind",
    ],
    [
      { id: "A-1", affected: [{ package: pkg, versions: [1] }] },
      "versions is not a list of strings",
    ],
    [{ id: "A-1", affected: [], aliases: "CVE-1" }, "aliases is not a list of strings"],
  ];
  for (const [value, reason] of cases) {
    assert.deepEqual(parseOsvRecord(value), { ok: false, reason }, JSON.stringify(value));
  }
});

test("parseOsvRecord keeps what matching and reports need from a real record", () => {
  const file = sharedData("osv", "npm", "ghsa", "GHSA-8hc4-vh64-cxmj.json");
  const parsed = parseOsvRecord(JSON.parse(readFileSync(file, "utf8")));
  assert.ok(parsed.ok);
  const { record } = parsed;
  assert.equal(record.id, "GHSA-8hc4-vh64-cxmj");
  assert.equal(record.affected[0]?.package.name, "Axios");
  assert.ok(record.aliases.includes("CVE-2024-39338"));
  assert.ok(record.references.length > 0);
  assert.ok(record.affected[0]?.ranges[0]?.events.some((e) => e.fixed !== undefined));
});

test("an affected entry without a package (GIT ranges only) is dropped, not fatal", () => {
  const parsed = parseOsvRecord({
    id: "OSV-1",
    affected: [{ ranges: [{ type: "GIT", repo: "r", events: [{ introduced: "0" }] }] }],
  });
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.record.affected, []);
});

test("isOsvIndex recognises Chainguard's all.json", () => {
  const index: unknown = JSON.parse(
    readFileSync(sharedData("osv", "other-distros", "chainguard-all.json"), "utf8"),
  );
  assert.equal(isOsvIndex(index), true);
  assert.equal(isOsvIndex([{ id: "A", affected: [] }]), false);
  assert.equal(isOsvIndex([]), false);
});
