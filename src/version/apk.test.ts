import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { apkFuzzyMatch, compareApk, isValidApk, type ApkFuzzyOp } from "./apk.js";

// Each list is in strictly ascending order.
const CHAINS: string[][] = [
  [
    "1.0_alpha",
    "1.0_beta",
    "1.0_pre",
    "1.0_rc",
    "1.0",
    "1.0_cvs",
    "1.0_svn",
    "1.0_git",
    "1.0_hg",
    "1.0_p",
  ],
  // The end of the format sorts lowest: revision < suffix < letter < number.
  ["1.0", "1.0-r1", "1.0_p1", "1.0a", "1.0.0", "1.0.1"],
  ["1.0_rc1-r5", "1.0", "1.0-r0", "1.0-r1", "1.0-r10"],
  ["2.9", "2.10", "2.10.1"],
  ["0.1.0_alpha_pre2", "0.1.0_alpha", "0.1.0_alpha1"],
  // After the first number a leading zero means a decimal fraction (apk-tools 3).
  ["1.0", "1.001", "1.01", "1.010", "1.09", "1.1"],
  ["1.0~1234", "1.0~2345", "1.0~2345-r1"],
];

const EQUAL: [string, string][] = [
  ["1.0-r0", "1.0-r0"],
  ["1.0-r", "1.0-r0"], // an empty revision number reads as 0
  ["010", "10"], // the first number is a plain number
];

const VALIDITY: [string, boolean][] = [
  ["1.2.3-r0", true],
  ["1.2.3_rc1_p2-r2", true],
  ["1.2.3~0abc-r1", true],
  ["1.2.3a", true],
  ["1.2.3-r", false],
  ["1.2.3_foo", false],
  ["1.2.3~xyz", false],
  ["1.2.3p1", false], // apk-tools 2 accepted a number after the letter; 3 does not
];

const FUZZY: [string, ApkFuzzyOp, string, boolean][] = [
  ["3.6-r1", "~", "3.6", true],
  ["3.60", "~", "3.6", false], // token prefix, not text prefix
  ["3.5.9", "<~", "3.6", true],
  ["3.6.2", ">~", "3.6", true],
];

describe("apk ordering", () => {
  for (const chain of CHAINS) {
    it(`orders ${chain.join(" < ")}`, () => {
      for (let i = 0; i + 1 < chain.length; i++) {
        const [lower = "", higher = ""] = chain.slice(i, i + 2);
        assert.equal(Math.sign(compareApk(lower, higher)), -1, `${lower} < ${higher}`);
        assert.equal(Math.sign(compareApk(higher, lower)), 1, `${higher} > ${lower}`);
      }
    });
  }

  for (const [a, b] of EQUAL) {
    it(`${a} equals ${b}`, () => assert.equal(compareApk(a, b), 0));
  }

  it("orders invalid strings without throwing", () => {
    assert.equal(Math.sign(compareApk("1.0", "1.0bc")), -1);
    assert.equal(Math.sign(compareApk("1.0-r0", "1.0-r-0")), 1); // invalid side is the lesser
    for (const odd of ["", "-", "_", "~", "a", "1..2", "1.0_", "1.0-r1-r2", "\u00e9"]) {
      assert.equal(compareApk(odd, odd), 0);
      assert.equal(typeof compareApk(odd, "1.0"), "number");
    }
  });
});

describe("apk validity", () => {
  for (const [version, want] of VALIDITY) {
    it(`${version} is ${want ? "valid" : "invalid"}`, () =>
      assert.equal(isValidApk(version), want));
  }
});

describe("apk fuzzy match", () => {
  for (const [version, op, pattern, want] of FUZZY) {
    it(`${version} ${op} ${pattern} is ${want}`, () => {
      assert.equal(apkFuzzyMatch(version, op, pattern), want);
    });
  }
});
