import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Inventory, Package } from "../inventory/types.js";
import { matchInventory } from "../match/matcher.js";
import type { Finding } from "../match/types.js";
import { inventoryOf, sharedDb, testImages } from "../testing/sbom.js";
import { VulnDb } from "../vulndb/db.js";
import { parseSbom, toInventory } from "./read/index.js";
import { renderSbom, type SbomRenderOptions } from "./render.js";

// vigil's own SBOM, in every format it writes, read back and matched, must
// give exactly the findings of scanning the image itself.
const FORMATS: [string, Omit<SbomRenderOptions, "identity">][] = [
  ["CycloneDX 1.6 JSON", { format: "cyclonedx-json" }],
  ["CycloneDX 1.5 JSON", { format: "cyclonedx-json", specVersion: "1.5" }],
  ["CycloneDX 1.6 XML", { format: "cyclonedx-xml" }],
  ["SPDX 2.3 JSON", { format: "spdx-json" }],
  ["SPDX 2.3 tag-value", { format: "spdx-tag-value" }],
];

const images = await testImages();
const identity = { timestamp: new Date(0) };
let db: VulnDb;

before(async () => {
  db = VulnDb.open(await sharedDb());
});

const packageKey = (p: Package) =>
  [
    p.type,
    p.name,
    p.version,
    p.arch,
    p.sourceName,
    p.sourceVersion,
    p.dependency,
    p.purl,
    p.path,
    p.layer.index,
    p.layer.diffId,
    p.layer.digest,
  ].join(" ");

const findingKey = (f: Finding) =>
  [
    f.id,
    f.package.purl,
    f.package.layer.diffId,
    f.status,
    f.fixedVersion,
    f.severity,
    f.ecosystem,
    f.aliases.join(","),
  ].join(" ");

function readBack(inv: Inventory, opts: Omit<SbomRenderOptions, "identity">): Inventory {
  const text = renderSbom(inv, { ...opts, identity });
  return toInventory(parseSbom(Buffer.from(text), "sbom.test"), "sbom:sbom.test");
}

describe("an image scan and a scan of its SBOM give the same findings", () => {
  let total = 0;

  for (const { name, reference } of images) {
    for (const [label, opts] of FORMATS) {
      it(`${name}, ${label}`, async () => {
        const inv = await inventoryOf(reference);
        const back = readBack(inv, opts);

        // Only what the packages themselves tell comes back: another vendor's rpms.
        const fromPackages = inv.warnings.filter((w) => w.code === "THIRD_PARTY_PACKAGES");
        assert.deepEqual(back.warnings, fromPackages);
        assert.deepEqual(back.packages.map(packageKey), inv.packages.map(packageKey));
        assert.deepEqual(
          [back.os?.family, back.os?.release, back.os?.fullVersion, back.os?.codename],
          [inv.os?.family, inv.os?.release, inv.os?.fullVersion, inv.os?.codename],
        );
        const { reference: _r, ...image } = inv.image;
        const { reference: _b, ...backImage } = back.image;
        // The environment is never exported (images keep credentials there).
        const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
        assert.deepEqual(
          plain(backImage),
          plain({ ...image, config: { ...image.config, env: [] } }),
        );

        const want = matchInventory(inv, db).map(findingKey).sort();
        const got = matchInventory(back, db).map(findingKey).sort();
        assert.deepEqual(got, want);
        total += want.length;
      });
    }
  }

  it("had real findings to compare", () => {
    // The Alpine 3.4 fixture alone has dozens; the old Alpine corpus images add more.
    assert.ok(total > 100, `only ${total} findings compared`);
  });
});
