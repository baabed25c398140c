import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import type { Inventory, Package } from "../inventory/types.js";
import { renderJson } from "../report/json.js";
import { inventoryImage } from "../scan/inventory.js";
import { writeOciLayout } from "../testing/oci-builder.js";
import { repoRoot, sharedData } from "../testing/shared.js";
import { importFeeds, VulnDb } from "../vulndb/index.js";
import { matchInventory } from "./matcher.js";
import { osEcosystems } from "./targets.js";

// Images built here from real parts: the real AlmaLinux, Chainguard and
// Wolfi advisories of shared/data/osv/other-distros, real os-release files,
// the real CentOS 7 rpm databases, and an AlmaLinux 8 rpm database made by
// rpm itself (scripts/make-rpm-alma-fixture.sh, testdata/rpm/README.md).
const osRelease = (file: string) =>
  readFileSync(path.join(repoRoot, "testdata", "os-release", file));
const gunzip = (file: string) => gunzipSync(readFileSync(file));
const ALMA_DB = gunzip(path.join(repoRoot, "testdata", "rpm", "alma8-fixture.rpmdb.sqlite.gz"));

async function image(osReleaseFile: string, dbPath: string, db: Buffer): Promise<Inventory> {
  const dir = await writeOciLayout([
    { entries: [{ name: "etc/os-release", content: osRelease(osReleaseFile) }] },
    { entries: [{ name: dbPath, content: db }] },
  ]);
  return inventoryImage(`oci:${dir}`);
}

/** `package advisory-or-alias fixed` for every finding, sorted. */
function rows(inv: Inventory, db: VulnDb): string[] {
  return matchInventory(inv, db)
    .map((f) => {
      const vendorId = [f.id, ...f.aliases].find((id) => /^(AL[BS]A|CGA)-/.test(id));
      return `${f.package.name} ${vendorId} ${f.fixedVersion}`;
    })
    .sort();
}

let db: VulnDb;

before(async () => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "vigil-rpm-match-")), "vigil.db");
  await importFeeds(file, [sharedData("osv", "other-distros")]);
  db = VulnDb.open(file);
});

after(() => db.close());

describe("an AlmaLinux 8 image with an rpm database", () => {
  let alma8: Inventory;
  before(async () => {
    alma8 = await image("almalinux-8.4.os-release", "var/lib/rpm/rpmdb.sqlite", ALMA_DB);
  });

  it("finds exactly the AlmaLinux 8 advisories below their fixes, by binary name", () => {
    assert.deepEqual(rows(alma8, db), [
      "krb5-libs ALBA-2021:4378 1.18.2-14.el8",
      "mariadb ALSA-2023:5259 3:10.3.39-1.module_el8.8.0+3609+204d4ab0",
    ]);
    // Not there: krb5-workstation and mariadb-server sit at their fixes;
    // libtiff and avahi-libs are below fixes only AlmaLinux 9 advisories name.
  });

  it("flags the EPEL-built package, warns, and leaves it out of matching", () => {
    const flagged = alma8.packages.filter((p) => p.thirdParty).map((p) => p.name);
    assert.deepEqual(flagged, ["python3-requests"]);
    const warning = alma8.warnings.find((w) => w.code === "THIRD_PARTY_PACKAGES");
    assert.match(
      warning?.message ?? "",
      /1 rpm package\(s\) from vendor "Fedora Project".*python3-requests/,
    );
    assert.equal(warning?.path, "/var/lib/rpm/rpmdb.sqlite");

    // The same package from AlmaLinux itself is below ALSA-2023:4520's fix.
    const own = alma8.packages.map((p) => (p.thirdParty ? { ...p, thirdParty: undefined } : p));
    assert.ok(
      rows({ ...alma8, packages: own }, db).includes(
        "python3-requests ALSA-2023:4520 2.20.0-3.el8_8",
      ),
    );
  });

  it("keeps module streams apart: another stream's or a non-modular mariadb is not reported", () => {
    const mariadb = alma8.packages.find((p) => p.name === "mariadb") as Package;
    const label = mariadb.metadata?.modularitylabel as string;
    assert.equal(label, "mariadb:10.3:8030020210405123612:9edba152");

    // The same build, relabelled: its version alone is below the 10.3 fix.
    const variants: Package[] = [
      {
        ...mariadb,
        metadata: { ...mariadb.metadata, modularitylabel: label.replace("10.3", "10.5") },
      },
      {
        ...mariadb,
        version: "3:10.3.28-1.el8",
        metadata: { ...mariadb.metadata, modularitylabel: "" },
      },
    ];
    for (const variant of variants) {
      assert.deepEqual(rows({ ...alma8, packages: [variant] }, db), [], variant.version);
    }
  });

  it("reports the release, its end of life and the third-party flag in JSON", () => {
    const report = JSON.parse(renderJson({ inventory: alma8, findings: [] }, []));
    assert.deepEqual(
      [report.os.family, report.os.release, report.os.fullVersion, report.os.eol],
      ["almalinux", "8", "8.4", { date: "2029-03-01" }],
    );
    const requests = report.packages.find((p: { name: string }) => p.name === "python3-requests");
    assert.equal(requests.thirdParty, true);
    const mariadb = report.packages.find((p: { name: string }) => p.name === "mariadb");
    assert.equal(mariadb.thirdParty, undefined);
    assert.equal(
      mariadb.purl,
      "pkg:rpm/almalinux/mariadb@10.3.28-1.module_el8.3.0+2177+7adc332a" +
        "?arch=x86_64&distro=almalinux-8.4&epoch=3",
    );
  });
});

describe("the same rpm database under AlmaLinux 9", () => {
  it("takes the AlmaLinux 9 advisories and none of AlmaLinux 8's", async () => {
    const alma9 = await image("almalinux-9.4.os-release", "var/lib/rpm/rpmdb.sqlite", ALMA_DB);
    assert.deepEqual(rows(alma9, db), [
      "avahi-libs ALSA-2024:2433 0.8-20.el9",
      "libtiff ALSA-2022:8194 4.4.0-2.el9",
    ]);
    assert.deepEqual(alma9.os?.eol, { date: "2032-06-01" }, "SUPPORT_END of its os-release");
  });
});

describe("CentOS 7 images with the real rpm databases", () => {
  for (const [format, file, dbPath] of [
    ["Berkeley DB", "centos7-plain.Packages.bdb.gz", "var/lib/rpm/Packages"],
    ["SQLite", "centos7-plain.rpmdb.sqlite.gz", "var/lib/rpm/rpmdb.sqlite"],
  ] as const) {
    it(`${format}: every package, CentOS's own, end of life, and no stray matches`, async () => {
      const inv = await image(
        "centos-7.os-release",
        dbPath,
        gunzip(sharedData("pkgdb", "rpm", file)),
      );
      assert.deepEqual(
        [inv.os?.family, inv.os?.release, inv.os?.eol],
        ["centos", "7", { date: "2024-06-30" }],
      );
      assert.equal(inv.packages.length, 144);
      assert.equal(inv.packages.filter((p) => p.thirdParty).length, 0);
      assert.deepEqual(inv.warnings, []);

      const bash = inv.packages.find((p) => p.name === "bash");
      assert.equal(bash?.purl, "pkg:rpm/centos/bash@4.2.46-30.el7?arch=x86_64&distro=centos-7");
      // Red Hat's advisories would apply; the shared data holds none.
      assert.deepEqual(
        osEcosystems(inv.os, () => db.ecosystems()),
        [],
      );
      assert.deepEqual(matchInventory(inv, db), []);
    });
  }
});

describe("Chainguard and Wolfi images", () => {
  // An apk database in the shape apk writes (P, V, A, o), with versions
  // below, at and around the real CGA records' fixes.
  const installed = [
    ["haproxy-2.2", "2.2.33-r0"],
    ["haproxy-3.0", "3.0.9-r0"],
    ["langfuse-3-worker", "3.152.0-r0"],
    ["syncthing-compat", "2.0.13-r0"],
    ["syncthing", "2.0.14-r1"],
  ]
    .map(([name, version]) => `P:${name}\nV:${version}\nA:x86_64\no:${name}\n`)
    .join("\n");

  const apkImage = async (osReleaseFile: string) => {
    const dir = await writeOciLayout([
      {
        entries: [
          { name: "etc/os-release", content: osRelease(osReleaseFile) },
          { name: "lib/apk/db/installed", content: installed },
        ],
      },
    ]);
    return inventoryImage(`oci:${dir}`);
  };

  it("matches a Chainguard image against Chainguard's and Wolfi's entries", async () => {
    assert.deepEqual(rows(await apkImage("chainguard.os-release"), db), [
      "haproxy-2.2 CGA-224q-ccj5-2p53 2.2.34-r0",
      "haproxy-3.0 CGA-224q-ccj5-2p53 3.0.10-r0",
      "langfuse-3-worker CGA-22hv-wp9q-4779 3.153.0-r0",
    ]);
    // syncthing-compat is "fixed" at 0: never affected; syncthing is at its fix.
  });

  it("matches a Wolfi image against Wolfi's entries only", async () => {
    assert.deepEqual(rows(await apkImage("wolfi.os-release"), db), [
      "haproxy-3.0 CGA-224q-ccj5-2p53 3.0.10-r0",
      "langfuse-3-worker CGA-22hv-wp9q-4779 3.153.0-r0",
    ]);
  });
});

describe("Ubuntu Pro (ESM) packages", () => {
  it("matches a +esm build against Ubuntu:Pro:<release>:LTS, below and at the fix", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "vigil-esm-")), "vigil.db");
    const record = "esm-cases-UBUNTU-CVE-2022-24823.json";
    await importFeeds(file, [sharedData("osv", "Ubuntu", "samples", record)]);
    const esm = VulnDb.open(file);

    const layer = { index: 0, diffId: "sha256:0" };
    const netty = (version: string) =>
      ({
        type: "deb",
        name: "libnetty-java",
        version,
        sourceName: "netty",
        sourceVersion: version,
        layer,
        path: "/var/lib/dpkg/status",
        purl: "pkg:deb/ubuntu/libnetty-java",
      }) as Package;
    const inv: Inventory = {
      image: {
        reference: "test",
        digest: "sha256:0",
        configDigest: "sha256:0",
        platform: { os: "linux", architecture: "amd64" },
        tags: [],
        layers: [layer],
        config: { env: [], exposedPorts: [], labels: {}, healthcheck: false },
      },
      os: { family: "ubuntu", release: "18.04", source: "/etc/os-release" },
      packages: ["1:4.1.7-4ubuntu0.1+esm2", "1:4.1.7-4ubuntu0.1+esm3"].map(netty),
      warnings: [],
    };
    const findings = matchInventory(inv, esm);
    esm.close();

    assert.deepEqual(
      findings.map((f) => [f.package.version, f.id, f.fixedVersion, f.ecosystem]),
      [
        [
          "1:4.1.7-4ubuntu0.1+esm2",
          "CVE-2022-24823",
          "1:4.1.7-4ubuntu0.1+esm3",
          "Ubuntu:Pro:18.04:LTS",
        ],
      ],
    );
  });
});
