import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { goBinaryAnalyzer } from "../analyzers/lang/go-binary.js";
import { rustBinaryAnalyzer } from "../analyzers/lang/rust-binary.js";
import { dpkgStatusAnalyzer } from "../analyzers/pkg/dpkg-status.js";
import type { AnyAnalyzer, FileAnalyzer } from "../analyzers/types.js";
import { inventoryImage, type InventoryOptions } from "../scan/inventory.js";
import { secretScannerFor } from "../secrets/collect.js";
import { fixture } from "../testing/binary-fixtures.js";
import { writeOciLayout, type FixtureEntry } from "../testing/oci-builder.js";
import { sharedData } from "../testing/shared.js";
import { tempDir } from "../testing/tmp.js";

// How the walk hands files to analyzers that claim by mode and first bytes,
// and keeps big ones on disk: real Go and Rust binaries (scripts/
// make-binary-fixtures.sh) in layers built here.
const goBinary = readFileSync(fixture("go", "fixture-linux-amd64"));
const rustBinary = readFileSync(fixture("rust", "rg-auditable"));
// The corpus's planted token (a valid checksum, no real account).
const script =
  "#!/bin/sh\nexport GITHUB_TOKEN=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\nexec true\n";

const exe = (name: string, content: Buffer | string): FixtureEntry => ({
  name,
  content,
  mode: 0o755,
});

async function scan(entries: FixtureEntry[], opts: InventoryOptions) {
  const dir = await writeOciLayout([{ entries }]);
  return inventoryImage(`oci:${dir}`, { contentScanners: [secretScannerFor()], ...opts });
}

/** A random-access analyzer that records what it was given. */
function recorder(maxBytes = 64 << 20) {
  const seen: { path: string; inMemory: boolean; sha: string }[] = [];
  const analyzer: FileAnalyzer = {
    id: "test-recorder",
    version: 1,
    access: "random",
    maxBytes,
    claims: () => false,
    claimsEntry: (e) => (e.mode & 0o111) !== 0,
    claimsHead: (head) => head.subarray(0, 4).toString("latin1") === "\x7fELF",
    analyze: async ({ path, source }) => {
      const bytes = await source.read(0, source.size);
      seen.push({ path, inMemory: source.buffer !== undefined, sha: sha(bytes) });
      return {};
    },
  };
  return { analyzer, seen };
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const names = (inv: Awaited<ReturnType<typeof scan>>) =>
  inv.packages.map((p) => `${p.path} ${p.name}@${p.version}`);

describe("claims by mode and first bytes", () => {
  it("finds an executable binary whatever its name, and not the same bytes without the x bit", async () => {
    const inv = await scan(
      [exe("opt/tools/thing", goBinary), { name: "opt/tools/copy", content: goBinary }],
      { analyzers: [goBinaryAnalyzer] },
    );
    assert.deepEqual(
      names(inv).map((n) => n.split(" ")[0]),
      Array(5).fill("/opt/tools/thing"),
    );
    assert.deepEqual(inv.warnings, []);
  });

  it("leaves an executable script to the secret scan, read once", async () => {
    const entries = [exe("usr/local/bin/deploy", script), exe("usr/local/bin/tool", goBinary)];
    const withBinaries = await scan(entries, { analyzers: [goBinaryAnalyzer, rustBinaryAnalyzer] });
    const without = await scan(entries, { analyzers: [] });

    assert.deepEqual(
      withBinaries.secrets?.map((s) => [s.rule, s.path]),
      [["github-token", "/usr/local/bin/deploy"]],
    );
    assert.deepEqual(withBinaries.secretScan, without.secretScan);
    assert.deepEqual(withBinaries.secretScan?.skipped, { binary: 1 });
  });

  it("reports a hard link to a binary once, at its target", async () => {
    const inv = await scan(
      [
        exe("usr/bin/tool", goBinary),
        { name: "usr/bin/tool-alias", type: "link", linkname: "usr/bin/tool" },
      ],
      { analyzers: [goBinaryAnalyzer] },
    );
    assert.ok(names(inv).every((n) => n.startsWith("/usr/bin/tool ")));
    assert.deepEqual(inv.warnings, []);
  });
});

describe("big files on disk", () => {
  it("spills a file over the threshold, gives the analyzer its exact bytes, and deletes it", async () => {
    const spillDir = tempDir("vigil-spill-");
    const { analyzer, seen } = recorder();
    await scan([exe("a/big", goBinary), exe("a/small", rustBinary.subarray(0, 512 << 10))], {
      analyzers: [analyzer],
      spillDir,
      spillAboveBytes: 1 << 20,
    });
    assert.deepEqual(seen, [
      { path: "a/big", inMemory: false, sha: sha(goBinary) },
      { path: "a/small", inMemory: true, sha: sha(rustBinary.subarray(0, 512 << 10)) },
    ]);
    assert.deepEqual(readdirSync(spillDir), []);
  });

  it("gives the same packages from a spilled binary as from memory", async () => {
    const entries = [exe("usr/bin/tool", goBinary), exe("usr/bin/rg", rustBinary)];
    const analyzers = [goBinaryAnalyzer, rustBinaryAnalyzer];
    const spillDir = tempDir("vigil-spill-");
    const onDisk = await scan(entries, { analyzers, spillDir, spillAboveBytes: 1024 });
    const inMemory = await scan(entries, { analyzers });
    assert.deepEqual(names(onDisk), names(inMemory));
    assert.ok(names(onDisk).length > 40);
    assert.deepEqual(readdirSync(spillDir), []);
  });

  it("deletes the spill file when the analyzer throws, which is a warning on that file", async () => {
    const spillDir = tempDir("vigil-spill-");
    const broken: FileAnalyzer = {
      ...recorder().analyzer,
      analyze: () => Promise.reject(new Error("parser bug")),
    };
    const inv = await scan([exe("a/big", goBinary)], {
      analyzers: [broken],
      spillDir,
      spillAboveBytes: 1024,
    });
    assert.deepEqual(inv.warnings, [
      { code: "ANALYZER_FAILED", message: "test-recorder: parser bug", layer: 0, path: "/a/big" },
    ]);
    assert.deepEqual(readdirSync(spillDir), []);
  });

  it("skips a file over the analyzer's hard limit with a warning", async () => {
    const { analyzer, seen } = recorder(1 << 20);
    const inv = await scan([exe("a/big", goBinary)], { analyzers: [analyzer] });
    assert.deepEqual(seen, []);
    assert.deepEqual(
      inv.warnings.map((w) => [w.code, w.path]),
      [["FILE_TOO_LARGE", "/a/big"]],
    );
  });

  it("goes on without the file when the spill cannot be written", async () => {
    const notADir = path.join(tempDir("vigil-spill-"), "file");
    writeFileSync(notADir, "");
    const { analyzer, seen } = recorder();
    const inv = await scan([exe("a/big", goBinary), exe("a/small", goBinary.subarray(0, 4096))], {
      analyzers: [analyzer],
      spillDir: notADir,
      spillAboveBytes: 1 << 20,
    });
    assert.deepEqual(
      seen.map((s) => s.path),
      ["a/small"],
    );
    assert.deepEqual(
      inv.warnings.map((w) => [w.code, w.path]),
      [["SPILL_FAILED", "/a/big"]],
    );
  });

  it("keeps giving buffer analyzers whole buffers above the threshold", async () => {
    const status = readFileSync(
      sharedData("pkgdb", "dpkg", "debian-12.15-bookworm-minbase-amd64.status"),
    );
    const direct = dpkgStatusAnalyzer.analyze({ path: "var/lib/dpkg/status", content: status });
    const analyzers: AnyAnalyzer[] = [dpkgStatusAnalyzer];
    const inv = await scan([{ name: "var/lib/dpkg/status", content: status }], {
      analyzers,
      spillAboveBytes: 1024,
    });
    assert.ok(status.length > 1024);
    assert.equal(inv.packages.length, direct.packages?.length);
  });
});
