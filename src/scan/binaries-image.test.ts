import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import type { Inventory } from "../inventory/types.js";
import { parseSbom, toInventory } from "../sbom/read/index.js";
import { renderSbom } from "../sbom/render.js";
import { fixture } from "../testing/binary-fixtures.js";
import { writeOciLayout, type FixtureEntry } from "../testing/oci-builder.js";
import { cycloneDxErrors, spdxErrors } from "../testing/sbom.js";
import { sharedData } from "../testing/shared.js";
import { tempDir } from "../testing/tmp.js";
import { zipBytes } from "../testing/zip-writer.js";
import { inventoryImage } from "./inventory.js";

// An image of tarball-installed software made of real parts (scripts/
// make-binary-fixtures.sh, Trivy's Cargo.lock fixture), scanned whole, with
// a spill threshold low enough that every binary and the war go to disk.
const bin = (...p: string[]) => readFileSync(fixture(...p));
const exe = (name: string, content: Buffer): FixtureEntry => ({ name, content, mode: 0o755 });

async function image(): Promise<Inventory> {
  const war = zipBytes([
    {
      name: "WEB-INF/lib/jackson-databind.jar",
      data: bin("java", "jackson-databind.jar"),
      deflate: true,
    },
    { name: "WEB-INF/lib/snakeyaml.jar", data: bin("java", "snakeyaml.jar") },
  ]);
  const cargoLock = readFileSync(
    sharedData(
      "golden",
      "trivy",
      "integration",
      "testdata",
      "fixtures",
      "repo",
      "cargo",
      "Cargo.lock",
    ),
  );
  const entries: FixtureEntry[] = [
    { name: "etc/os-release", content: 'ID=debian\nVERSION_ID="12"\n' },
    exe("usr/local/bin/fixture", bin("go", "fixture-linux-amd64")),
    exe("usr/local/bin/rg", bin("rust", "rg-auditable")),
    exe("usr/local/nginx/sbin/nginx", bin("runtime", "nginx")),
    { name: "usr/local/go/VERSION", content: bin("go", "VERSION-1.19") },
    { name: "srv/app.war", content: war },
    { name: "src/app/Cargo.lock", content: cargoLock },
  ];
  const dir = await writeOciLayout([{ entries }]);
  return inventoryImage(`oci:${dir}`, {
    spillDir: tempDir("vigil-spill-"),
    spillAboveBytes: 64 << 10,
  });
}

const inv = await image();
const purls = (i: Inventory, type: string) =>
  i.packages.filter((p) => p.type === type).map((p) => p.purl);

describe("an image of tarball-installed software", () => {
  it("lists every kind of package, with no warnings", () => {
    const types = new Map<string, number>();
    for (const p of inv.packages) types.set(p.type, (types.get(p.type) ?? 0) + 1);
    const json = JSON.parse(readFileSync(fixture("rust", "rg-auditable.json"), "utf8")) as {
      packages: unknown[];
    };
    assert.deepEqual(Object.fromEntries(types), {
      cargo: json.packages.length + 10,
      generic: 1,
      golang: 6,
      maven: 2,
    });
    assert.deepEqual(inv.warnings, []);
  });

  it("writes purls with Go's module path and Maven's group as namespaces", () => {
    assert.deepEqual(purls(inv, "golang"), [
      "pkg:golang/example.org/vigil/fixture@(devel)",
      "pkg:golang/github.com/google/uuid@v1.3.0",
      "pkg:golang/github.com/pkg/errors@v0.9.1",
      "pkg:golang/github.com/spf13/pflag@v1.0.5",
      "pkg:golang/stdlib@1.19.8",
      "pkg:golang/stdlib@1.19.8",
    ]);
    assert.deepEqual(purls(inv, "maven"), [
      "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.14.0",
      "pkg:maven/org.yaml/snakeyaml@1.33",
    ]);
    assert.deepEqual(purls(inv, "generic"), ["pkg:generic/nginx@1.22.1"]);
  });

  it("writes SBOMs that validate and read back to the same packages", async () => {
    const key = (i: Inventory) =>
      i.packages.map((p) => [p.type, p.name, p.version, p.path, p.purl].join(" "));
    const identity = { timestamp: new Date(0) };
    for (const specVersion of ["1.5", "1.6"] as const) {
      const text = renderSbom(inv, { format: "cyclonedx-json", specVersion, identity });
      assert.equal(await cycloneDxErrors(text, specVersion), null);
      assert.deepEqual(
        key(toInventory(parseSbom(Buffer.from(text), "x.cdx.json"), "sbom:x")),
        key(inv),
      );
    }
    const spdx = renderSbom(inv, { format: "spdx-json", identity });
    assert.equal(spdxErrors(JSON.parse(spdx)), null);
    assert.deepEqual(
      key(toInventory(parseSbom(Buffer.from(spdx), "x.spdx.json"), "sbom:x")),
      key(inv),
    );
  });
});

describe("an image with hostile archives and binaries", () => {
  it("warns on each bad file by layer and path, and lists everything else", async () => {
    const go = bin("go", "fixture-linux-amd64");
    const magicAt = go.indexOf(Buffer.from("\xff Go buildinf:", "latin1"));
    const liar = Buffer.from(go);
    liar.set([0xff, 0x7f], magicAt + 33 + (liar[magicAt + 32] as number));
    const escaping = zipBytes([
      { name: "../../../etc/cron.d/evil", data: Buffer.from("* * * * * root sh\n") },
      { name: "lib/snakeyaml.jar", data: bin("java", "snakeyaml.jar") },
    ]);
    const bomb = zipBytes([
      { name: "lib/inner.jar", data: Buffer.alloc(32 << 20), deflate: true, declaredSize: 100 },
    ]);

    const dir = await writeOciLayout([
      {
        entries: [
          exe("usr/local/bin/fixture", go),
          exe("usr/local/bin/broken", go.subarray(0, magicAt + 4096)),
          exe("usr/local/bin/liar", liar),
          { name: "opt/app/escaping.jar", content: escaping },
          { name: "opt/app/bomb.jar", content: bomb },
          {
            name: "opt/old/cut.jar",
            content: bin("java", "jackson-core.jar").subarray(0, 100_000),
          },
        ],
      },
      // A later layer deletes the cut jar: what a container cannot see is not warned about.
      { entries: [{ name: "opt/old/.wh.cut.jar" }] },
    ]);
    const inv = await inventoryImage(`oci:${dir}`, { spillDir: tempDir("vigil-spill-") });

    assert.deepEqual(
      inv.warnings.map((w) => [w.code, w.layer, w.path]),
      [
        ["BAD_BINARY", 0, "/usr/local/bin/broken"],
        ["BAD_GO_BUILDINFO", 0, "/usr/local/bin/liar"],
        ["UNSAFE_ARCHIVE_ENTRY", 0, "/opt/app/escaping.jar"],
        ["BAD_JAVA_ARCHIVE", 0, "/opt/app/bomb.jar"],
      ],
    );
    const found = (path: string) => inv.packages.filter((p) => p.path === path).map((p) => p.name);
    assert.deepEqual(found("/opt/app/escaping.jar"), ["org.yaml:snakeyaml"]);
    assert.equal(found("/usr/local/bin/fixture").length, 5);
    // The truncated binary's build info survived; the liar's did not.
    assert.equal(found("/usr/local/bin/broken").length, 5);
    assert.deepEqual(found("/usr/local/bin/liar"), []);
  });
});
