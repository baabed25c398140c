import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import { alpine34, cycloneDxErrors, spdxErrors } from "../../testing/sbom.js";
import { repoRoot, sharedData } from "../../testing/shared.js";

const bin = path.join(repoRoot, "bin", "vigil.js");
const work = mkdtempSync(path.join(tmpdir(), "vigil-sbom-cli-"));
const db = path.join(work, "vigil.db");

function vigil(args: string[], env: NodeJS.ProcessEnv = {}) {
  const full: NodeJS.ProcessEnv = { ...process.env, VIGIL_CACHE_DIR: work, NO_COLOR: "1", ...env };
  delete full.VIGIL_DB;
  if (!("SOURCE_DATE_EPOCH" in env)) delete full.SOURCE_DATE_EPOCH;
  const r = spawnSync(process.execPath, [bin, ...args], { env: full, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let image = "";

before(async () => {
  image = `oci:${await alpine34()}`;
  const v34 = sharedData("feeds", "alpine-secdb", "v3.4");
  const r = vigil(["db", "import", "--db", db, path.join(v34, "main.json")]);
  assert.equal(r.code, 0, r.stderr);
});

describe("vigil sbom", () => {
  it("writes the same bytes twice with --deterministic or SOURCE_DATE_EPOCH", async () => {
    const a = vigil(["sbom", image, "--deterministic", "-q"]);
    const b = vigil(["sbom", image, "--deterministic", "-q"]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
    assert.equal(await cycloneDxErrors(a.stdout, "1.6"), null);

    for (const format of ["cyclonedx-xml", "spdx-json", "spdx-tag-value"]) {
      const env = { SOURCE_DATE_EPOCH: "1700000000" };
      const x = vigil(["sbom", image, "-f", format, "-q"], env);
      const y = vigil(["sbom", image, "-f", format, "-q"], env);
      assert.equal(x.code, 0, x.stderr);
      assert.equal(x.stdout, y.stdout, format);
      assert.match(x.stdout, /2023-11-14T22:13:20/, format);
    }
  });

  it("differs between runs only in serial number and timestamp otherwise", () => {
    const a = vigil(["sbom", image, "-f", "cyclonedx-json", "--spec-version", "1.5", "-q"]);
    const b = vigil(["sbom", image, "-f", "cyclonedx-json", "--spec-version", "1.5", "-q"]);
    const la = a.stdout.split("\n");
    const lb = b.stdout.split("\n");
    assert.equal(la.length, lb.length);
    const differing = la.filter((line, i) => line !== lb[i]);
    assert.equal(differing.length, 2);
    assert.match(differing[0] as string, /"serialNumber"/);
    assert.match(differing[1] as string, /"timestamp"/);
    assert.equal(JSON.parse(a.stdout).specVersion, "1.5");
  });

  it("writes SPDX 2.3 to --output", () => {
    const out = path.join(work, "a.spdx.json");
    const r = vigil(["sbom", image, "-f", "spdx-json", "-o", out, "-q"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(spdxErrors(doc), null);
    assert.equal(doc.spdxVersion, "SPDX-2.3");
  });

  it("scans its SBOM to the image's findings, by sbom scan and by image sbom:", () => {
    const ids = (stdout: string) =>
      (JSON.parse(stdout).vulnerabilities as { id: string; package: { name: string } }[])
        .map((v) => `${v.package.name} ${v.id}`)
        .sort();
    const direct = vigil(["image", image, "--db", db, "-f", "json", "-q"]);
    assert.equal(direct.code, 0, direct.stderr);
    assert.ok(ids(direct.stdout).length > 10);

    for (const format of ["cyclonedx-json", "cyclonedx-xml", "spdx-json", "spdx-tag-value"]) {
      const file = path.join(work, `alpine.${format}`);
      assert.equal(vigil(["sbom", image, "-f", format, "-o", file, "-q"]).code, 0);
      const scan = vigil(["sbom", "scan", file, "--db", db, "-f", "json", "-q"]);
      assert.equal(scan.code, 0, scan.stderr);
      assert.deepEqual(ids(scan.stdout), ids(direct.stdout), format);
      const viaImage = vigil(["image", `sbom:${file}`, "--db", db, "-f", "json", "-q"]);
      assert.deepEqual(ids(viaImage.stdout), ids(direct.stdout), format);
    }

    const table = vigil(["sbom", "scan", path.join(work, "alpine.spdx-json"), "--db", db]);
    assert.match(table.stdout, /^sbom:.*alpine\.spdx-json \(alpine 3\.4\)/);
    assert.match(table.stdout, /musl .*CVE-2016-8859/);
  });

  it("reports a CycloneDX VDR that validates", async () => {
    const r = vigil(["image", image, "--db", db, "-f", "cyclonedx-vdr", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await cycloneDxErrors(r.stdout, "1.6"), null);
    const bom = JSON.parse(r.stdout);
    assert.ok(bom.vulnerabilities.length > 10);
    assert.ok(bom.components.length > 10);
  });

  it("exits 2 with one line on a bad SBOM, a missing file or a bad option", () => {
    const junk = path.join(work, "junk.json");
    writeFileSync(junk, '{"bomFormat": "CycloneDX", "specVersion": "9.9"}');
    for (const args of [
      ["sbom", "scan", junk, "--db", db],
      ["image", `sbom:${path.join(work, "missing.json")}`, "--db", db],
      ["sbom", image, "--format", "spdx-yaml"],
      ["sbom", image, "--spec-version", "1.4"],
    ]) {
      const r = vigil(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    assert.match(vigil(["sbom", "scan", junk, "--db", db]).stderr, /specVersion "9\.9"/);
  });
});
