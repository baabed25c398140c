import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { compareSemver, isValidSemver } from "./semver.js";

// [a, b, expected sign of compareSemver(a, b)]
const ORDER: [string, string, number][] = [
  ["1.0.0-alpha", "1.0.0-alpha.1", -1], // more identifiers win on a tie
  ["1.0.0-alpha.1", "1.0.0-alpha.beta", -1], // numeric below alphanumeric
  ["1.0.0-beta.2", "1.0.0-beta.11", -1], // numeric identifiers by value
  ["1.0.0-rc.1", "1.0.0", -1], // a release outranks its pre-releases
  ["1.0.0-Z", "1.0.0-a", -1], // ASCII order
  ["1.2.3+build.5", "1.2.3", 0], // build metadata ignored
  ["v1.2", "1.2.0", 0], // leading v, missing patch
  ["1", "1.0.0", 0],
  ["2.0.0rc2", "2.0.0-rc2", 0], // a pre-release without its hyphen
  ["0.0.0.1", "0.0.0", 1], // a fourth number still counts
  ["0.0.0.1", "0.0.1", -1],
  // Beyond 2^53 (and 2^64) floats and int64 would get these wrong.
  ["9007199254740993.0.0", "9007199254740992.0.0", 1],
  ["18446744073709551616.0.0", "18446744073709551615.0.0", 1],
  ["1.0.0-18446744073709551616", "1.0.0-18446744073709551615", 1],
];

const VALIDITY: [string, boolean][] = [
  ["1.2.3", true],
  ["v1.2.3", true],
  ["1.2.3-alpha.1+build.5", true],
  ["1.2", false],
  ["01.2.3", false],
  ["1.2.3-01", false],
  ["1.2.3.4", false],
];

describe("semver ordering", () => {
  for (const [a, b, want] of ORDER) {
    it(`${a} vs ${b} is ${want}`, () => {
      assert.equal(Math.sign(compareSemver(a, b)), want);
      assert.equal(Math.sign(compareSemver(b, a)), -want || 0);
    });
  }

  it("orders anything without throwing", () => {
    for (const odd of ["", "v", "+", "-", "abc", "1..2", "1.2.3-", "=v 1.2.3", "\u00e9"]) {
      assert.equal(compareSemver(odd, odd), 0);
      assert.equal(typeof compareSemver(odd, "1.0.0"), "number");
    }
  });
});

describe("semver validity", () => {
  for (const [version, want] of VALIDITY) {
    it(`${version} is ${want ? "valid" : "invalid"}`, () =>
      assert.equal(isValidSemver(version), want));
  }
});
