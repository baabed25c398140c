import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { VigilError } from "../errors.js";
import { inventoryImage } from "../scan/inventory.js";
import { writeOciLayout, type FixtureLayer } from "../testing/oci-builder.js";

const status = (...pkgs: string[]) =>
  pkgs
    .map((p) => {
      const [name, version] = p.split("@");
      return `Package: ${name}\nStatus: install ok installed\nVersion: ${version}\nArchitecture: amd64\n`;
    })
    .join("\n");

const debianRelease = {
  name: "etc/os-release",
  content: 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n',
};

async function scan(layers: FixtureLayer[], maxLayerBytes?: number) {
  const dir = await writeOciLayout(layers);
  return inventoryImage(`oci:${dir}`, { maxLayerBytes });
}

async function scanError(layers: FixtureLayer[], maxLayerBytes?: number): Promise<VigilError> {
  const err = await scan(layers, maxLayerBytes).then(
    () => assert.fail("the scan should have failed"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof VigilError, `expected a VigilError, got ${String(err)}`);
  return err;
}

const names = (inv: Awaited<ReturnType<typeof scan>>) =>
  inv.packages.map((p) => `${p.name}@${p.version}#${p.layer.index}`);

describe("layer walking and merging", () => {
  it("attributes a package to the layer that introduced it, not the last rewrite", async () => {
    const inv = await scan([
      { entries: [debianRelease, { name: "var/lib/dpkg/status", content: status("a@1", "b@1") }] },
      { entries: [{ name: "var/lib/dpkg/status", content: status("a@1", "b@2", "c@1") }] },
    ]);
    assert.deepEqual(names(inv), ["a@1#0", "b@2#1", "c@1#1"]);
    assert.equal(inv.os?.family, "debian");
    assert.equal(inv.os?.release, "12");
  });

  it("drops what a whiteout deletes", async () => {
    const inv = await scan([
      { entries: [{ name: "var/lib/dpkg/status", content: status("a@1") }] },
      { entries: [{ name: "var/lib/dpkg/.wh.status" }] },
    ]);
    assert.deepEqual(names(inv), []);
  });

  it("hides a directory's lower contents behind an opaque marker, keeping the new ones", async () => {
    const inv = await scan([
      { entries: [{ name: "var/lib/dpkg/status.d/old", content: "Package: old\nVersion: 1\n" }] },
      {
        entries: [
          { name: "var/lib/dpkg/status.d/.wh..wh..opq" },
          { name: "var/lib/dpkg/status.d/new", content: "Package: new\nVersion: 2\n" },
        ],
      },
    ]);
    assert.deepEqual(names(inv), ["new@2#1"]);
  });

  it("drops files under a directory a later layer replaced with a symlink", async () => {
    const inv = await scan([
      { entries: [{ name: "lib/apk/db/installed", content: "P:musl\nV:1.2-r0\n\n" }] },
      { entries: [{ name: "lib/apk", type: "symlink", linkname: "/elsewhere" }] },
    ]);
    assert.deepEqual(names(inv), []);
  });

  it("reads a claimed file through a hard link in the same layer", async () => {
    const inv = await scan([
      {
        entries: [
          { name: "usr/lib/os-release", content: "ID=alpine\nVERSION_ID=3.18.9\n" },
          { name: "etc/os-release", type: "link", linkname: "usr/lib/os-release" },
        ],
      },
    ]);
    assert.equal(inv.os?.source, "/etc/os-release");
    assert.equal(inv.os?.release, "3.18");
  });

  it("fails on a symlink loop at a path vigil reads, naming the layer and entry", async () => {
    const err = await scanError([
      {
        entries: [
          { name: "etc/os-release", type: "symlink", linkname: "os-release.d/current" },
          { name: "etc/os-release.d/current", type: "symlink", linkname: "../os-release" },
        ],
      },
    ]);
    assert.equal(err.code, "SYMLINK_LOOP");
    assert.match(err.message, /layer 1: entry "\/etc\/os-release"/);
  });

  it("follows a claimed symlink to a file that was read, and warns about one that was not", async () => {
    const inv = await scan([
      {
        entries: [
          { name: "usr/lib/os-release", content: "ID=debian\nVERSION_ID=12\n" },
          { name: "etc/os-release", type: "symlink", linkname: "../usr/lib/os-release" },
          { name: "var/lib/dpkg/status", type: "symlink", linkname: "/srv/status" },
          { name: "srv/status", content: status("a@1") },
        ],
      },
    ]);
    assert.equal(inv.os?.release, "12");
    assert.deepEqual(
      inv.warnings.map((w) => [w.code, w.path]),
      [["LINK_NOT_FOLLOWED", "/var/lib/dpkg/status"]],
    );
  });

  it("warns about a database that sits under a symlinked directory", async () => {
    const inv = await scan([
      {
        entries: [
          { name: "usr/lib/apk/db/installed", content: "P:musl\nV:1.2-r0\n\n" },
          { name: "lib/apk", type: "symlink", linkname: "../usr/lib/apk" },
        ],
      },
    ]);
    assert.deepEqual(
      inv.warnings.map((w) => [w.code, w.path, w.message]),
      [
        [
          "LINK_NOT_FOLLOWED",
          "/lib/apk/db/installed",
          "reached through a symlinked directory at /usr/lib/apk/db/installed, which was not read",
        ],
      ],
    );
  });

  it("reads uncompressed layers and warns about a malformed entry without stopping", async () => {
    const bad = `${status("a@1")}\nPackage: broken\nStatus: install ok installed\n\n${status("z@9")}`;
    const inv = await scan([
      { compression: "none", entries: [{ name: "var/lib/dpkg/status", content: bad }] },
    ]);
    assert.deepEqual(names(inv), ["a@1#0", "z@9#0"]);
    assert.equal(inv.warnings.length, 1);
    assert.equal(inv.warnings[0]?.code, "MALFORMED_ENTRY");
    assert.equal(inv.warnings[0]?.path, "/var/lib/dpkg/status");
    assert.equal(inv.warnings[0]?.line, 6);
  });

  it("refuses entries that climb out with '..', naming the layer and entry", async () => {
    const err = await scanError([{ entries: [{ name: "../../vigil-escape", content: "x" }] }]);
    assert.equal(err.code, "UNSAFE_PATH");
    assert.match(err.message, /layer 1 .*"\.\.\/\.\.\/vigil-escape"/);
    assert.equal(existsSync(path.join(tmpdir(), "..", "vigil-escape")), false);
  });

  it("refuses absolute entry names and hard links that point outside", async () => {
    const abs = await scanError([{ entries: [{ name: "/etc/passwd", content: "x" }] }]);
    assert.equal(abs.code, "UNSAFE_PATH");
    const link = await scanError([
      { entries: [{ name: "etc/x", type: "link", linkname: "../../etc/shadow" }] },
    ]);
    assert.equal(link.code, "UNSAFE_PATH");
  });

  it("reports a truncated layer as corrupt", async () => {
    const big = "Package: a\nVersion: 1\n".repeat(5000);
    const err = await scanError([
      { entries: [{ name: "var/lib/dpkg/status", content: big }], truncateTo: 300 },
    ]);
    assert.equal(err.code, "CORRUPT_LAYER");
    assert.match(err.message, /layer 1/);
  });

  it("rejects a layer whose content does not match its diff_id", async () => {
    const err = await scanError([{ entries: [{ name: "a", content: "x" }], wrongDiffId: true }]);
    assert.equal(err.code, "DIGEST_MISMATCH");
  });

  it("rejects a blob altered after the manifest was written", async () => {
    const dir = await writeOciLayout([{ entries: [{ name: "a", content: "original" }] }]);
    const index = JSON.parse(await readFile(path.join(dir, "index.json"), "utf8"));
    const manifestFile = path.join(dir, "blobs/sha256", index.manifests[0].digest.slice(7));
    const manifest = JSON.parse(await readFile(manifestFile, "utf8"));
    const layerFile = path.join(dir, "blobs/sha256", manifest.layers[0].digest.slice(7));
    const bytes = await readFile(layerFile);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0xff; // inside the gzip trailer: decodes, but the digest differs
    await writeFile(layerFile, bytes);

    const err = await inventoryImage(`oci:${dir}`).then(
      () => assert.fail("should fail"),
      (e: VigilError) => e,
    );
    assert.ok(["DIGEST_MISMATCH", "CORRUPT_LAYER"].includes(err.code), err.message);
  });

  it("names the layer when its blob is missing from the layout", async () => {
    const dir = await writeOciLayout([{ entries: [{ name: "a", content: "x" }] }]);
    const index = JSON.parse(await readFile(path.join(dir, "index.json"), "utf8"));
    const manifest = JSON.parse(
      await readFile(path.join(dir, "blobs/sha256", index.manifests[0].digest.slice(7)), "utf8"),
    );
    await rm(path.join(dir, "blobs/sha256", manifest.layers[0].digest.slice(7)));
    const err = await inventoryImage(`oci:${dir}`).then(
      () => assert.fail("should fail"),
      (e: VigilError) => e,
    );
    assert.equal(err.code, "NOT_FOUND");
    assert.match(err.message, /layer 1 .*cannot be read/);
  });

  it("warns when a database path holds a fifo instead of a file", async () => {
    const dir = await writeOciLayout([
      { entries: [{ name: "var/lib/dpkg/status", type: "fifo" }] },
    ]);
    const inv = await inventoryImage(`oci:${dir}`);
    assert.deepEqual(
      inv.warnings.map((w) => [w.code, w.path]),
      [["NOT_REGULAR_FILE", "/var/lib/dpkg/status"]],
    );
  });

  it("stops a layer that expands past the size cap", async () => {
    const zeros = Buffer.alloc(2 << 20);
    const err = await scanError([{ entries: [{ name: "big", content: zeros }] }], 1 << 20);
    assert.equal(err.code, "LIMIT_EXCEEDED");
  });
});
