import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expectedImages, referencesFor } from "../testing/corpus.js";
import { inventoryImage } from "./inventory.js";

const images = expectedImages();
const listOf = (pkgs: { name: string; version: string }[]) =>
  pkgs.map((p) => `${p.name} ${p.version}`).sort();

describe("inventory of the corpus images", () => {
  for (const image of images) {
    for (const ref of referencesFor(image.name)) {
      it(`${image.name} from ${ref.split(":")[0]}`, async () => {
        const inv = await inventoryImage(ref);

        const debs = inv.packages.filter((p) => p.type === "deb");
        const apks = inv.packages.filter((p) => p.type === "apk");
        assert.deepEqual(listOf(debs), listOf(image.rootfs.dpkg));
        assert.deepEqual(listOf(apks), listOf(image.rootfs.apk));
        assert.equal(inv.os?.family, image.rootfs.os.id);
        if (!ref.startsWith("docker-archive:"))
          assert.equal(inv.image.digest, image.manifestDigest);
        assert.deepEqual(inv.warnings, []);
      });
    }
  }

  it("attributes debian-app's packages to the base layer or the apt layer", async () => {
    const base = images.find((i) => i.name === "debian-minimal");
    const [ref] = referencesFor("debian-app");
    const inv = await inventoryImage(ref as string);

    const inBase = new Set(listOf(base?.rootfs.dpkg ?? []));
    for (const p of inv.packages.filter((x) => x.type === "deb")) {
      const expectedLayer = inBase.has(`${p.name} ${p.version}`) ? 0 : 2;
      assert.equal(p.layer.index, expectedLayer, `${p.name} ${p.version}`);
      assert.equal(p.path, "/var/lib/dpkg/status");
    }
  });
});
