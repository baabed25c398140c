import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Inventory } from "../inventory/types.js";
import { expectedImages, referencesFor } from "../testing/corpus.js";
import { inventoryImage } from "./inventory.js";

const images = expectedImages();
const debianApp = images.find((i) => i.name === "debian-app");

/** The index of the (non-empty) layer whose history line starts so. */
function layerMade(by: string): number {
  const layers = (debianApp?.history ?? []).filter((h) => !h.empty_layer);
  return layers.findIndex((h) => h.created_by?.startsWith(by));
}

describe("language packages of debian-app", () => {
  const app = layerMade("COPY app/");
  const apt = layerMade("apt-get install");
  let inv: Inventory;

  it("reads the image", async () => {
    inv = await inventoryImage(referencesFor("debian-app")[0] as string);
    assert.deepEqual(inv.warnings, []);
    assert.deepEqual([app, apt], [1, 2]);
  });

  it("lists EXPECTED.json's npm packages, each from its file and layer", () => {
    const want = [...(debianApp?.rootfs.npm ?? []), ...(debianApp?.rootfs.npmOther ?? [])]
      .map((p) => `${p.name} ${p.version} ${p.path} ${p.path.startsWith("/app/") ? app : apt}`)
      .sort();
    const got = inv.packages
      .filter((p) => p.type === "npm")
      .map((p) => `${p.name} ${p.version} ${p.path} ${p.layer.index}`)
      .sort();
    assert.equal(want.length, 92);
    assert.deepEqual(got, want);
  });

  it("lists EXPECTED.json's Python packages from Debian's layer", () => {
    const want = (debianApp?.rootfs.python ?? []).map((p) => `${p.name} ${p.version} ${p.path}`);
    const got = inv.packages
      .filter((p) => p.type === "pypi")
      .map((p) => `${p.name} ${p.version} ${p.path.replace(/\/(METADATA|PKG-INFO)$/, "")}`);
    assert.equal(want.length, 12);
    assert.deepEqual(got.sort(), want.sort());
    for (const p of inv.packages.filter((x) => x.type === "pypi")) assert.equal(p.layer.index, apt);
  });

  it("leaves out minimist, which layer 4 deleted and its lockfile no longer lists", () => {
    assert.ok(!inv.packages.some((p) => p.name === "minimist"));
  });

  it("reports each /app package once, the installed copy, with the lock's relationship", () => {
    const appPackages = inv.packages.filter((p) => p.path.startsWith("/app/"));
    assert.ok(appPackages.every((p) => !p.declared && p.path.endsWith("/package.json")));
    const direct = appPackages.filter((p) => p.dependency === "direct").map((p) => p.name);
    assert.deepEqual(direct.sort(), ["axios", "express", "jsonwebtoken", "lodash"]);
    assert.ok(appPackages.every((p) => p.dependency !== undefined));
    // Debian's modules are no project's: nothing says how they are depended on.
    const debian = inv.packages.filter((p) => p.path.startsWith("/usr/share/nodejs/"));
    assert.ok(debian.every((p) => p.dependency === undefined));
  });

  it("keeps licenses as written and purls as the purl spec writes them", () => {
    const find = (name: string) => inv.packages.find((p) => p.name === name);
    assert.deepEqual(find("express")?.licenses, ["MIT"]);
    assert.deepEqual(find("certifi")?.licenses, ["MPL-2.0"]);
    assert.deepEqual(find("packaging")?.licenses, ["Apache Software License", "BSD License"]);
    assert.equal(find("@types/node")?.purl, "pkg:npm/%40types/node@18.18.14");
    assert.equal(find("PyYAML")?.purl, "pkg:pypi/pyyaml@6.0");
    assert.equal(find("charset-normalizer")?.purl, "pkg:pypi/charset-normalizer@3.0.1");
  });
});
