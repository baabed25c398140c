import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { compareComposer, isValidComposer, normalizeComposer } from "./composer.js";

// [a, b, expected sign of compareComposer(a, b)]
const ORDER: [string, string, number][] = [
  ["v1.0.0", "1.0.0", 0], // a leading v does not count
  ["1.0", "1.0.0.0", 0], // four numbers, missing ones are 0
  ["1.0-dev", "1.0-alpha1", -1], // dev < alpha < beta < RC < stable < patch
  ["1.0-alpha1", "1.0-beta1", -1],
  ["1.0-b1", "1.0-beta1", 0],
  ["1.0-beta2", "1.0-RC1", -1],
  ["1.0-rc1", "1.0-RC1", 0],
  ["1.0-RC1", "1.0", -1],
  ["1.0-stable", "1.0", 0],
  ["1.0", "1.0-patch1", -1],
  ["1.0-pl1", "1.0-p1", 0],
  ["1.0-BETA.1", "1.0-ALPHA.2", 1], // stability words in any case
  ["1.0.0-beta1-dev", "1.0.0-beta1", -1],
  ["1.x-dev", "1.99.0", 1], // a numbered branch is 1.9999999.9999999.9999999-dev
  ["1.x-dev", "2.0.0-alpha", -1],
  ["dev-main", "0.0.1", -1], // named branches sort below every version
  ["dev-feature", "dev-main", -1], // and by name among themselves
  ["2023.01.15", "2023.02.01", -1], // date versions
  ["1.0.0+build.5", "1.0.0", 0], // build metadata is dropped
  ["4.3-2RC1", "4.3-2RC2", -1], // refused by Composer, still ordered
  ["999999999999999999999999999991", "999999999999999999999999999999", -1],
];

// Composer's normal forms.
const NORMAL: [string, string | undefined][] = [
  ["1.2", "1.2.0.0"],
  ["v1.2.3", "1.2.3.0"],
  ["1.0.0-b2", "1.0.0.0-beta2"],
  ["1.0.0RC1", "1.0.0.0-RC1"],
  ["1.0.0-pl3", "1.0.0.0-patch3"],
  ["1.0.0-beta.2.1", "1.0.0.0-beta2.1"],
  ["1.0-dev", "1.0.0.0-dev"],
  ["1.0@beta", "1.0.0.0"],
  ["1.2.x-dev", "1.2.9999999.9999999-dev"],
  ["master", "dev-master"],
  ["dev-Feature/X", "dev-Feature/X"],
  ["1.0.0 as 2.0.0", "1.0.0.0"],
  ["2023-01-15", "2023.01.15"],
  ["1.0.0.0.0", undefined],
  ["feature-dev", undefined],
  ["not a version", undefined],
];

describe("Composer ordering", () => {
  for (const [a, b, want] of ORDER) {
    it(`${a} vs ${b} is ${want}`, () => {
      assert.equal(Math.sign(compareComposer(a, b)), want);
      assert.equal(Math.sign(compareComposer(b, a)), -want || 0);
    });
  }

  it("orders anything without throwing", () => {
    for (const odd of ["", " ", "#", "-", "..", "dev-", "v", "\u00e9"]) {
      assert.equal(compareComposer(odd, odd), 0);
      assert.equal(typeof compareComposer(odd, "1.0"), "number");
    }
  });
});

describe("Composer normalisation", () => {
  for (const [version, want] of NORMAL) {
    it(`${JSON.stringify(version)} is ${want ?? "refused"}`, () => {
      assert.equal(normalizeComposer(version), want);
      assert.equal(isValidComposer(version), want !== undefined);
    });
  }
});
