import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { sharedData } from "../../testing/shared.js";
import { dpkgDistrolessAnalyzer } from "./dpkg-distroless.js";
import { dpkgStatusAnalyzer } from "./dpkg-status.js";
import { tempDir } from "../../testing/tmp.js";

const PRESENT = new Set([
  "installed",
  "triggers-pending",
  "triggers-awaited",
  "half-configured",
  "unpacked",
]);

/** What dpkg itself says a status file holds: the oracle for the parser. */
function dpkgQuery(statusFile: string): string[] {
  const admin = tempDir("vigil-dpkg-");
  mkdirSync(path.join(admin, "updates"));
  writeFileSync(path.join(admin, "status"), readFileSync(statusFile));
  const out = execFileSync(
    "dpkg-query",
    [
      "--admindir",
      admin,
      "-W",
      "-f",
      "${Package}\t${Version}\t${db:Status-Status}\t${source:Package}\t${source:Version}\n",
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] },
  );
  return out
    .split("\n")
    .filter(Boolean)
    .map((l) => l.split("\t"))
    .filter(([, , state]) => PRESENT.has(state as string))
    .map(([name, version, , srcName, srcVersion]) => `${name} ${version} ${srcName} ${srcVersion}`)
    .sort();
}

describe("dpkg status", () => {
  const dir = sharedData("pkgdb", "dpkg");
  const files = readdirSync(dir).filter((f) => f.endsWith(".status"));

  for (const file of files) {
    it(`reads ${file} as dpkg-query does`, () => {
      const content = readFileSync(path.join(dir, file));
      const out = dpkgStatusAnalyzer.analyze({ path: "var/lib/dpkg/status", content });
      const ours = (out.packages ?? [])
        .map((p) => `${p.name} ${p.version} ${p.sourceName} ${p.sourceVersion}`)
        .sort();
      assert.ok(ours.length > 50, `${file}: only ${ours.length} packages`);
      assert.deepEqual(ours, dpkgQuery(path.join(dir, file)));
    });
  }

  it("skips config-files leftovers (Ubuntu 18.04 sample has one)", () => {
    const content = readFileSync(path.join(dir, "trivy-valid-ubuntu18.04.status"));
    const out = dpkgStatusAnalyzer.analyze({ path: "var/lib/dpkg/status", content });
    const all = content.toString().match(/^Package:/gm)?.length ?? 0;
    assert.equal(out.packages?.length, all - 1);
  });

  it("takes source name and version from `Source: name (version)`", () => {
    const content = Buffer.from(
      "Package: libfoo1\nStatus: install ok installed\nVersion: 1.2-3+b1\nSource: foo (1.2-3)\n",
    );
    const [pkg] =
      dpkgStatusAnalyzer.analyze({ path: "var/lib/dpkg/status", content }).packages ?? [];
    assert.equal(pkg?.sourceName, "foo");
    assert.equal(pkg?.sourceVersion, "1.2-3");
    assert.equal(pkg?.version, "1.2-3+b1");
  });
});

describe("distroless status.d", () => {
  const dir = sharedData("pkgdb", "dpkg", "distroless-status.d");

  it("claims entries but not md5sums or nested files", () => {
    assert.equal(dpkgDistrolessAnalyzer.claims("var/lib/dpkg/status.d/libc6"), true);
    assert.equal(dpkgDistrolessAnalyzer.claims("var/lib/dpkg/status.d/libc6.md5sums"), false);
    assert.equal(dpkgDistrolessAnalyzer.claims("var/lib/dpkg/status.d/x/y"), false);
  });

  it("reads a real distroless entry, which has no Status field", () => {
    const content = readFileSync(path.join(dir, "libsqlite3-0"));
    const out = dpkgDistrolessAnalyzer.analyze({
      path: "var/lib/dpkg/status.d/libsqlite3-0",
      content,
    });
    assert.deepEqual(
      out.packages?.map((p) => [p.name, p.version, p.sourceName, p.arch]),
      [["libsqlite3-0", "3.34.1-3", "sqlite3", "arm64"]],
    );
  });

  it("warns about entries without a version and keeps the rest", () => {
    const content = readFileSync(path.join(dir, "syft-multiple"));
    const out = dpkgDistrolessAnalyzer.analyze({
      path: "var/lib/dpkg/status.d/syft-multiple",
      content,
    });
    assert.deepEqual(
      out.packages?.map((p) => `${p.name} ${p.sourceName}`),
      ["tzdata tzdata-dev", "util-linux util-linux"],
    );
    assert.deepEqual(
      out.warnings?.map((w) => [w.code, w.line]),
      [
        ["MALFORMED_ENTRY", 1],
        ["MALFORMED_ENTRY", 3],
      ],
    );
  });
});
