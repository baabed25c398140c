import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { combineLicenses, isSingleLicenseId, toSpdxLicense } from "./licenses.js";

describe("license strings as SPDX expressions", () => {
  const cases: [string, ReturnType<typeof toSpdxLicense>][] = [
    // Expressions that parse are kept as written (Alpine's L: fields).
    ["MIT", { expression: "MIT" }],
    ["MPL-2.0 AND MIT", { expression: "MPL-2.0 AND MIT" }],
    ["Apache-2.0 WITH LLVM-exception", { expression: "Apache-2.0 WITH LLVM-exception" }],
    ["GPL-2.0+", { expression: "GPL-2.0+" }],
    // Common spellings are corrected part by part (rpm License: tags).
    ["GPLv3+", { expression: "GPL-3.0-or-later" }],
    ["MIT License", { expression: "MIT" }],
    ["GPLv2+ and BSD", { expression: "GPL-2.0-or-later AND BSD-2-Clause" }],
    // What cannot be made an expression without guessing stays text.
    ["GPL-2.0 with exceptions", { name: "GPL-2.0 with exceptions" }],
    ["public-domain", { name: "public-domain" }],
    ["GPL-2.0-only OR Linux-syscall-note", { name: "GPL-2.0-only OR Linux-syscall-note" }],
  ];
  for (const [text, want] of cases) {
    it(JSON.stringify(text), () => assert.deepEqual(toSpdxLicense(text), want));
  }

  it("joins several expressions with AND, and keeps names apart", () => {
    assert.deepEqual(combineLicenses(["MIT", "BSD-2-Clause OR MIT"]), [
      { expression: "MIT AND (BSD-2-Clause OR MIT)" },
    ]);
    assert.deepEqual(combineLicenses(["MIT", "custom", "MIT"]), [
      { expression: "MIT" },
      { name: "custom" },
    ]);
    assert.deepEqual(combineLicenses([]), []);
  });

  it("tells a single license id from an expression", () => {
    assert.equal(isSingleLicenseId("MIT"), true);
    assert.equal(isSingleLicenseId("MIT OR Apache-2.0"), false);
    assert.equal(isSingleLicenseId("GPL-2.0+"), false);
    assert.equal(isSingleLicenseId("LicenseRef-x"), true);
  });
});
