import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Inventory, Package } from "../inventory/types.js";
import { sharedData } from "../testing/shared.js";
import { tempDir } from "../testing/tmp.js";
import { importFeeds, VulnDb } from "../vulndb/index.js";
import { matchInventory } from "./matcher.js";

// debian-app's old npm dependencies (EXPECTED.md names their CVEs), matched
// against the real GitHub advisories kept in the shared data.
const APP: [string, string, string[]][] = [
  ["axios", "0.21.0", ["CVE-2020-28168", "CVE-2021-3749", "CVE-2023-45857"]],
  ["body-parser", "1.19.0", ["CVE-2024-45590"]],
  ["express", "4.17.1", ["CVE-2024-29041", "CVE-2024-43796"]],
  [
    "follow-redirects",
    "1.13.0",
    ["CVE-2022-0155", "CVE-2022-0536", "CVE-2023-26159", "CVE-2024-28849"],
  ],
  ["jsonwebtoken", "8.5.1", ["CVE-2022-23539", "CVE-2022-23540", "CVE-2022-23541"]],
  ["lodash", "4.17.15", ["CVE-2020-28500", "CVE-2020-8203", "CVE-2021-23337"]],
  ["path-to-regexp", "0.1.7", ["CVE-2024-45296"]],
  ["qs", "6.7.0", ["CVE-2022-24999"]],
  ["send", "0.17.1", ["CVE-2024-43799"]],
  ["serve-static", "1.14.1", ["CVE-2024-43800"]],
];

const layer = { index: 1, diffId: "sha256:1" };
const pkg = (type: Package["type"], name: string, version: string, more: Partial<Package> = {}) =>
  ({
    type,
    name,
    version,
    layer,
    path: `/app/node_modules/${name}/package.json`,
    purl: `pkg:${type}/${name}@${version}`,
    ...more,
  }) as Package;

const inventoryOf = (packages: Package[]): Inventory =>
  ({ image: { layers: [layer] }, packages, warnings: [] }) as unknown as Inventory;

describe("matching language packages against their ecosystems' advisories", () => {
  let db: VulnDb;
  before(async () => {
    const file = path.join(tempDir("vigil-lang-"), "vigil.db");
    await importFeeds(file, [
      sharedData("osv", "npm"),
      sharedData("osv", "PyPI"),
      sharedData("osv", "Go"),
      sharedData("osv", "Maven"),
    ]);
    db = VulnDb.open(file);
  });
  after(() => db.close());

  it("finds the CVEs EXPECTED.md lists for debian-app's npm packages, with no OS detected", () => {
    const found = matchInventory(inventoryOf(APP.map(([n, v]) => pkg("npm", n, v))), db);
    for (const [name, , cves] of APP) {
      const ids = found.filter((f) => f.package.name === name).flatMap((f) => [f.id, ...f.aliases]);
      for (const cve of cves)
        assert.ok(ids.includes(cve), `${name}: ${cve} not in ${ids.join(" ")}`);
    }
    assert.ok(found.every((f) => f.ecosystem === "npm"));
  });

  it("finds nothing at or past the fix", () => {
    const fixed = matchInventory(
      inventoryOf([pkg("npm", "lodash", "4.17.21"), pkg("npm", "qs", "6.7.3")]),
      db,
    );
    assert.deepEqual(
      fixed.map((f) => `${f.package.name} ${f.id}`),
      [],
    );
  });

  it("leaves a package an OS package installed to the distribution, unless asked", () => {
    const owned = pkg("pypi", "requests", "2.28.1", {
      path: "/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO",
      ownedBy: {
        type: "deb",
        name: "python3-requests",
        version: "2.28.1+dfsg-1",
        purl: "pkg:deb/debian/python3-requests",
      },
    });
    assert.deepEqual(matchInventory(inventoryOf([owned]), db), []);
    const upstream = matchInventory(inventoryOf([owned]), db, { matchOsOwned: true });
    const ids = upstream.flatMap((f) => [f.id, ...f.aliases]);
    assert.ok(ids.includes("CVE-2023-32681"), ids.join(" "));
  });

  it("matches Go modules without the v and the toolchain as stdlib", () => {
    const found = matchInventory(
      inventoryOf([
        pkg("golang", "stdlib", "1.19.8"),
        pkg("golang", "github.com/junegunn/fzf", "(devel)"),
      ]),
      db,
    );
    const ids = found.flatMap((f) => [f.id, ...f.aliases]);
    for (const cve of ["CVE-2023-24539", "CVE-2023-29400", "CVE-2023-39325", "CVE-2023-45288"]) {
      assert.ok(ids.includes(cve), cve);
    }
    assert.ok(found.every((f) => f.package.name === "stdlib"));
  });

  it("matches Maven coordinates", () => {
    const found = matchInventory(
      inventoryOf([
        pkg("maven", "com.fasterxml.jackson.core:jackson-databind", "2.14.0"),
        pkg("maven", "org.yaml:snakeyaml", "1.33"),
      ]),
      db,
    );
    const ids = found.flatMap((f) => [f.id, ...f.aliases]);
    assert.ok(ids.includes("CVE-2022-1471"), ids.join(" "));
  });
});
