import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { compareNuget, isValidNuget } from "./nuget.js";

// [a, b, expected sign of compareNuget(a, b)]
const ORDER: [string, string, number][] = [
  ["1.0", "1.0.0.0", 0], // one to four numbers, missing ones are 0
  ["1.0.0.1", "1.0.0", 1],
  ["1.4.5.6", "1.45.6", -1],
  ["1.01", "1.1", 0], // leading zeros do not count
  ["1.0.0-BETA", "1.0.0-beta", 0], // labels ignore case
  ["1.0.0-beta+AA", "1.0.0-BETA+bb", 0], // metadata is ignored
  ["1.0.0-beta", "1.0.0", -1],
  ["1.0.0-beta.2", "1.0.0-beta.11", -1], // numeric identifiers by value
  ["1.0.0-1.50A", "1.0.0-1.9A", -1], // others in ordinal order
  ["1.0.0-2", "1.0.0-a", -1], // numbers below words
  ["1.0.0-a", "1.0.0-a.1", -1],
  [" 1.0 ", "1.0", 0],
  ["1.0.0.999999999999999999999", "1.0.0.999999999999999999998", 1],
];

describe("NuGet ordering", () => {
  for (const [a, b, want] of ORDER) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)} is ${want}`, () => {
      assert.equal(Math.sign(compareNuget(a, b)), want);
      assert.equal(Math.sign(compareNuget(b, a)), -want || 0);
    });
  }

  it("orders strings NuGet refuses as far as they read", () => {
    assert.equal(isValidNuget("1.2.3.Beta"), false);
    assert.equal(compareNuget("1.2.3.Beta", "1.2.3-beta"), 0);
    assert.equal(isValidNuget("1.2.3.4.5"), false);
    assert.equal(Math.sign(compareNuget("1.2.3.4.5", "1.2.3.4")), 1, "a fifth number still counts");
    for (const odd of ["", "-", "+", ".", "$version$", "\u00e9"]) {
      assert.equal(compareNuget(odd, odd), 0);
    }
  });

  it("keeps each number within System.Version's int", () => {
    assert.equal(isValidNuget("1.2147483647"), true);
    assert.equal(isValidNuget("1.2147483648"), false);
  });
});
