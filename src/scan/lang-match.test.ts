import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { createLogger } from "../log.js";
import type { ScanResult } from "../report/model.js";
import { referencesFor } from "../testing/corpus.js";
import { corpusDir, sharedData } from "../testing/shared.js";
import { tempDir } from "../testing/tmp.js";
import { importFeeds } from "../vulndb/index.js";
import { scanImage } from "./scan.js";

/** EXPECTED.md's list: "- `axios@0.21.0` (/app/…) — CVE-…, CVE-… — direct dependency". */
function expectedAdvisories(): Map<string, string[]> {
  const text = readFileSync(path.join(corpusDir(), "EXPECTED.md"), "utf8");
  const section = text.slice(text.indexOf("npm packages under /app with well-known advisories"));
  const lines = section.slice(0, section.indexOf("\n\n", section.indexOf("- `"))).split("\n");
  const out = new Map<string, string[]>();
  for (const line of lines) {
    const m = /^- `([^`]+)` \([^)]*\) — ([^—]+)/.exec(line);
    if (m)
      out.set(
        m[1] as string,
        (m[2] as string).split(",").map((c) => c.trim()),
      );
  }
  return out;
}

// The shared GitHub advisories were indexed in September 2024 (its README);
// these were published later, so no data here can find them.
const PUBLISHED_LATER = ["CVE-2024-47764", "CVE-2024-52798", "CVE-2025-27152"];

describe("debian-app's language packages against the real advisories", () => {
  let db: string;
  const scan = (more: { matchOsOwned?: boolean } = {}) =>
    scanImage(referencesFor("debian-app")[0] as string, {
      dbPath: db,
      log: createLogger({ level: "error", format: "text" }),
      scanners: ["vuln"],
      ...more,
    });
  let result: ScanResult;

  before(async () => {
    db = path.join(tempDir("vigil-lang-match-"), "vigil.db");
    await importFeeds(db, [sharedData("osv", "npm"), sharedData("osv", "PyPI")]);
    result = await scan();
  });

  it("finds every advisory EXPECTED.md names for the /app packages", () => {
    const expected = expectedAdvisories();
    assert.equal(expected.size, 11);
    const missing: string[] = [];
    for (const [id, cves] of expected) {
      const [name, version] = id.split("@");
      const found = result.findings
        .filter((f) => f.package.name === name && f.package.version === version)
        .flatMap((f) => [f.id, ...f.aliases]);
      missing.push(...cves.filter((c) => !found.includes(c)));
    }
    assert.deepEqual(missing.sort(), PUBLISHED_LATER);
  });

  it("reports nothing for minimist, which a later layer removed", () => {
    assert.ok(!result.findings.some((f) => f.package.name === "minimist"));
  });

  it("leaves Debian's node and Python modules to Debian, unless asked", async () => {
    const owned = result.inventory.packages.filter((p) => p.ownedBy);
    assert.equal(owned.filter((p) => p.type === "pypi").length, 12);
    assert.equal(owned.filter((p) => p.path.startsWith("/usr/share/nodejs/")).length, 25);
    assert.ok(owned.every((p) => p.ownedBy?.type === "deb"));
    assert.ok(!result.findings.some((f) => f.package.ownedBy));

    const requests = owned.find((p) => p.name === "requests");
    assert.equal(requests?.ownedBy?.name, "python3-requests");
    const upstream = await scan({ matchOsOwned: true });
    const ids = upstream.findings
      .filter((f) => f.package.name === "requests")
      .flatMap((f) => [f.id, ...f.aliases]);
    assert.ok(ids.includes("CVE-2023-32681"), ids.join(" "));
  });
});

describe("debian-app's jars and Go binaries against the real advisories", () => {
  let result: ScanResult;

  before(async () => {
    const db = path.join(tempDir("vigil-bin-match-"), "vigil.db");
    await importFeeds(db, [sharedData("osv", "Maven"), sharedData("osv", "Go", "all.zip")]);
    // Debian installed both, so only --match-os-owned matches them upstream.
    result = await scanImage(referencesFor("debian-app")[0] as string, {
      dbPath: db,
      log: createLogger({ level: "error", format: "text" }),
      scanners: ["vuln"],
      matchOsOwned: true,
    });
  });

  const idsOf = (name: string, file?: string) =>
    result.findings
      .filter((f) => f.package.name === name && (!file || f.package.path === file))
      .flatMap((f) => [f.id, ...f.aliases]);

  it("matches snakeyaml 1.33, named by its pom.properties, against Maven's advisories", () => {
    assert.ok(idsOf("org.yaml:snakeyaml").includes("CVE-2022-1471"));
  });

  it("matches the Go toolchain a binary was built with against stdlib advisories", () => {
    // fzf was built with go1.19.8; net/http's CVE-2023-29406 was fixed in 1.19.11.
    const stdlib = idsOf("stdlib", "/usr/bin/fzf");
    assert.ok(stdlib.includes("GO-2023-1878"), stdlib.join(" "));
    assert.ok(stdlib.length > 10);
  });

  it("matches none of them without --match-os-owned", async () => {
    const db = path.join(tempDir("vigil-bin-match-"), "vigil.db");
    await importFeeds(db, [sharedData("osv", "Maven"), sharedData("osv", "Go", "all.zip")]);
    const plain = await scanImage(referencesFor("debian-app")[0] as string, {
      dbPath: db,
      log: createLogger({ level: "error", format: "text" }),
      scanners: ["vuln"],
    });
    const types = new Set(plain.findings.map((f) => f.package.type));
    assert.ok(!types.has("maven") && !types.has("golang"), [...types].join(" "));
  });
});
