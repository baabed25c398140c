import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { VIGIL_VERSION } from "../about.js";
import { writeOciLayout } from "../testing/oci-builder.js";
import { sharedData } from "../testing/shared.js";
import { cliRunner, oneLineError } from "../testing/cli.js";
import { tempDir } from "../testing/tmp.js";

// The real CLI, its cache and home in temp dirs, stdout not a terminal, offline.
const { run: vigil, cache, home } = cliRunner();

let alpine34 = "";

before(async () => {
  // The real Alpine 3.4-era apk database and os-release, packed as an image.
  alpine34 = await writeOciLayout([
    {
      entries: [
        {
          name: "etc/os-release",
          content: readFileSync(
            sharedData("pkgdb", "os-release", "claircore", "alpine", "3.4", "etc", "os-release"),
          ),
        },
        {
          name: "lib/apk/db/installed",
          content: readFileSync(sharedData("pkgdb", "apk", "trivy-apk-testdata.installed")),
        },
      ],
    },
  ]);
});

describe("vigil CLI", () => {
  it("prints its version and help", () => {
    const version = vigil("--version");
    assert.equal(version.code, 0);
    assert.equal(version.stdout.trim(), VIGIL_VERSION);
    const help = vigil("image", "--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--exit-code/);
    assert.match(help.stdout, /--ignore-unfixed/);
  });

  it("exits 2 with one line when the DB is missing, and says how to make one", () => {
    const r = vigil("image", `oci:${alpine34}`);
    assert.equal(r.code, 2);
    assert.match(oneLineError(r.stderr), /vigil db import/);
  });

  it("exits 2 on an unknown reference and a bad option", () => {
    const missing = vigil("image", "/no/such/image.tar");
    assert.equal(missing.code, 2);
    assert.match(oneLineError(missing.stderr), /\/no\/such\/image\.tar/);
    const bad = vigil("image", "--format", "xml", "x");
    assert.equal(bad.code, 2);
    assert.match(oneLineError(bad.stderr), /--format.*xml/);
    const level = vigil("image", "--log-level", "nope", "x");
    assert.equal(level.code, 2);
    assert.match(oneLineError(level.stderr), /--log-level/);
    const unknown = vigil("frobnicate");
    assert.equal(unknown.code, 2);
    oneLineError(unknown.stderr);
  });

  it("refuses an --output it cannot write before scanning", () => {
    const r = vigil(
      "image",
      `oci:${alpine34}`,
      "--output",
      path.join(cache, "no", "dir", "r.json"),
    );
    assert.equal(r.code, 2);
    assert.match(oneLineError(r.stderr), /--output .*cannot write/);
  });

  it("imports the secdb, reports a table, and gates on --exit-code", () => {
    const v34 = sharedData("feeds", "alpine-secdb", "v3.4");
    const imported = vigil(
      "db",
      "import",
      path.join(v34, "main.json"),
      path.join(v34, "community.json"),
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /alpine-secdb:v3\.4\/main: \d+ records/);

    const table = vigil("image", `oci:${alpine34}`, "--exit-code", "3");
    assert.equal(table.code, 3, table.stderr);
    assert.match(table.stdout, /\(alpine 3\.4\)/);
    assert.match(table.stdout, /musl .*CVE-2016-8859/);
    assert.match(table.stderr, /warn: entry without P: or V: .*line=23/);

    const status = vigil("db", "status");
    assert.match(status.stdout, /schema 2, written by vigil/);
  });

  it("writes the JSON report to --output, consistent with itself", () => {
    const out = path.join(cache, "report.json");
    const r = vigil("image", `oci:${alpine34}`, "--format", "json", "--output", out, "--quiet");
    assert.equal(r.code, 0);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr, "", "--quiet keeps stderr empty");

    const report = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(report.schema, "vigil.report/v1");
    assert.equal(report.os.family, "alpine");
    assert.equal(report.summary.packages, report.packages.length);
    assert.equal(report.summary.vulnerabilities, report.vulnerabilities.length);
    assert.ok(report.vulnerabilities.length > 10);
    assert.ok(report.vulnerabilities.every((v: { status: string }) => v.status === "fixed"));
    assert.equal(report.warnings[0].code, "MALFORMED_ENTRY");
  });

  it("filters by severity and fixability before deciding the exit code", () => {
    const args = ["image", `oci:${alpine34}`, "--severity", "HIGH,CRITICAL", "--exit-code", "1"];
    const high = vigil(...args, "--scanners", "vuln", "--format", "json");
    assert.equal(high.code, 0, "the secdb carries no severities, so nothing is HIGH");
    assert.equal(JSON.parse(high.stdout).vulnerabilities.length, 0);

    // The image runs as root: a HIGH misconfiguration, which the exit code counts too.
    const all = vigil(...args, "--format", "json");
    assert.equal(all.code, 1);
    const report = JSON.parse(all.stdout);
    assert.deepEqual(report.scanners, ["vuln", "secret", "misconfig"]);
    assert.deepEqual(
      report.misconfigurations.map((m: { id: string }) => m.id),
      ["root-user"],
    );
    const bad = vigil("image", `oci:${alpine34}`, "--severity", "SEVERE");
    assert.equal(bad.code, 2);
  });

  it("reports a truncated layer as one line naming the layer, exit 2", async () => {
    const dir = await writeOciLayout([
      { entries: [{ name: "big", content: Buffer.alloc(200_000, 7) }], truncateTo: 100 },
    ]);
    const r = vigil("image", `oci:${dir}`);
    assert.equal(r.code, 2);
    assert.match(oneLineError(r.stderr), /layer 1 /);
  });

  it("writes nothing outside its cache directory", () => {
    vigil("image", `oci:${alpine34}`, "--quiet");
    assert.deepEqual(readdirSync(home), []);
    assert.ok(existsSync(path.join(cache, "db", "vigil.db")));
  });

  it("shows control characters from the image escaped, never raw", async () => {
    const evil = await writeOciLayout([
      {
        entries: [
          {
            name: "etc/os-release",
            content: "ID=alpine\x1b]0;pwned\x07\x1b[2J\nVERSION_ID=3.4.6\n",
          },
          { name: "lib/apk/db/installed", content: "P:musl\nV:1.1.14-r10\no:musl\n\n" },
        ],
      },
    ]);
    const table = vigil("image", `oci:${evil}`);
    assert.equal(table.code, 0, table.stderr);
    assert.ok(!(table.stdout + table.stderr).includes("\x1b"), "a raw ESC reached the terminal");
    assert.match(table.stdout, /alpine\\x1b\]0;pwned\\x07/);

    const forged = await writeOciLayout([
      { entries: [{ name: "../x\nvigil: error: forged", content: "x" }] },
    ]);
    const err = vigil("image", `oci:${forged}`);
    assert.equal(err.code, 2);
    assert.match(oneLineError(err.stderr), /\\nvigil: error: forged/);
  });
});

describe("vigil config", () => {
  const dir = tempDir("vigil-df-");
  const dockerfile = path.join(dir, "Dockerfile");
  writeFileSync(dockerfile, "FROM debian:latest\nRUN curl -s https://x.example/i.sh | sh\n");

  it("checks a Dockerfile and sets the exit code", () => {
    const r = vigil("config", dockerfile, "--format", "json", "--exit-code", "3");
    assert.equal(r.code, 3, r.stderr);
    const ids = JSON.parse(r.stdout).misconfigurations.map((m: { id: string }) => m.id);
    assert.deepEqual(ids, ["root-user", "no-healthcheck", "latest-base-image", "pipe-to-shell"]);

    const table = vigil("config", dockerfile, "--severity", "HIGH");
    assert.equal(table.code, 0);
    assert.match(table.stdout, /2 misconfigurations/);
    assert.match(table.stdout, /pipe-to-shell/);
  });

  it("a missing file is one line and exit 2", () => {
    const r = vigil("config", path.join(dir, "nope"));
    assert.equal(r.code, 2);
    assert.match(oneLineError(r.stderr), /nope cannot be read/);
  });

  it("binary content, or text without FROM, is not checked as a Dockerfile", () => {
    const junk = path.join(dir, "junk");
    writeFileSync(junk, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x46, 0x52, 0x4f, 0x4d, 0x20]));
    const binary = vigil("config", junk);
    assert.equal(binary.code, 2);
    assert.match(oneLineError(binary.stderr), /junk is not a Dockerfile: its content is binary/);

    const notes = path.join(dir, "notes.txt");
    writeFileSync(notes, "RUN this by hand\nthen deploy\n");
    const text = vigil("config", notes);
    assert.equal(text.code, 2);
    assert.match(oneLineError(text.stderr), /notes\.txt is not a Dockerfile: it has no FROM/);
  });
});
