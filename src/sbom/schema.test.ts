import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchInventory } from "../match/matcher.js";
import { renderVdr } from "../report/vdr.js";
import {
  alpine34,
  cycloneDxErrors,
  inventoryOf,
  sharedDb,
  spdxErrors,
  testImages,
} from "../testing/sbom.js";
import { VulnDb } from "../vulndb/db.js";
import { documentIdentity } from "./identity.js";
import { renderSbom } from "./render.js";

const images = await testImages();
const identity = { timestamp: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) };

describe("SBOMs of every corpus image validate against the official schemas", () => {
  for (const { name, reference } of images) {
    it(name, async () => {
      const inv = await inventoryOf(reference);
      assert.ok(inv.packages.length > 0);

      for (const specVersion of ["1.5", "1.6"] as const) {
        const text = renderSbom(inv, { format: "cyclonedx-json", specVersion, identity });
        assert.equal(await cycloneDxErrors(text, specVersion), null, `CycloneDX ${specVersion}`);
        const bom = JSON.parse(text);
        assert.equal(bom.specVersion, specVersion);
        // Every package, plus the OS as its own component.
        assert.equal(bom.components.length, inv.packages.length + (inv.os ? 1 : 0));
      }

      const spdx = JSON.parse(renderSbom(inv, { format: "spdx-json", identity }));
      assert.equal(spdxErrors(spdx), null, "SPDX 2.3");
      assert.equal(spdx.packages.length, inv.packages.length + 1 + (inv.os ? 1 : 0));
    });
  }

  it("puts the image, its OS and every package's origin in the CycloneDX BOM", async () => {
    const reference = images.find((i) => i.name === "debian-app")?.reference as string;
    const inv = await inventoryOf(reference);
    const bom = JSON.parse(renderSbom(inv, { format: "cyclonedx-json", identity }));

    const root = bom.metadata.component;
    assert.equal(root.type, "container");
    assert.equal(root.name, "corpus/debian-app");
    assert.equal(root.version, inv.image.digest);
    assert.equal(root.hashes[0].content, inv.image.digest.slice("sha256:".length));
    const props = new Map(
      root.properties.map((p: { name: string; value: string }) => [p.name, p.value]),
    );
    assert.equal(
      props.get("vigil:image:label:org.opencontainers.image.title"),
      "corpus/debian-app",
    );
    assert.equal(props.get("vigil:image:tag"), "latest");
    // The environment carries secrets in this image; it is never exported.
    assert.ok(!JSON.stringify(bom).includes("DB_PASSWORD"));

    const os = bom.components.find((c: { type: string }) => c.type === "operating-system");
    assert.deepEqual([os.name, os.version], ["debian", inv.os?.fullVersion]);

    const libc = bom.components.find((c: { name: string }) => c.name === "libc6");
    const libcProps = Object.fromEntries(
      libc.properties.map((p: { name: string; value: string }) => [p.name, p.value]),
    );
    assert.match(libc.purl, /^pkg:deb\/debian\/libc6@.*distro=debian-12/);
    assert.equal(libcProps["vigil:package:source-name"], "glibc");
    assert.equal(libcProps["vigil:package:path"], "/var/lib/dpkg/status");
    assert.equal(libcProps["vigil:layer:diff-id"], inv.image.layers[0]?.diffId);

    const deps = bom.dependencies.find((d: { ref: string }) => d.ref === "vigil:image");
    assert.equal(deps.dependsOn.length, inv.packages.length + 1);
  });

  it("writes licenses as SPDX expressions where they parse", async () => {
    const inv = await inventoryOf(`oci:${await alpine34()}`);
    const bom = JSON.parse(renderSbom(inv, { format: "cyclonedx-json", identity }));
    const licenses = new Map(
      bom.components.map((c: { name: string; licenses?: unknown }) => [c.name, c.licenses]),
    );
    assert.deepEqual(licenses.get("musl"), [{ license: { id: "MIT" } }]);
    assert.deepEqual(licenses.get("busybox"), [{ license: { id: "GPL-2.0-only" } }]);
  });

  it("writes a VDR that validates, with ratings, affects and fixed versions", async () => {
    const inventory = await inventoryOf(`oci:${await alpine34()}`);
    const db = VulnDb.open(await sharedDb());
    const findings = matchInventory(inventory, db);
    db.close();
    assert.ok(findings.length > 10);

    const text = renderVdr({ inventory, findings }, findings);
    assert.equal(await cycloneDxErrors(text, "1.6"), null);
    const bom = JSON.parse(text);
    const musl = bom.vulnerabilities.find((v: { id: string }) => v.id === "CVE-2016-8859");
    assert.ok(musl, "CVE-2016-8859 in musl");
    assert.ok(musl.ratings.length === 1);
    const refs = musl.affects.map((a: { ref: string }) => a.ref.replace(/@.*/, "")).sort();
    assert.deepEqual(refs, ["pkg:apk/alpine/musl", "pkg:apk/alpine/musl-utils"]);
    const versions = musl.affects[0].versions;
    assert.deepEqual(versions.map((v: { status: string }) => v.status).sort(), [
      "affected",
      "unaffected",
    ]);
    assert.ok(
      versions.some((v: { version: string }) => v.version === "1.1.14-r13"),
      "the fixed version is stated",
    );
    assert.match(musl.recommendation, /Upgrade musl to 1\.1\.14-r13/);
  });
});

describe("SBOM identity", () => {
  it("derives the timestamp from SOURCE_DATE_EPOCH, else the image, when deterministic", async () => {
    const inv = await inventoryOf(images[0]?.reference as string);
    const fromEnv = documentIdentity(inv.image, { env: { SOURCE_DATE_EPOCH: "1700000000" } });
    assert.deepEqual(fromEnv, { timestamp: new Date(1700000000 * 1000) });

    const fromImage = documentIdentity(inv.image, { deterministic: true, env: {} });
    assert.equal(fromImage.serial, undefined);
    assert.equal(
      fromImage.timestamp.toISOString().slice(0, 19),
      inv.image.config.created?.slice(0, 19),
    );

    const random = documentIdentity(inv.image, { env: {} });
    assert.match(random.serial ?? "", /^[0-9a-f-]{36}$/);
    assert.throws(() => documentIdentity(inv.image, { env: { SOURCE_DATE_EPOCH: "soon" } }), {
      code: "BAD_OPTION",
    });
  });
});
