import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { matchInventory } from "../match/matcher.js";
import type { Finding } from "../match/types.js";
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
    const vigil = (await inventoryOf(debianApp)).packages.filter((p) => p.type === "deb");
    const debs = new Set(cdxgen.packages.filter((p) => p.type === "deb").map(key));
    const binaries = new Set(vigil.map(key));
    const sources = new Set(vigil.map((p) => `${p.sourceName}@${p.sourceVersion}`));

    for (const b of binaries) assert.ok(debs.has(b), `${b} missing from cdxgen's SBOM`);
    // The rest are source packages, listed as if they were installed.
    const extra = [...debs].filter((d) => !binaries.has(d));
    assert.equal(extra.length, 71);
    for (const e of extra) assert.ok(sources.has(e), `${e} is not a source package`);
    assert.ok(extra.includes("glibc@2.36-9+deb12u14"));
  });

  it("carries no source package on the binaries", async () => {
    const vigil = (await inventoryOf(debianApp)).packages.filter((p) => p.type === "deb");
    const libc = cdxgen.packages.find((p) => p.name === "libc6");
    assert.equal(libc?.sourceName, undefined);
    // vigil knows 110 of its 148 packages come from a differently named source.
    assert.equal(vigil.filter((p) => p.sourceName !== p.name).length, 110);
  });

  it("names the same jars, but for log4j 1.2, which has only a manifest", async () => {
    const maven = (inv: { packages: { type: string; name: string; version: string }[] }) =>
      inv.packages
        .filter((p) => p.type === "maven")
        .map(key)
        .sort();
    const ours = maven(await inventoryOf(debianApp));
    const theirs = maven(cdxgen);

    const both = ours.filter((p) => theirs.includes(p));
    assert.equal(both.length, 4);
    // cdxgen guesses from the bundle name and file name; vigil takes the
    // manifest's Implementation-Title, which gives the artifact's real name.
    assert.deepEqual(
      [ours.filter((p) => !both.includes(p)), theirs.filter((p) => !both.includes(p))],
      [["log4j:log4j@1.2.17"], ["org.apache.log4j:log4j-1.2@1.2.17"]],
    );
  });

  it("finds vigil's npm advisories in cdxgen's SBOM, and two of a removed package", async () => {
    // The shared data has no Debian 12 advisories, so only language packages match.
    const db = VulnDb.open(await sharedDb());
    const key = (f: Finding) => `${f.package.type}/${f.package.name}@${f.package.version} ${f.id}`;
    const vigil = matchInventory(await inventoryOf(debianApp), db).map(key);
    const theirs = matchInventory(cdxgen, db).map(key);
    db.close();
    const npm = (keys: string[]) => [...new Set(keys.filter((k) => k.startsWith("npm/")))].sort();
    assert.ok(npm(vigil).length >= 20);
    // cdxgen lists minimist, which layer 4 removed (whiteout): its two CVEs are its only extra.
    const extra = npm(theirs).filter((k) => !npm(vigil).includes(k));
    assert.deepEqual(extra, [
      "npm/minimist@1.2.0 CVE-2020-7598",
      "npm/minimist@1.2.0 CVE-2021-44906",
    ]);
    assert.deepEqual(
      npm(vigil).filter((k) => !npm(theirs).includes(k)),
      [],
    );
    // vigil leaves python3-requests & co. to Debian (their files are the debs'); cdxgen's
    // SBOM names no owner, so their upstream advisories match there.
    assert.ok(!vigil.some((k) => k.startsWith("pypi/")));
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
