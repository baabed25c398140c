import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { schemeForEcosystem, schemeForRangeType } from "./index.js";

// [OSV ecosystem string, expected scheme name or undefined]
const ECOSYSTEMS: [string, string | undefined][] = [
  ["Debian", "dpkg"],
  ["Debian:12", "dpkg"],
  ["Ubuntu:22.04:LTS", "dpkg"],
  ["Ubuntu:Pro:18.04:LTS", "dpkg"],
  ["Alpine", "apk"],
  ["Alpine:v3.18", "apk"],
  ["npm", "npm-semver"],
  ["crates.io", "semver"],
  ["Go", "go"],
  ["Hex", "semver"],
  ["PyPI", "pep440"],
  ["Maven", "maven"],
  ["RubyGems", "rubygems"],
  ["NuGet", "nuget"],
  ["Packagist", "composer"],
  ["Pub", undefined], // no Dart ordering yet
  ["debian", undefined], // ecosystem names are case-sensitive
  ["", undefined],
];

describe("schemeForEcosystem", () => {
  for (const [ecosystem, want] of ECOSYSTEMS) {
    it(`${JSON.stringify(ecosystem)} uses ${want ?? "no scheme yet"}`, () => {
      assert.equal(schemeForEcosystem(ecosystem)?.name, want);
    });
  }
});

describe("schemeForRangeType", () => {
  it("uses SemVer for SEMVER ranges whatever the ecosystem", () => {
    assert.equal(schemeForRangeType("SEMVER", "PyPI")?.name, "semver");
    assert.equal(schemeForRangeType("SEMVER", "Debian:12")?.name, "semver");
    assert.equal(schemeForRangeType("SEMVER", "Pub")?.name, "semver");
  });

  it("uses Go's SemVer, which reads toolchain versions, for Go's SEMVER ranges", () => {
    const scheme = schemeForRangeType("SEMVER", "Go");
    assert.equal(scheme?.name, "go");
    assert.equal(scheme?.compare("go1.21rc2", "1.21.0-rc.2"), 0);
  });

  it("uses the ecosystem's ordering for ECOSYSTEM ranges", () => {
    assert.equal(schemeForRangeType("ECOSYSTEM", "Debian:12")?.name, "dpkg");
    assert.equal(schemeForRangeType("ECOSYSTEM", "PyPI")?.name, "pep440");
    assert.equal(schemeForRangeType("ECOSYSTEM", "Pub"), undefined);
  });
});
