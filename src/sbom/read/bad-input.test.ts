import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { parseSbom, readSbomFile, toInventory } from "./index.js";

const dir = mkdtempSync(path.join(tmpdir(), "vigil-bad-sbom-"));
let n = 0;
function file(content: string | Buffer): string {
  const f = path.join(dir, `sbom-${++n}`);
  writeFileSync(f, content);
  return f;
}

const cdx = (components: unknown, specVersion = "1.6") =>
  JSON.stringify({ bomFormat: "CycloneDX", specVersion, version: 1, components });

const read = (text: string) => toInventory(parseSbom(Buffer.from(text), "t.json"), "sbom:t.json");

describe("SBOMs that are not right", () => {
  const refused: [string, string, RegExp][] = [
    ["truncated JSON", '{"bomFormat": "CycloneDX", "compo', /not valid JSON/],
    ["an empty file", "", /not an SBOM vigil reads/],
    ["plain text", "hello\n", /not an SBOM vigil reads/],
    ["a JSON list", "[1, 2]", /the JSON is not an object/],
    ["some other JSON", '{"name": "x"}', /not a CycloneDX or SPDX document/],
    ["CycloneDX 2.0", cdx([], "2.0"), /CycloneDX specVersion "2.0" is not supported/],
    ["CycloneDX 1.1 (XML only)", cdx([], "1.1"), /specVersion "1.1" is not supported/],
    ["SPDX 2.1", '{"spdxVersion": "SPDX-2.1", "packages": []}', /"SPDX-2.1" is not supported/],
    ["SPDX 3", '{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}', /SPDX 3/],
    ["components that are no list", cdx({ a: 1 }), /"components" is not a list/],
    ["XML that is not CycloneDX", "<html><body/></html>", /not a CycloneDX XML document/],
    ["XML with a DOCTYPE", '<!DOCTYPE x [<!ENTITY a "aaaa">]><bom/>', /DOCTYPE/],
    ["broken XML", '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>', /XML/],
    ["an envelope of garbage", '{"payloadType": "x", "payload": "bm90IGpzb24="}', /not valid JSON/],
    [
      "tag-value with an open <text>",
      "SPDXVersion: SPDX-2.3\nPackageName: <text>a\n",
      /never closed/,
    ],
  ];
  for (const [what, text, message] of refused) {
    it(`refuses ${what} with one clear error`, () => {
      assert.throws(
        () => read(text),
        (err: Error & { code?: string }) => {
          assert.equal(err.code, "BAD_SBOM");
          assert.match(err.message, message);
          assert.doesNotMatch(err.message, /\n/);
          return true;
        },
      );
    });
  }

  it("skips components without a version or a usable purl, one warning each", () => {
    const inv = read(
      cdx([
        { type: "library", name: "ok", version: "1.0", purl: "pkg:npm/ok@1.0" },
        { type: "library", name: "noversion", purl: "pkg:npm/noversion" },
        { type: "library", name: "badpurl", version: "1", purl: "npm:badpurl@1" },
        { type: "library", name: "nopurl", version: "1" },
        { type: "library", name: "versioned-by-component", version: "2.0", purl: "pkg:npm/v" },
        null,
        42,
        { type: "file", name: "/etc/passwd" },
      ]),
    );
    assert.deepEqual(
      inv.packages.map((p) => `${p.name}@${p.version}`),
      ["ok@1.0", "v@2.0"],
    );
    assert.deepEqual(
      inv.warnings.map((w) => [w.code, /"([^"]+)"/.exec(w.message)?.[1]]),
      [
        ["SBOM_COMPONENT_SKIPPED", "noversion"],
        ["SBOM_COMPONENT_SKIPPED", "badpurl"],
        ["SBOM_COMPONENT_SKIPPED", "nopurl"],
      ],
    );
    assert.match(inv.warnings[0]?.message ?? "", /no version/);
    assert.match(inv.warnings[1]?.message ?? "", /does not parse/);
  });

  it("lists fifty warnings of a kind and counts the rest", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      name: `p${i}`,
      purl: `pkg:npm/p${i}`,
    }));
    const inv = read(cdx(many));
    assert.equal(inv.packages.length, 0);
    assert.equal(inv.warnings.length, 51);
    assert.match(inv.warnings[50]?.message ?? "", /9950 more/);
  });

  it("warns when OS packages come with no OS to match them in", () => {
    const inv = read(cdx([{ name: "bash", version: "5", purl: "pkg:deb/bash@5" }]));
    assert.equal(inv.os, undefined);
    assert.deepEqual(
      inv.warnings.map((w) => w.code),
      ["SBOM_NO_OS"],
    );
  });

  it("refuses a million components quickly, in bounded memory", async () => {
    const one = '{"type":"library","name":"p","version":"1","purl":"pkg:npm/p@1"}';
    const body = `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[${Array(1_000_000).fill(one).join(",")}]}`;
    const f = file(body);
    const before = process.memoryUsage().rss;
    await assert.rejects(readSbomFile(f), {
      code: "LIMIT_EXCEEDED",
      message: /more than 500000 components/,
    });
    // Parsing ~70 MB of JSON costs a few hundred MB; nothing is built from it.
    assert.ok(process.memoryUsage().rss - before < 2 * 1024 ** 3);

    const spdx = JSON.stringify({
      spdxVersion: "SPDX-2.3",
      packages: Array.from({ length: 1001 }, (_, i) => ({ SPDXID: `SPDXRef-${i}`, name: "p" })),
    });
    await assert.rejects(readSbomFile(file(spdx), { limits: { maxComponents: 1000 } }), {
      code: "LIMIT_EXCEEDED",
    });
  });

  it("refuses a file over the size limit before reading it", async () => {
    await assert.rejects(readSbomFile(file(cdx([])), { maxBytes: 10 }), {
      code: "LIMIT_EXCEEDED",
      message: /over the limit/,
    });
    await assert.rejects(readSbomFile(path.join(dir, "missing.json")), { code: "NOT_FOUND" });
  });

  it("walks nesting of any depth without overflowing the stack", () => {
    const depth = 20_000;
    const leaf = '{"name":"leaf","version":"1","purl":"pkg:npm/leaf@1"}';
    const open = '{"name":"c","type":"application","components":['.repeat(depth);
    const json = cdx([]).replace(
      '"components":[]',
      `"components":[${open}${leaf}${"]}".repeat(depth)}]`,
    );
    const xml =
      '<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>' +
      "<component><components>".repeat(depth) +
      "</components></component>".repeat(depth) +
      "</components></bom>";

    for (const text of [json, xml]) {
      // Read to the leaf, or refused as too deep: never a crash.
      try {
        assert.ok(read(text).packages.length <= 1);
      } catch (err) {
        assert.equal((err as { code?: string }).code, "BAD_SBOM", String(err));
      }
    }
  });
});
