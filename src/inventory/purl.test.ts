import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { purlFor } from "./purl.js";
import type { PackageRecord } from "./types.js";

describe("language package purls", () => {
  const cases: [PackageRecord["type"], string, string, string][] = [
    ["npm", "express", "4.17.1", "pkg:npm/express@4.17.1"],
    // The purl spec: an npm scope is the namespace, its `@` percent-encoded.
    ["npm", "@types/node", "18.18.14", "pkg:npm/%40types/node@18.18.14"],
    // PyPI names are lower-cased with `_` as `-`.
    ["pypi", "PyYAML", "6.0", "pkg:pypi/pyyaml@6.0"],
    ["pypi", "charset_normalizer", "3.0.1", "pkg:pypi/charset-normalizer@3.0.1"],
    ["gem", "rack", "2.2.22", "pkg:gem/rack@2.2.22"],
    // Composer's vendor is the namespace; both are lower-cased.
    ["composer", "guzzlehttp/psr7", "1.8.3", "pkg:composer/guzzlehttp/psr7@1.8.3"],
    ["nuget", "Newtonsoft.Json", "12.0.3", "pkg:nuget/Newtonsoft.Json@12.0.3"],
  ];
  for (const [type, name, version, want] of cases) {
    it(`${type} ${name}`, () => {
      assert.equal(purlFor({ type, name, version }, undefined), want);
    });
  }
});
