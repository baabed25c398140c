import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { canonicalGo, compareGo, isValidGo } from "./go.js";

// [a, b, expected sign of compareGo(a, b)]
const ORDER: [string, string, number][] = [
  ["v1.2.3", "1.2.3", 0], // OSV writes Go versions without the v
  ["v1", "v1.0.0", 0], // shorthands
  ["v1.2", "1.2.0", 0],
  ["v1.2.3-pre", "v1.2.3", -1],
  ["v2.0.0+incompatible", "v2.0.0", 0], // build metadata is ignored
  ["v2.0.1+incompatible", "v2.0.0+incompatible", 1],
  // Pseudo-versions: no tag yet, after a release, after a pre-release.
  ["v0.0.0-20200101000000-abcdef123456", "v0.0.0", -1],
  ["v0.0.0-20200101000000-abcdef123456", "v0.0.0-20210101000000-123456abcdef", -1],
  ["v1.2.4-0.20200101000000-abcdef123456", "v1.2.3", 1],
  ["v1.2.4-0.20200101000000-abcdef123456", "v1.2.4-alpha", -1],
  ["v1.2.4-0.20200101000000-abcdef123456", "v1.2.4", -1],
  ["v1.2.3-pre.0.20200101000000-abcdef123456", "v1.2.3-pre", 1],
  ["v1.2.3-pre.0.20200101000000-abcdef123456", "v1.2.3-pre.1", -1],
  // The Go toolchain and standard library, as Go binaries report them.
  ["go1.19.8", "1.19.8", 0],
  ["go1.19.8", "go1.19.10", -1],
  ["go1.21rc2", "1.21.0-rc.2", 0],
  ["1.21rc2", "go1.21.0", -1],
  ["go1.18beta1", "go1.18rc1", -1],
  ["go1.20", "1.20.0", 0],
  // Invalid strings are all equal, and below every valid version.
  ["bad", "(devel)", 0],
  ["bad", "v0.0.0-0", -1],
];

describe("Go ordering", () => {
  for (const [a, b, want] of ORDER) {
    it(`${a} vs ${b} is ${want}`, () => {
      assert.equal(Math.sign(compareGo(a, b)), want);
      assert.equal(Math.sign(compareGo(b, a)), -want || 0);
    });
  }

  it("reads the spellings it orders as valid", () => {
    for (const version of ["1.2.3", "go1.21rc2", "v0.0.0-20200101000000-abcdef123456"]) {
      assert.equal(isValidGo(version), true, version);
    }
    for (const version of ["v01.2.3", "v1.2-pre", "v1.2.3-01", "1.2.3.4", "(devel)", " v1.2.3"]) {
      assert.equal(isValidGo(version), false, version);
    }
  });

  it("writes the canonical form", () => {
    assert.equal(canonicalGo("1.2"), "v1.2.0");
    assert.equal(canonicalGo("go1.21rc2"), "v1.21.0-rc.2");
    assert.equal(canonicalGo("v2.0.0+incompatible"), "v2.0.0");
    assert.equal(canonicalGo("(devel)"), "");
  });
});
