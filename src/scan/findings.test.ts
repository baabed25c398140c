import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { parseConfig } from "../config/file.js";
import { createLogger } from "../log.js";
import { REPORT_FORMATS } from "../report/formats.js";
import type { ScanResult } from "../report/model.js";
import { renderReport } from "../report/render.js";
import { expectedImages } from "../testing/corpus.js";
import { corpusDir } from "../testing/shared.js";
import { scanImage } from "./scan.js";

interface PlantedSecret {
  file: string;
  line?: number;
  lines?: number[];
  type: string;
  value?: string;
  values?: string[];
}

const expected = JSON.parse(readFileSync(path.join(corpusDir(), "EXPECTED.json"), "utf8")) as {
  secrets: { present: PlantedSecret[]; deleted: PlantedSecret[] };
};
const layout = (name: string) => `oci:${path.join(corpusDir(), `${name}.oci`)}:latest`;

/** Secrets, misconfigurations and licenses need no vulnerability DB. */
const scan = (name: string) =>
  scanImage(layout(name), {
    dbPath: "/nonexistent/vigil.db",
    log: createLogger({ level: "error", format: "text" }),
    scanners: ["secret", "misconfig", "license"],
  });

/** EXPECTED.json names rules loosely ("github-pat (ghp_, …)"); vigil's ids are these. */
const RULE: Record<string, string> = {
  "aws-access-key-id": "aws-access-key-id",
  "aws-secret-access-key": "aws-secret-access-key",
  "private-key": "private-key",
  "github-pat": "github-token",
};
const ruleOf = (type: string) => RULE[type.split(/[ (]/)[0] ?? ""];

describe("secrets, misconfigurations and licenses on the corpus", () => {
  const results: Record<string, ScanResult> = {};
  before(async () => {
    for (const { name } of expectedImages()) results[name] = await scan(name);
  });

  for (const name of ["debian-app", "debian-app-zstd"]) {
    it(`${name}: every planted secret, with its file, line and layer`, () => {
      const found = (results[name]?.inventory.secrets ?? []).map(
        (s) => `${s.rule} ${s.path}:${s.line ?? ""} layer ${s.layer} removed ${s.removedIn}`,
      );
      for (const s of expected.secrets.present.filter((p) => p.file.startsWith("/"))) {
        // Layer 5 of debian-app copies the secrets in (index 4).
        const want = `${ruleOf(s.type)} ${s.file}:${s.line} layer 4 removed undefined`;
        assert.ok(found.includes(want), `${want} not in\n${found.join("\n")}`);
      }
      assert.ok(
        found.includes("aws-access-key-id /app/config/old-credentials.env:2 layer 1 removed 3"),
      );
      assert.ok(
        found.includes("aws-secret-access-key /app/config/old-credentials.env:3 layer 1 removed 3"),
      );
      assert.ok(found.includes("github-token /app/debug.log:2 layer 1 removed 3"));
      const env = results[name]?.inventory.secrets?.find((s) => s.path === "(image config) Env");
      assert.equal(env?.rule, "env-secret");
    });
  }

  it("no report, in any format, shows a whole secret", () => {
    const result = results["debian-app"] as ScanResult;
    // The template is the JSON report's fields, written out as given.
    const template = { name: "all.hbs", text: "{{#each secrets}}{{match}} {{path}}\n{{/each}}" };
    // OpenVEX holds vulnerability statements only (and needs a decision to write one).
    const formats = REPORT_FORMATS.filter((f) => f !== "openvex");
    const reports = formats.map((format) =>
      renderReport(format, result, [], { color: false, template }),
    );
    const values = [...expected.secrets.present, ...expected.secrets.deleted]
      .flatMap((s) => s.values ?? [s.value ?? ""])
      .filter((v) => v !== "" && !v.startsWith("-----BEGIN"))
      .map((v) => (v.includes("=") ? (v.split("=")[1] ?? v) : v));
    assert.ok(values.length >= 6);
    for (const report of reports) {
      for (const v of values) assert.ok(!report.includes(v), `a report shows ${v.slice(0, 6)}…`);
      // No PEM body: the redacted key shows its dashes only.
      assert.doesNotMatch(report, /PRIVATE KEY-----\s*(?:\\n)?MII/);
    }
  });

  it("a config file allows secrets and chooses the license classes reported", async () => {
    const config = parseConfig(
      [
        "secrets:",
        "  allow:",
        "    - rule: aws-access-key-id",
        "    - path: /app/**",
        "      reason: test fixtures",
        "licenses:",
        "  report: [notice]",
      ].join("\n"),
      "vigil.yaml",
    );
    const result = await scanImage(layout("debian-app"), {
      dbPath: "/nonexistent/vigil.db",
      log: createLogger({ level: "error", format: "text" }),
      scanners: ["secret", "license"],
      config,
    });
    const left = (result.inventory.secrets ?? []).map((s) => `${s.rule} ${s.path}`).sort();
    assert.deepEqual(left, [
      "aws-secret-access-key /root/.aws/credentials",
      "env-secret (image config) Env",
    ]);
    assert.ok((result.inventory.secretScan?.allowed ?? 0) >= 6);
    assert.ok((result.licenses ?? []).length > 0);
    assert.ok(result.licenses?.every((l) => l.class === "notice"));
    assert.equal(result.misconfigurations, undefined);
  });

  it("debian-minimal and debian-big have no secrets: no false positives in thousands of files", () => {
    for (const name of ["debian-minimal", "debian-big"]) {
      assert.deepEqual(results[name]?.inventory.secrets, [], name);
      assert.ok((results[name]?.inventory.secretScan?.files ?? 0) > 1000, name);
    }
  });

  it("misconfigurations as EXPECTED.md describes them", () => {
    const ids = (name: string) => (results[name]?.misconfigurations ?? []).map((m) => m.id);
    for (const id of ["root-user", "no-healthcheck", "secret-in-env"]) {
      assert.ok(ids("debian-app").includes(id), id);
    }
    assert.ok(ids("debian-minimal").includes("root-user"));
    assert.ok(ids("debian-minimal").includes("no-healthcheck"));
    assert.ok(!ids("debian-minimal").includes("secret-in-env"));
    // The build removed apt's lists and caches; su and passwd keep their setuid bits.
    assert.ok(!ids("debian-minimal").includes("package-cache"));
    const setuid = results["debian-minimal"]?.misconfigurations?.find(
      (m) => m.id === "setuid-files",
    );
    assert.ok(setuid?.evidence.some((e) => e.path === "/usr/bin/su" && e.detail === "mode 4755"));
  });

  it("every package carries a license class; Debian licenses come from copyright files", () => {
    // Every corpus image: a license, or the explicit class "unknown".
    assert.ok(Object.keys(results).length >= 5);
    for (const [name, result] of Object.entries(results)) {
      for (const p of result.inventory.packages) {
        assert.ok(p.licenseClass, `${name}: ${p.name} has no license class`);
      }
    }
    const pkgs = results["debian-app"]?.inventory.packages ?? [];
    const of = (n: string) => pkgs.find((p) => p.name === n);
    // Free-form files naming common-licenses and quoting license texts, and a linked doc directory.
    assert.deepEqual(of("libc6")?.licenses, ["LGPL-2.1", "GPL-2", "BSD-3-Clause", "ISC"]);
    assert.deepEqual(of("libc-ares2")?.licenses, ["GPL", "MIT", "ISC"]);
    assert.deepEqual(of("libncursesw6")?.licenses, of("libtinfo6")?.licenses);
    assert.equal(of("libc6")?.licenseClass, "restricted");
    const debs = pkgs.filter((p) => p.type === "deb");
    const known = debs.filter((p) => p.licenseClass !== "unknown").length;
    assert.ok(known / debs.length > 0.95, `${known} of ${debs.length} classified`);
    // npm packages declare theirs in package.json.
    assert.deepEqual(of("express")?.licenses, ["MIT"]);
  });
});
