import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { compareDpkg, isValidDpkg } from "./dpkg.js";

// [a, b, expected sign of compareDpkg(a, b)]
const ORDER: [string, string, number][] = [
  ["1.0~rc1", "1.0", -1], // `~` sorts before the end
  ["1.0~~", "1.0~", -1],
  ["1.0~rc1", "1.0~~rc1", 1],
  ["1.0+b1", "1.0", 1],
  ["1.0a", "1.0", 1], // any letter sorts after the end
  ["1.0.", "1.0a", 1], // letters before non-letters
  ["1.0-1", "1.0-01", 0], // leading zeros ignored
  ["1.0", "1.0-0", 0], // absent revision is "0"
  [" 1.0 ", "1.0", 0], // surrounding space ignored, as dpkg does
  ["1:0.1", "9.9", 1], // epoch dominates
  ["10:0.1", "2:9.9", 1], // epochs compare as numbers, not text
  ["1.2.3-0ubuntu1", "1.2.3-0ubuntu1.1", -1],
  ["1.1.1n-0+deb11u4", "1.1.1w-0+deb11u1", -1],
  ["2.36-9+deb12u3", "2.36-9+deb12u10", -1],
  // Beyond 2^53 a float would call these equal.
  ["1.9007199254740993", "1.9007199254740992", 1],
];

const VALIDITY: [string, boolean][] = [
  ["1.0", true],
  ["1:1.0-1", true],
  [" 1.0 ", true],
  ["1.0-", false],
  ["a1.0", false],
  ["1.0-1_2", false],
  ["2147483648:1.0", false], // epoch beyond dpkg's int
];

describe("dpkg ordering", () => {
  for (const [a, b, want] of ORDER) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)} is ${want}`, () => {
      assert.equal(Math.sign(compareDpkg(a, b)), want);
      assert.equal(Math.sign(compareDpkg(b, a)), -want || 0);
    });
  }

  it("orders strings dpkg rejects without throwing", () => {
    for (const odd of ["", ":", "-", "a:b-c", "1.0-", "0:", "1::2", "\u00e9", "1.0 2"]) {
      assert.equal(compareDpkg(odd, odd), 0);
      assert.equal(typeof compareDpkg(odd, "1.0"), "number");
    }
  });
});

describe("dpkg validity", () => {
  for (const [version, want] of VALIDITY) {
    it(`${JSON.stringify(version)} is ${want ? "valid" : "invalid"}`, () => {
      assert.equal(isValidDpkg(version), want);
    });
  }
});
