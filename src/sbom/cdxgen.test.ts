import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { matchInventory } from "../match/matcher.js";
import { inventoryOf, sharedDb, testImages } from "../testing/sbom.js";
import { repoRoot } from "../testing/shared.js";
import { importFeeds, VulnDb } from "../vulndb/index.js";
import { parseSbom, toInventory } from "./read/index.js";

// cdxgen 12.8.4's SBOM of the corpus image debian-app
// (testdata/sbom/cdxgen/README.md; scripts/make-cdxgen-sbom.sh made it),
// read as any third-party SBOM, against vigil's own inventory of the image.
const cdxgenFile = path.join(repoRoot, "testdata/sbom/cdxgen/debian-app.cdx.json.gz");
const cdxgen = toInventory(
  parseSbom(gunzipSync(readFileSync(cdxgenFile)), "debian-app.cdx.json"),
  "sbom:debian-app.cdx.json",
);
const images = await testImages();
const debianApp = images.find((i) => i.name === "debian-app")?.reference as string;
const key = (p: { name: string; version: string }) => `${p.name}@${p.version}`;

describe("cdxgen's SBOM of debian-app against vigil's inventory", () => {
  it("is read whole: 324 packages, no warnings, Debian 12 from the purls' distro", () => {
    assert.equal(cdxgen.packages.length, 324);
    assert.deepEqual(cdxgen.warnings, []);
    // cdxgen writes no operating-system component; its purls say distro=debian-12.
    assert.deepEqual([cdxgen.os?.family, cdxgen.os?.release], ["debian", "12"]);
    const types = new Map<string, number>();
    for (const p of cdxgen.packages) types.set(p.type, (types.get(p.type) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(types), { deb: 225, maven: 5, npm: 94 });
  });

  it("lists every binary package vigil finds, plus their source packages", async () => {
    const vigil = await inventoryOf(debianApp);
    const debs = new Set(cdxgen.packages.filter((p) => p.type === "deb").map(key));
    const binaries = new Set(vigil.packages.map(key));
    const sources = new Set(vigil.packages.map((p) => `${p.sourceName}@${p.sourceVersion}`));

    for (const b of binaries) assert.ok(debs.has(b), `${b} missing from cdxgen's SBOM`);
    // The rest are source packages, listed as if they were installed.
    const extra = [...debs].filter((d) => !binaries.has(d));
    assert.equal(extra.length, 71);
    for (const e of extra) assert.ok(sources.has(e), `${e} is not a source package`);
    assert.ok(extra.includes("glibc@2.36-9+deb12u14"));
  });

  it("carries no source package on the binaries", async () => {
    const vigil = await inventoryOf(debianApp);
    const libc = cdxgen.packages.find((p) => p.name === "libc6");
    assert.equal(libc?.sourceName, undefined);
    // vigil knows 110 of its 148 packages come from a differently named source.
    assert.equal(vigil.packages.filter((p) => p.sourceName !== p.name).length, 110);
  });

  it("matches cdxgen's npm and Maven components; vigil's own inventory has no findings yet", async () => {
    // The shared data has no Debian 12 advisories, and vigil does not
    // catalogue npm or Maven packages in an image yet (issue 4); their
    // advisories match when an SBOM lists them, as cdxgen's does.
    const db = VulnDb.open(await sharedDb());
    const vigil = matchInventory(await inventoryOf(debianApp), db);
    const theirs = matchInventory(cdxgen, db);
    db.close();
    assert.equal(vigil.length, 0);
    const found = new Set(theirs.map((f) => `${f.package.name} ${f.id}`));
    for (const want of [
      "axios CVE-2020-28168",
      "lodash CVE-2021-23337",
      "org.yaml:snakeyaml CVE-2022-1471",
    ]) {
      assert.ok(found.has(want), `${want} not in ${[...found].join(", ")}`);
    }
    assert.ok(theirs.every((f) => f.package.type === "npm" || f.package.type === "maven"));
  });

  it("attributes a source-keyed advisory to the source entry, not the binaries", async () => {
    // A constructed advisory (not real data) in the shape Debian's OSV
    // records take, keyed by source package as Debian keys them.
    const dir = mkdtempSync(path.join(tmpdir(), "vigil-cdxgen-"));
    writeFileSync(
      path.join(dir, "VIGIL-TEST-0001.json"),
      JSON.stringify({
        id: "VIGIL-TEST-0001",
        modified: "2024-01-01T00:00:00Z",
        affected: [
          {
            package: { ecosystem: "Debian:12", name: "glibc" },
            ranges: [
              { type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.36-9+deb12u99" }] },
            ],
          },
        ],
      }),
    );
    const file = path.join(dir, "vigil.db");
    await importFeeds(file, [dir]);
    const db = VulnDb.open(file);
    const names = (inv: Parameters<typeof matchInventory>[0]) =>
      matchInventory(inv, db)
        .map((f) => f.package.name)
        .sort();

    // vigil: every binary built from glibc; cdxgen: the one "glibc" entry.
    assert.deepEqual(names(await inventoryOf(debianApp)), ["libc-bin", "libc6"]);
    assert.deepEqual(names(cdxgen), ["glibc"]);
    db.close();
  });
});
