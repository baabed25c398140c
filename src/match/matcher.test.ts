import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import type { Inventory, OsInfo, Package } from "../inventory/types.js";
import { inventoryImage } from "../scan/inventory.js";
import { writeOciLayout } from "../testing/oci-builder.js";
import { sharedData } from "../testing/shared.js";
import { apkScheme } from "../version/apk.js";
import { importFeeds, VulnDb } from "../vulndb/index.js";
import { matchInventory } from "./matcher.js";
import { tempDir } from "../testing/tmp.js";

async function dbOf(...inputs: string[]): Promise<VulnDb> {
  const file = path.join(tempDir("vigil-match-"), "vigil.db");
  await importFeeds(file, inputs);
  return VulnDb.open(file);
}

function inventoryOf(os: OsInfo, packages: Partial<Package>[]): Inventory {
  const layer = { index: 0, diffId: "sha256:0" };
  return {
    image: {
      reference: "test",
      digest: "sha256:0",
      configDigest: "sha256:0",
      platform: { os: "linux", architecture: "amd64" },
      tags: [],
      layers: [layer],
      config: { env: [], exposedPorts: [], labels: {}, healthcheck: false },
    },
    os,
    packages: packages.map((p) => ({
      type: "deb",
      name: "x",
      version: "0",
      layer,
      path: "/var/lib/dpkg/status",
      purl: "pkg:deb/x",
      ...p,
    })) as Package[],
    warnings: [],
  };
}

describe("matching an old Alpine image against its release's secdb", () => {
  // A real Alpine 3.4-era apk database (with one broken entry) and the real
  // 3.4 os-release, packed as an image; matched against the real v3.4 secdb.
  const secdb = sharedData("feeds", "alpine-secdb", "v3.4");

  it("lists the CVEs fixed after the installed versions, and nothing at or past a fix", async () => {
    const dir = await writeOciLayout([
      {
        entries: [
          {
            name: "etc/os-release",
            content: readFileSync(
              sharedData("pkgdb", "os-release", "claircore", "alpine", "3.4", "etc", "os-release"),
            ),
          },
          {
            name: "lib/apk/db/installed",
            content: readFileSync(sharedData("pkgdb", "apk", "trivy-apk-testdata.installed")),
          },
        ],
      },
    ]);
    const inventory = await inventoryImage(`oci:${dir}`);
    const db = await dbOf(path.join(secdb, "main.json"), path.join(secdb, "community.json"));
    const findings = matchInventory(inventory, db);
    db.close();

    const got = new Set(findings.map((f) => `${f.package.name} ${f.id} ${f.fixedVersion}`));
    // Read by hand from v3.4/main.json against the installed versions:
    for (const row of [
      "musl CVE-2016-8859 1.1.14-r13",
      "musl CVE-2017-15650 1.1.14-r16",
      "musl-utils CVE-2016-8859 1.1.14-r13",
      "busybox CVE-2016-6301 1.24.2-r12",
      "busybox CVE-2017-16544 1.24.2-r13",
      "libcrypto1.0 CVE-2016-2180 1.0.2h-r2",
      "zlib CVE-2016-9840 1.2.11-r0",
    ]) {
      assert.ok(got.has(row), `missing: ${row}`);
    }
    for (const absent of [
      "busybox CVE-2016-2147",
      "libcrypto1.0 CVE-2016-2177",
      "libcrypto1.0 CVE-2016-2107",
    ]) {
      assert.ok(
        ![...got].some((g) => g.startsWith(absent)),
        `fixed at or below the installed version: ${absent}`,
      );
    }

    for (const f of findings) {
      assert.equal(f.status, "fixed");
      assert.ok(
        apkScheme.compare(f.package.version, f.fixedVersion as string) < 0,
        `${f.package.name} ${f.id}`,
      );
      assert.equal(f.ecosystem, "Alpine:v3.4");
      assert.deepEqual(f.sources, ["alpine-secdb:v3.4/main"]);
    }
    assert.equal(inventory.warnings.length, 1, "the broken apk entry is a warning, not an error");
  });
});

describe("matching Debian and Ubuntu packages by source package", () => {
  const ubuntu: OsInfo = { family: "ubuntu", release: "18.04", source: "/etc/os-release" };

  it("merges a USN and its UBUNTU-CVE record into one finding under the CVE id", async () => {
    const db = await dbOf(sharedData("osv", "Ubuntu", "all.zip"));
    const inv = inventoryOf(ubuntu, [
      {
        name: "libwayland-client0",
        version: "1.16.0-1ubuntu1",
        sourceName: "wayland",
        sourceVersion: "1.16.0-1ubuntu1",
      },
      {
        name: "libwayland-server0",
        version: "1.16.0-1ubuntu1.1~18.04.4",
        sourceName: "wayland",
        sourceVersion: "1.16.0-1ubuntu1.1~18.04.4",
      },
    ]);
    const findings = matchInventory(inv, db);
    db.close();

    assert.equal(findings.length, 1, JSON.stringify(findings.map((f) => [f.package.name, f.id])));
    const [f] = findings;
    assert.equal(f?.package.name, "libwayland-client0");
    assert.equal(f?.id, "CVE-2021-3782");
    assert.deepEqual(f?.aliases, ["UBUNTU-CVE-2021-3782", "USN-5614-1"]);
    assert.equal(f?.fixedVersion, "1.16.0-1ubuntu1.1~18.04.4");
    assert.equal(f?.ecosystem, "Ubuntu:18.04:LTS");
  });

  it("matches a Debian binary package through its source name and version (DSA-3029-1)", async () => {
    const db = await dbOf(sharedData("osv", "Debian", "all.zip"));
    const wheezy: OsInfo = { family: "debian", release: "7", source: "/etc/os-release" };
    const inv = inventoryOf(wheezy, [
      {
        name: "nginx-full",
        version: "1.2.1-2.2+wheezy2",
        sourceName: "nginx",
        sourceVersion: "1.2.1-2.2+wheezy2",
      },
      {
        name: "nginx-common",
        version: "1.2.1-2.2+wheezy3",
        sourceName: "nginx",
        sourceVersion: "1.2.1-2.2+wheezy3",
      },
      {
        name: "nginx",
        version: "1.2.1-2.2+wheezy2",
        sourceName: "other",
        sourceVersion: "1.2.1-2.2+wheezy2",
      },
    ]);
    const findings = matchInventory(inv, db);
    const other = matchInventory(inventoryOf({ ...wheezy, release: "12" }, inv.packages), db);
    db.close();

    assert.deepEqual(
      findings.map((x) => [x.package.name, x.id, x.aliases, x.fixedVersion]),
      [["nginx-full", "CVE-2014-3616", ["DSA-3029-1"], "1.2.1-2.2+wheezy3"]],
    );
    assert.deepEqual(other, [], "a Debian 7 advisory does not apply to Debian 12");
  });
});
