import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { PackageURL } from "packageurl-js";
import type { Inventory } from "../../inventory/types.js";
import { sharedData } from "../../testing/shared.js";
import { combineLicenses } from "../licenses.js";
import { readSbomFile } from "./index.js";

// Real SBOMs written by Trivy (CycloneDX 1.4/1.5, SPDX 2.2 JSON and
// tag-value, an in-toto attestation), read and checked against the
// packages Trivy's own goldens report for the same files.
const testdata = sharedData("golden", "trivy", "integration", "testdata");
const fixture = (name: string) => path.join(testdata, "fixtures", "sbom", name);

interface GoldenVuln {
  PkgName: string;
  InstalledVersion: string;
  PkgIdentifier: { PURL: string };
}
interface Golden {
  Metadata: { OS?: { Family: string; Name: string } };
  Results: { Vulnerabilities?: GoldenVuln[]; Licenses?: { PkgName: string; Name: string }[] }[];
}

function golden(name: string): Golden {
  return JSON.parse(readFileSync(path.join(testdata, name), "utf8")) as Golden;
}

/** Purls compared as data: Trivy orders qualifiers differently between its outputs. */
function samePurl(a: string, b: string): boolean {
  const canon = (s: string) => {
    const p = PackageURL.fromString(s);
    const q = Object.entries(p.qualifiers ?? {}).sort();
    return JSON.stringify([p.type, p.namespace, p.name, p.version, q]);
  };
  return canon(a) === canon(b);
}

/** Every package a golden reports is in the inventory, by name, version and purl. */
function assertGoldenPackages(inv: Inventory, g: Golden): void {
  const vulns = g.Results.flatMap((r) => r.Vulnerabilities ?? []);
  assert.ok(vulns.length > 0);
  for (const v of vulns) {
    const pkg = inv.packages.find((p) => p.name === v.PkgName);
    assert.ok(pkg, `${v.PkgName} read`);
    assert.equal(pkg.version, v.InstalledVersion, v.PkgName);
    assert.ok(samePurl(pkg.purl, v.PkgIdentifier.PURL), `${pkg.purl} vs ${v.PkgIdentifier.PURL}`);
  }
  if (g.Metadata.OS) {
    assert.equal(inv.os?.family, g.Metadata.OS.Family);
    assert.equal(inv.os?.fullVersion, g.Metadata.OS.Name);
  }
}

describe("SBOMs written by Trivy", () => {
  const centos = golden("centos-7.json.golden");
  for (const file of [
    "centos-7-cyclonedx.json",
    "centos-7-cyclonedx.intoto.jsonl",
    "centos-7-spdx.json",
    "centos-7-spdx.txt",
  ]) {
    it(`${file}: the two CentOS 7 rpm packages of centos-7.json.golden`, async () => {
      const inv = await readSbomFile(fixture(file));
      assert.deepEqual(inv.warnings, []);
      assert.deepEqual(
        inv.packages.map((p) => `${p.type} ${p.name} ${p.version} ${p.arch}`),
        ["rpm bash 4.2.46-31.el7 x86_64", "rpm openssl-libs 1:1.0.2k-16.el7 x86_64"],
      );
      assertGoldenPackages(inv, centos);
      const openssl = inv.packages[1];
      assert.equal(openssl?.sourceName, file.includes("spdx") ? "openssl-libs" : "openssl");
      assert.equal(openssl?.sourceVersion, "1:1.0.2k-16.el7");
    });
  }

  it("centos-7-cyclonedx.json: layers and image from Trivy's properties", async () => {
    const inv = await readSbomFile(fixture("centos-7-cyclonedx.json"));
    const diffId = "sha256:89169d87dbe2b72ba42bfbb3579c957322baca28e03a1e558076542a1c1b2b4a";
    assert.deepEqual(inv.image.layers, [{ index: 0, diffId }]);
    assert.deepEqual(inv.image.tags, ["ghcr.io/aquasecurity/trivy-test-images:centos-7"]);
    assert.equal(inv.packages[0]?.layer.diffId, diffId);
    assert.equal(inv.packages[0]?.layer.index, 0);
  });

  it("fluentd-multiple-lockfiles-cyclonedx.json: Debian 10.2 packages and a gem", async () => {
    const inv = await readSbomFile(fixture("fluentd-multiple-lockfiles-cyclonedx.json"));
    assert.deepEqual(inv.warnings, []);
    assert.equal(inv.packages.length, 3);
    assertGoldenPackages(inv, golden("fluentd-multiple-lockfiles.json.golden"));
    const libidn = inv.packages.find((p) => p.name === "libidn2-0");
    assert.equal(libidn?.sourceName, "libidn2");
    const gem = inv.packages.find((p) => p.type === "gem");
    assert.equal(gem?.path, "/var/lib/gems/2.5.0/specifications/activesupport-6.0.2.1.gemspec");
  });

  it("minikube-kbom.json: Kubernetes components with purls; the rest warned about", async () => {
    const inv = await readSbomFile(fixture("minikube-kbom.json"));
    assertGoldenPackages(inv, golden("minikube-kbom.json.golden"));
    assert.equal(inv.os?.family, "ubuntu");
    assert.equal(inv.os?.release, "22.04.2");
    // docker and five k8s.io components have purls; the OCI images are not packages.
    assert.deepEqual(inv.packages.map((p) => p.purl.replace(/@.*/, "")).sort(), [
      "pkg:golang/docker",
      "pkg:k8s/k8s.io%2Fapiserver",
      "pkg:k8s/k8s.io%2Fcontroller-manager",
      "pkg:k8s/k8s.io%2Fkube-proxy",
      "pkg:k8s/k8s.io%2Fkube-scheduler",
      "pkg:k8s/k8s.io%2Fkubelet",
    ]);
    const skipped = inv.warnings.filter((w) => w.code === "SBOM_COMPONENT_SKIPPED");
    assert.deepEqual(
      skipped.map((w) => /"([^"]+)"/.exec(w.message)?.[1]),
      ["node-core-components", "kube-dns", "go.etcd.io/etcd/v3"],
    );
    assert.match(skipped[0]?.message ?? "", /no purl/);
  });

  it("license-cyclonedx.json: the licenses license-cyclonedx.json.golden reports", async () => {
    const inv = await readSbomFile(fixture("license-cyclonedx.json"));
    const want = golden("license-cyclonedx.json.golden").Results.flatMap((r) => r.Licenses ?? []);
    assert.equal(inv.packages.length, want.length);
    for (const l of want) {
      const pkg = inv.packages.find((p) => p.name === l.PkgName);
      assert.ok(pkg, l.PkgName);
      assert.deepEqual(pkg.licenses, [l.Name], l.PkgName);
    }
    // As vigil writes them again: SPDX expressions where they can be made.
    const slf4j = inv.packages.find((p) => p.name === "org.slf4j:slf4j-api");
    assert.deepEqual(combineLicenses(slf4j?.licenses ?? []), [{ expression: "MIT" }]);
  });
});
