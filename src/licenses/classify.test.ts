import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LicenseClassifier } from "./classify.js";

const classifier = new LicenseClassifier();

// Spellings as real package metadata writes them: dpkg copyright files, rpm
// License tags, npm and PyPI fields.
const cases: [string, string][] = [
  ["MIT", "notice"],
  ["Expat", "notice"],
  ["Apache-2.0", "notice"],
  ["Apache-2.0 WITH LLVM-exception", "notice"],
  ["BSD-3-clause", "notice"],
  ["BSD-variant", "notice"],
  ["MIT-like", "notice"],
  ["GPL-2+", "restricted"],
  ["GPL-2.0-only", "restricted"],
  ["GPLv2+", "restricted"],
  ["GPL", "restricted"],
  ["LGPL-2.1+ and BSD-3-clause", "restricted"],
  ["GPL-3+ with Bison exception", "restricted"],
  ["GFDL-NIV-1.3", "restricted"],
  ["GPL-2+ or Artistic", "notice"],
  ["MPL-2.0", "reciprocal"],
  ["EPL-2.0 OR GPL-2.0-only WITH Classpath-exception-2.0", "reciprocal"],
  ["AGPL-3.0-or-later", "forbidden"],
  ["AGPL-3.0-or-later OR MIT", "notice"],
  ["MIT AND SSPL-1.0", "forbidden"],
  ["CC0-1.0", "unencumbered"],
  ["Unlicense", "unencumbered"],
  ["public-domain", "unencumbered"],
  ["public-domain-s-s-d", "unencumbered"],
  ["permissive", "permissive"],
  ["ad-hoc", "unknown"],
  ["SEE LICENSE IN LICENSE.txt", "unknown"],
];

describe("license classes", () => {
  for (const [license, cls] of cases) {
    it(`${license} is ${cls}`, () => assert.equal(classifier.classify(license), cls));
  }

  it("a package's class is its most restrictive known license", () => {
    assert.equal(classifier.classifyAll(["MIT", "GPL-2+", "ad-hoc"]), "restricted");
    assert.equal(classifier.classifyAll(["ad-hoc"]), "unknown");
    assert.equal(classifier.classifyAll([]), "unknown");
    assert.equal(classifier.classifyAll(undefined), "unknown");
  });

  it("a configured table wins over the default", () => {
    const strict = new LicenseClassifier({ forbidden: ["GPL-3.0"], notice: ["ad-hoc"] });
    assert.equal(strict.classify("GPL-3+"), "forbidden");
    assert.equal(strict.classify("ad-hoc"), "notice");
    assert.equal(strict.classify("GPL-2+"), "restricted");
  });
});
