import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { sharedData } from "../../testing/shared.js";
import { cargoLockAnalyzer, parseCargoLock } from "./cargo-lock.js";

// Trivy's Cargo.lock test fixtures and its golden result for the first, as
// kept in ../shared/data/golden/trivy (real files from Trivy's repository).
const repo = (...p: string[]) => sharedData("golden", "trivy", "integration", "testdata", ...p);

interface Golden {
  Results: { Target: string; Packages?: { Name: string; Version: string }[] }[];
}

describe("Cargo.lock", () => {
  it("lists what Trivy lists, and the dev-dependencies Trivy drops with Cargo.toml's help", () => {
    const lock = readFileSync(repo("fixtures", "repo", "cargo", "Cargo.lock"), "utf8");
    const out = parseCargoLock(lock);
    const ours = (out.packages ?? []).map((p) => `${p.name}@${p.version}`).sort();

    const golden = JSON.parse(readFileSync(repo("cargo.lock.json.golden"), "utf8")) as Golden;
    const theirs = (golden.Results[0]?.Packages ?? []).map((p) => `${p.Name}@${p.Version}`).sort();
    assert.equal(theirs.length, 7);
    assert.deepEqual(
      ours.filter((p) => !theirs.includes(p)),
      ["winapi-i686-pc-windows-gnu@0.4.0", "winapi-x86_64-pc-windows-gnu@0.4.0", "winapi@0.3.9"],
    );
    assert.deepEqual(
      theirs.filter((p) => !ours.includes(p)),
      [],
    );
    assert.deepEqual(out.warnings, []);
  });

  it("marks workspace members local and keeps registry sources and checksums", () => {
    const out = parseCargoLock(
      readFileSync(repo("fixtures", "repo", "cargo", "Cargo.lock"), "utf8"),
    );
    const app = out.packages?.find((p) => p.name === "app");
    const libc = out.packages?.find((p) => p.name === "libc");
    assert.equal(app?.metadata?.cargoSource, "local");
    assert.match(libc?.metadata?.cargoSource ?? "", /^registry\+/);
    assert.equal(libc?.metadata?.cargoChecksum?.length, 64);
  });

  it("reads lock format 1 (checksums under [metadata]), from Trivy's trivy-ci-test", () => {
    const text = readFileSync(repo("fixtures", "repo", "trivy-ci-test", "Cargo.lock"), "utf8");
    const out = parseCargoLock(text);
    assert.equal(out.packages?.length, (text.match(/^\[\[package\]\]$/gm) ?? []).length);
    assert.equal(out.packages?.length, 74);
    assert.deepEqual(out.warnings, []);
  });

  it("warns about a file that is not TOML, naming the line", () => {
    const out = parseCargoLock('[[package]]\nname = "a"\nversion = \n');
    assert.deepEqual(
      out.warnings?.map((w) => w.code),
      ["BAD_CARGO_LOCK"],
    );
    assert.match(out.warnings?.[0]?.message ?? "", /line 3/);
  });

  it("claims lock files, but not those of crate sources cargo unpacked", () => {
    assert.ok(cargoLockAnalyzer.claims("src/app/Cargo.lock"));
    assert.ok(cargoLockAnalyzer.claims("Cargo.lock"));
    assert.ok(!cargoLockAnalyzer.claims("root/.cargo/registry/src/index-1/regex-1.7.3/Cargo.lock"));
    assert.ok(!cargoLockAnalyzer.claims("src/app/Cargo.lock.bak"));
  });
});
