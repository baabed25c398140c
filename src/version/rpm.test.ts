import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { readTsv, sharedData } from "../testing/shared.js";
import { parseEvr, rpmScheme, rpmvercmp } from "./rpm.js";

const sign = (n: number) => (n > 0 ? 1 : n < 0 ? -1 : 0);

for (const file of ["rpm.tsv", "rpm-go-rpm-version.tsv", "rpm-osv-fixtures.tsv"]) {
  test(`every row of version-vectors/${file}`, () => {
    const rows = readTsv(sharedData("version-vectors", file));
    assert.ok(rows.length > 0);

    const failures: string[] = [];
    for (const { a = "", b = "", cmp = "" } of rows) {
      const got = sign(rpmScheme.compare(a, b));
      if (got !== Number(cmp)) failures.push(`${a} vs ${b}: want ${cmp}, got ${got}`);
    }
    assert.deepEqual(failures, []);
  });
}

test("versions/rpm-version-compare.tsv (CentOS 5 vs 7 pairs)", () => {
  const lines = readFileSync(sharedData("versions", "rpm-version-compare.tsv"), "utf8").split("\n");
  const want: Record<string, number> = { "<": -1, "=": 0, ">": 1 };

  const failures: string[] = [];
  for (const line of lines) {
    if (line === "" || line.startsWith("#")) continue;
    const [a = "", rel = "", b = ""] = line.split("\t");
    const got = sign(rpmScheme.compare(a, b));
    if (got !== want[rel]) failures.push(`${a} ${rel} ${b}: got ${got}`);
  }
  assert.deepEqual(failures, []);
});

test("rpmvercmp quirks", () => {
  const cases: [string, string, number][] = [
    ["1.0", "1_0", 0],
    ["10.0001", "10.1", 0],
    ["xyz.4", "8", -1],
    ["6.0.rc1", "6.0", 1],
    ["1.0~rc1", "1.0", -1],
    ["1.0^", "1.0", 1],
    ["1.0^git1", "1.01", -1],
    ["1.0^", "1.0~", 1],
    ["1.0é", "1.0", 0],
    ["", "", 0],
    ["a", "", 1],
  ];
  for (const [a, b, want] of cases) {
    assert.equal(sign(rpmvercmp(a, b)), want, `${a} vs ${b}`);
  }
});

test("EVR parsing and comparison", () => {
  assert.deepEqual(parseEvr("1:2.3-4.el7"), { epoch: "1", version: "2.3", release: "4.el7" });
  assert.deepEqual(parseEvr(":2.3"), { epoch: "0", version: "2.3" });
  assert.deepEqual(parseEvr("2.3-4-5"), { epoch: undefined, version: "2.3-4", release: "5" });

  assert.equal(rpmScheme.compare("0:1.0-1", "1.0-1"), 0);
  assert.equal(sign(rpmScheme.compare("1~1", "1:2")), -1);
  // A missing release sorts first, even before an empty one.
  assert.equal(sign(rpmScheme.compare("1.0", "1.0-5")), -1);
  assert.equal(sign(rpmScheme.compare("1.0", "1.0-")), -1);
});

test("isValid and never throwing", () => {
  assert.ok(rpmScheme.isValid("2:4.2.46-30.el7"));
  assert.ok(rpmScheme.isValid("1.0^git1~rc2"));
  for (const bad of ["", "a:1.0", "1.0-", "1..0", "1.0 -1", "-1"]) {
    assert.equal(rpmScheme.isValid(bad), false, bad);
  }

  const odd = ["", ":", "-", "~", "^", "::", "1:", "\u0000", "💥", "1.0\n", "9".repeat(400)];
  for (const a of odd) {
    for (const b of odd) assert.equal(typeof rpmScheme.compare(a, b), "number");
  }
});
