import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { compareRubygems, isValidRubygems } from "./rubygems.js";
import { satisfiesRubygems } from "./rubygems-requirement.js";

// [a, b, expected sign of compareRubygems(a, b)]
const ORDER: [string, string, number][] = [
  ["1.0.a", "1.0", -1], // a letter makes a pre-release
  ["1.0.a", "1.0.b", -1],
  ["1.0.a10", "1.0.a9", 1], // digit runs are numbers
  ["1.0.a2", "1.0.a.2", 0], // letters and digits split into segments
  ["1.0.0-1", "1", -1], // `-` starts a pre-release
  ["1.0-1", "1.0.pre.1", 0],
  ["1.2", "1.2.0.0", 0], // trailing zeros do not count
  ["5.0.0.rc2", "5.rc2", 0], // nor zeros before a pre-release
  ["1.0.A", "1.0.a", -1], // letters compare by byte: upper before lower
  ["3.10", "3.9", 1],
  ["", "0", 0], // blank is 0
  [" 1.0 ", "1.0", 0],
  ["999999999999999999999999999991", "999999999999999999999999999999", -1],
];

describe("RubyGems ordering", () => {
  for (const [a, b, want] of ORDER) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)} is ${want}`, () => {
      assert.equal(Math.sign(compareRubygems(a, b)), want);
      assert.equal(Math.sign(compareRubygems(b, a)), -want || 0);
    });
  }

  it("orders strings Gem::Version refuses by their digit and letter runs", () => {
    assert.equal(isValidRubygems("1..2"), false);
    assert.equal(compareRubygems("1..2", "1.2"), 0);
    assert.equal(isValidRubygems("junk"), false);
    assert.equal(Math.sign(compareRubygems("junk", "0")), -1);
    for (const odd of ["-", ".", "--1", "\u00e9", "1 2"]) {
      assert.equal(compareRubygems(odd, odd), 0);
    }
  });
});

describe("RubyGems requirements", () => {
  // [version, requirement, satisfied]
  const CASES: [string, string, boolean][] = [
    ["1.4.9", "~> 1.4.4", true],
    ["1.5", "~> 1.4.4", false],
    ["1.9", "~> 1.4", true],
    ["2.0", "~> 1.4", false],
    ["2.0.0.rc1", "~> 1.4", false], // `~>` compares the release part with the bound
    ["1.5.0.rc1", ">= 1.4.4, < 1.5", true],
    ["1.5.0.rc1", ">= 1.4.4, < 1.5.a", false],
    ["1.0", "= 1.0.0", true],
    ["1.0", "1.0", true], // no operator means `=`
    ["1.0", ">= junk", false], // a requirement that does not parse admits nothing
  ];

  for (const [version, requirement, want] of CASES) {
    it(`${version} ${want ? "meets" : "does not meet"} ${requirement}`, () => {
      assert.equal(satisfiesRubygems(version, requirement), want);
    });
  }
});
