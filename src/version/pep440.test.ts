import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { comparePep440, isValidPep440, normalizePep440, parsePep440 } from "./pep440.js";
import { isValidPep440Specifier, satisfiesPep440 } from "./pep440-specifier.js";

// [a, b, expected sign of comparePep440(a, b)]
const ORDER: [string, string, number][] = [
  ["1!0.1", "2.0", 1], // the epoch comes first
  ["0!1.0", "1.0", 0], // epoch 0 is the default
  ["1.0.dev1", "1.0a1", -1], // a bare dev release precedes the pre-releases
  ["1.0a1", "1.0b1", -1],
  ["1.0b1", "1.0rc1", -1],
  ["1.0c1", "1.0rc1", 0], // c is rc
  ["1.0rc1", "1.0", -1],
  ["1.0", "1.0.post1", -1],
  ["1.0.post1.dev1", "1.0.post1", -1], // a dev release of a post release
  ["1.0a1.post1", "1.0a2", -1],
  ["1.0", "1.0.0.0", 0], // trailing zeros do not count
  ["1.0", "1.0+local", -1], // a local version follows its public one
  ["1.0+abc", "1.0+1", -1], // numbers above words in local parts
  ["1.0+1.abc", "1.0+1.1", -1],
  ["1.0+1", "1.0+1.0", -1], // more local segments win on a tie
  ["1.0.post1", "1.0.1", -1],
  ["1.10", "1.9", 1], // numbers, not text
  ["99999999999999999999.0", "99999999999999999998.0", 1],
];

// Spellings PEP 440 accepts and the normal form it prints for each.
const SPELLINGS: [string, string][] = [
  ["1.0-rc1", "1.0rc1"],
  ["1.0.RC.1", "1.0rc1"],
  ["1.0-c1", "1.0rc1"],
  ["1.0alpha2", "1.0a2"],
  ["1.0-beta", "1.0b0"],
  ["1.0.preview-3", "1.0rc3"],
  ["1.0.post", "1.0.post0"],
  ["1.0-5", "1.0.post5"],
  ["1.0-r5", "1.0.post5"],
  ["1.0_rev_5", "1.0.post5"],
  ["1.0-dev", "1.0.dev0"],
  ["v1.0", "1.0"],
  ["V1.0", "1.0"],
  ["  1.0\n", "1.0"],
  ["00!01.002", "1.2"],
  ["1!2.0", "1!2.0"],
  ["1.0+Ubuntu-1_2", "1.0+ubuntu.1.2"],
  ["1.0+05", "1.0+5"],
  ["1.0A1.POST2.DEV3", "1.0a1.post2.dev3"],
];

// Not PEP 440: they sort below every PEP 440 version, and among themselves
// as setuptools sorted them (LegacyVersion).
const LEGACY_ORDER: [string, string, number][] = [
  ["2.0.1rc2-git", "0.1", -1],
  ["trunk", "0.0.1", -1],
  ["0.1-bulbasaur", "0.1-charmander", -1],
  ["1.0-foo", "1.0-FOO", 0], // case does not count
  ["1.0-foo", "1.0-foo-bar", 1], // a word below "final" reads as a pre-release
  ["1.0-foo", "1.0-foo-zzz", -1], // and one above it as a post-release
  ["2013-01-21T20:33:09+0100", "2013-01-23T17:11:52+0100", -1],
  ["1.0.dev-x", "1.0-x", -1], // dev reads as `@`, below every word
  ["1.0pre-x", "1.0c-x", 0], // pre and rc read as c
];

describe("PEP 440 ordering", () => {
  for (const [a, b, want] of [...ORDER, ...LEGACY_ORDER]) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)} is ${want}`, () => {
      assert.equal(Math.sign(comparePep440(a, b)), want);
      assert.equal(Math.sign(comparePep440(b, a)), -want || 0);
    });
  }

  it("orders anything without throwing", () => {
    for (const odd of ["", " ", "!", "1!", "+", "1.0+", "..", "\u0661.\u0662", "\u{1F600}"]) {
      assert.equal(comparePep440(odd, odd), 0);
      assert.equal(comparePep440(odd, "0"), -1, `${odd} is legacy, so below 0`);
    }
  });
});

describe("PEP 440 normal form", () => {
  for (const [spelling, normal] of SPELLINGS) {
    it(`${JSON.stringify(spelling)} is ${normal}`, () => {
      const parsed = parsePep440(spelling);
      assert.ok(parsed, "accepted");
      assert.equal(normalizePep440(parsed), normal);
      assert.equal(comparePep440(spelling, normal), 0);
    });
  }

  it("refuses what PEP 440 refuses", () => {
    for (const bad of ["1.0+", "1.0.", "1..0", "1.0 a1", "a1.0", "1.0+foo+bar", "1.0+İ", "1.0-"]) {
      assert.equal(isValidPep440(bad), false, bad);
    }
  });
});

describe("PEP 440 specifiers", () => {
  // [version, specifier set, satisfies with the default pre-release rule]
  const CASES: [string, string, boolean][] = [
    ["1.5", ">=1.0,<2", true],
    ["2.0", ">=1.0, <2", false],
    ["1.4.5", "~=1.4.2", true],
    ["1.5.0", "~=1.4.2", false],
    ["2.0b1", ">=1.0", false], // pre-releases are left out by default...
    ["2.0b1", ">=2.0b1", true], // ...unless the specifier names one
    ["2.0b1", "!=2.0b1", false], // (`!=` names one only to exclude it)
    ["1.0", "", true], // an empty set admits everything
    ["1.0", "===1.0", true],
    ["1.0.0", "===1.0", false], // arbitrary equality compares strings
    ["not a version", ">=1.0", false],
  ];

  for (const [version, specifier, want] of CASES) {
    it(`${version} ${want ? "satisfies" : "does not satisfy"} ${JSON.stringify(specifier)}`, () => {
      assert.equal(satisfiesPep440(version, specifier), want);
    });
  }

  it("reads a set only when every clause is valid", () => {
    assert.equal(isValidPep440Specifier(">=1.0,<2"), true);
    assert.equal(isValidPep440Specifier(">=1.0,=>2"), false);
  });
});
