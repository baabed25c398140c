import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { compareMaven, isValidMaven } from "./maven.js";

// [a, b, expected sign of compareMaven(a, b)]
const ORDER: [string, string, number][] = [
  // Known qualifiers: alpha < beta < milestone < rc < snapshot < release < sp.
  ["1.0-alpha-1", "1.0-beta-1", -1],
  ["1.0-beta-1", "1.0-milestone-1", -1],
  ["1.0-milestone-1", "1.0-rc-1", -1],
  ["1.0-rc-1", "1.0-SNAPSHOT", -1],
  ["1.0-SNAPSHOT", "1.0", -1],
  ["1.0", "1.0-sp-1", -1],
  // Aliases: a, b, m before a number; cr is rc; ga, final and release are the release.
  ["1.0-a1", "1.0-alpha-1", 0],
  ["1.0-b2", "1.0-beta-2", 0],
  ["1.0-m3", "1.0-milestone-3", 0],
  ["1.0-cr1", "1.0-rc1", 0],
  ["1.0-ga", "1.0", 0],
  ["1.0.FINAL", "1.0", 0],
  ["1.0-release", "1.0", 0],
  ["1.0-a", "1.0-alpha", 1], // a alone is an unknown word, not alpha
  // Unknown qualifiers come after sp, alphabetically, and below numbers.
  ["1.0-sp", "1.0-abc", -1],
  ["1.0-abc", "1.0-def", -1],
  ["2.0.1-xyz", "2.0.1-123", -1],
  // Missing parts are zeros; leading zeros do not count; case does not count.
  ["1", "1.0.0", 0],
  ["1.0.0.0.0", "1", 0],
  ["1.01", "1.1", 0],
  ["1.0-RC1", "1.0-rc1", 0],
  // `-` and `.`: a dash opens a sub-list, so a dotted number outranks it.
  ["1-1", "1.1", -1],
  ["1.0.0-rc2", "1.0.0.1", -1],
  ["1.0.0.rc1", "1.0.0-rc2", -1], // a qualifier after `.` reads as after `-`
  ["1-1", "1-ga-1", 1], // `ga` stays before the list that follows it
  ["1.0.final-redhat", "1.0-sp1-redhat", -1], // MNG-7714
  // Numbers of any length.
  ["1.99999999999999999999", "1.99999999999999999998", 1],
  ["1.2147483648", "1.2147483647", 1],
];

describe("Maven ordering", () => {
  for (const [a, b, want] of ORDER) {
    it(`${a} vs ${b} is ${want}`, () => {
      assert.equal(Math.sign(compareMaven(a, b)), want);
      assert.equal(Math.sign(compareMaven(b, a)), -want || 0);
    });
  }

  it("orders anything without throwing", () => {
    for (const odd of ["", "-", ".", "--", "..", "-.-", "1-", "a-1-", "\u0668", "\u{1D7E4}"]) {
      assert.equal(compareMaven(odd, odd), 0);
      assert.equal(typeof compareMaven(odd, "1.0"), "number");
    }
  });

  it("takes every non-blank string as a version, as Maven does", () => {
    assert.equal(isValidMaven("1.0-anything.at_all"), true);
    assert.equal(isValidMaven("  "), false);
  });
});
