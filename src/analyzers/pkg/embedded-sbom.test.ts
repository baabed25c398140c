import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { inventoryImage } from "../../scan/inventory.js";
import { writeOciLayout } from "../../testing/oci-builder.js";
import { embeddedSbomAnalyzer, parseEmbeddedSbom } from "./embedded-sbom.js";

// A small SPDX document in the shape Bitnami ships beside each component.
const bitnami = JSON.stringify({
  spdxVersion: "SPDX-2.3",
  SPDXID: "SPDXRef-DOCUMENT",
  name: "node",
  packages: [
    {
      SPDXID: "SPDXRef-node",
      name: "node",
      versionInfo: "18.17.1-0",
      downloadLocation: "NOASSERTION",
      licenseDeclared: "MIT",
      externalRefs: [
        {
          referenceCategory: "PACKAGE-MANAGER",
          referenceType: "purl",
          referenceLocator: "pkg:bitnami/node@18.17.1-0?arch=amd64&distro=debian-11",
        },
      ],
    },
  ],
});

const appSbom = JSON.stringify({
  bomFormat: "CycloneDX",
  specVersion: "1.5",
  components: [
    { type: "library", name: "lodash", version: "4.17.15", purl: "pkg:npm/lodash@4.17.15" },
    { type: "library", name: "bash", version: "5.2", purl: "pkg:deb/debian/bash@5.2" },
    { type: "library", name: "mystery", version: "1" },
  ],
});

describe("SBOMs found inside an image", () => {
  it("claims /usr/share/sbom files and Bitnami's .spdx files, nothing else", () => {
    const claims = embeddedSbomAnalyzer.claims;
    assert.ok(claims("usr/share/sbom/app.spdx.json"));
    assert.ok(claims("usr/share/sbom/app.cdx.json"));
    assert.ok(claims("opt/bitnami/node/.spdx-node.spdx"));
    assert.ok(claims("opt/bitnami/a/b/.spdx-b.spdx"));
    assert.ok(!claims("usr/share/sbom/sub/x.json"));
    assert.ok(!claims("opt/bitnami/node/spdx-node.spdx"));
    assert.ok(!claims("app/package.json"));
  });

  it("turns a broken SBOM into a warning, not a failed scan", () => {
    const out = parseEmbeddedSbom(Buffer.from("{not json"), "usr/share/sbom/x.json");
    assert.deepEqual(out.packages, undefined);
    assert.equal(out.warnings?.[0]?.code, "BAD_EMBEDDED_SBOM");
  });

  it("adds the packages they list, marked with the file and layer they came from", async () => {
    const dir = await writeOciLayout([
      { entries: [{ name: "opt/bitnami/node/.spdx-node.spdx", content: bitnami }] },
      { entries: [{ name: "usr/share/sbom/app.cdx.json", content: appSbom }] },
    ]);
    const inv = await inventoryImage(`oci:${dir}`);

    const got = inv.packages.map((p) => [p.type, p.name, p.version, p.path, p.layer.index]);
    assert.deepEqual(got, [
      ["generic", "node", "18.17.1-0", "/opt/bitnami/node/.spdx-node.spdx", 0],
      ["npm", "lodash", "4.17.15", "/usr/share/sbom/app.cdx.json", 1],
    ]);
    const [node, lodash] = inv.packages;
    assert.deepEqual(node?.metadata, {
      sbom: "SPDX-2.3",
      purl: "pkg:bitnami/node@18.17.1-0?arch=amd64&distro=debian-11",
    });
    assert.deepEqual(node?.licenses, ["MIT"]);
    assert.equal(lodash?.metadata?.sbom, "CycloneDX 1.5");
    // The deb entry is left to the dpkg database; the one without a purl is counted.
    assert.deepEqual(
      inv.warnings.map((w) => [w.code, w.path]),
      [["SBOM_COMPONENT_SKIPPED", "/usr/share/sbom/app.cdx.json"]],
    );
  });
});
