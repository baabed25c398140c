import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import type { Inventory, Package } from "../inventory/types.js";
import { expectedImages, referencesFor, type ExpectedImage } from "../testing/corpus.js";
import { tempDir } from "../testing/tmp.js";
import { inventoryImage } from "./inventory.js";

// What the corpus's EXPECTED.json says is inside the images' jars and Go and
// Rust binaries, and the runtimes their Debian packages installed, against
// what vigil's language analyzers find.
const images = new Map(expectedImages().map((i) => [i.name, i]));
const at = (inv: Inventory, type: string) =>
  inv.packages
    .filter((p) => p.type === type)
    .map((p) => `${p.path} ${p.name}@${p.version}`)
    .sort();

/** `18.20.4+dfsg-1~deb12u3` → `18.20.4`. */
function upstream(image: ExpectedImage, deb: string): string {
  const version = image.rootfs.dpkg.find((p) => p.name === deb)?.version ?? "";
  return version.replace(/^\d+:/, "").replace(/[+~-].*$/, "");
}

function expectedJars(image: ExpectedImage): string[] {
  return image.rootfs.jars
    .flatMap((j) => {
      if (j.maven.length > 0)
        return j.maven.map((m) => m.split(":")).map(([g, a, v]) => `${j.path} ${g}:${a}@${v}`);
      // A manifest's one-word title is both group and artifact (log4j:log4j).
      const { title, version } = j.manifest ?? {};
      return title && version && /^[\w.-]+$/.test(title)
        ? [`${j.path} ${title}:${title}@${version}`]
        : [];
    })
    .sort();
}

function checkGo(inv: Inventory, image: ExpectedImage): void {
  const golang = inv.packages.filter((p) => p.type === "golang");
  for (const bin of image.rootfs.go) {
    const here = golang.filter((p) => p.path === bin.path);
    const stdlib = here.find((p) => p.name === "stdlib");
    assert.equal(stdlib?.version, bin.goVersion.replace(/^go/, ""), bin.path);
    assert.equal(stdlib?.metadata?.goMainPackage, bin.mainPackage);
    // No main module (GOPATH mode) and no deps: the toolchain is all there is.
    assert.equal(bin.main, null);
    assert.deepEqual(bin.deps, []);
    assert.equal(here.length, 1, bin.path);
  }
  assert.equal(golang.length, image.rootfs.go.length);
}

describe("language packages in the corpus images", () => {
  const app = images.get("debian-app") as ExpectedImage;

  for (const ref of [
    ...referencesFor("debian-app"),
    ...referencesFor("debian-app-zstd").slice(0, 1),
  ]) {
    const name = ref.includes("-zstd") ? "debian-app-zstd" : "debian-app";
    it(`${name}: jars, Go binaries, no Rust data, and the runtimes (${ref.split(":")[0]})`, async () => {
      const spillDir = tempDir("vigil-spill-");
      const inv = await inventoryImage(ref, { spillDir });

      assert.deepEqual(at(inv, "maven"), expectedJars(app));
      assert.equal(at(inv, "maven").length, 5);
      checkGo(inv, app);
      assert.deepEqual([at(inv, "cargo"), app.rootfs.rust], [[], []]);
      assert.deepEqual(at(inv, "generic"), [
        `/usr/bin/openssl openssl@${upstream(app, "openssl")}`,
        `/usr/bin/python3.11 python@${upstream(app, "python3.11")}`,
        // Debian's node is a 26 KiB launcher; the version is in libnode (47 MiB: read from disk).
        `/usr/lib/x86_64-linux-gnu/libcrypto.so.3 openssl@${upstream(app, "libssl3")}`,
        `/usr/lib/x86_64-linux-gnu/libnode.so.108 node@${upstream(app, "nodejs")}`,
      ]);
      assert.deepEqual(inv.warnings, []);
      assert.deepEqual(readdirSync(spillDir), []);

      // All of them came with the apt layer (the npm layer below it holds /app).
      const binaryTypes = ["maven", "golang", "cargo", "generic"];
      const added = inv.packages.filter((p: Package) => binaryTypes.includes(p.type));
      assert.deepEqual([...new Set(added.map((p) => p.layer.index))], [2]);
    });
  }

  it("debian-big: the JDK by its release file; its two jars name no artifact", async () => {
    const big = images.get("debian-big") as ExpectedImage;
    const inv = await inventoryImage(referencesFor("debian-big")[0] as string);

    assert.deepEqual(at(inv, "maven"), expectedJars(big));
    assert.deepEqual(at(inv, "maven"), []);
    const jdk = inv.packages.find((p) => p.name === "openjdk");
    assert.equal(jdk?.path, "/usr/lib/jvm/java-17-openjdk-amd64/release");
    assert.equal(jdk?.version, upstream(big, "openjdk-17-jre-headless"));
    assert.equal(jdk?.metadata?.javaImplementor, "Debian");
    assert.deepEqual(at(inv, "golang"), []);
    assert.deepEqual(inv.warnings, []);
  });
});
