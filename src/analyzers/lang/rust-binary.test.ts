import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { deflateSync } from "node:zlib";
import { fixture } from "../../testing/binary-fixtures.js";
import { memorySource } from "../../util/byte-source.js";
import { analyzeRustBinary } from "./rust-binary.js";
import { parseAuditData } from "./rust/audit-data.js";

// bookworm's ripgrep, and the same binary with a cargo-auditable section
// added by objcopy, listing the crates Debian records as built into it
// (scripts/make-binary-fixtures.sh writes the JSON beside it).
interface AuditEntry {
  name: string;
  version: string;
  source: string;
  root?: boolean;
}

describe("cargo-auditable data in Rust binaries", () => {
  it("lists every crate of the .dep-v0 section, the root marked", async () => {
    const json = JSON.parse(readFileSync(fixture("rust", "rg-auditable.json"), "utf8")) as {
      packages: AuditEntry[];
    };
    const out = await analyzeRustBinary(
      memorySource(readFileSync(fixture("rust", "rg-auditable"))),
    );

    assert.deepEqual(out.warnings, []);
    assert.deepEqual(
      out.packages?.map((p) => [p.type, p.name, p.version, p.metadata?.cargoSource]),
      json.packages.map((p) => ["cargo", p.name, p.version, p.source]),
    );
    assert.ok(json.packages.length > 40);
    const root = out.packages?.find((p) => p.metadata?.cargoRoot === "true");
    assert.deepEqual([root?.name, root?.version], ["ripgrep", "13.0.0"]);
  });

  it("reports nothing for a Rust binary built without cargo-auditable", async () => {
    const out = await analyzeRustBinary(memorySource(readFileSync(fixture("rust", "rg"))));
    assert.deepEqual(out, {});
  });

  it("leaves a damaged header to the Go analyzer, which reports it once", async () => {
    const binary = readFileSync(fixture("rust", "rg-auditable"));
    assert.deepEqual(await analyzeRustBinary(memorySource(binary.subarray(0, 4096))), {});
  });
});

describe("cargo-auditable data, bad input", () => {
  it("warns about bytes that are not zlib", () => {
    const out = parseAuditData(Buffer.from("not compressed at all"));
    assert.deepEqual(
      out.warnings?.map((w) => w.code),
      ["BAD_CARGO_AUDIT_DATA"],
    );
  });

  it("stops a decompression bomb at 8 MiB", () => {
    const bomb = deflateSync(Buffer.alloc(64 << 20, 0x20));
    const out = parseAuditData(bomb);
    assert.equal(out.packages, undefined);
    assert.match(out.warnings?.[0]?.message ?? "", /cannot be read: .*(buffer|length|large)/i);
  });

  it("skips entries without a name and version, and says how many", () => {
    const data = { packages: [{ name: "a", version: "1.0.0" }, { name: "b" }, 7] };
    const out = parseAuditData(deflateSync(JSON.stringify(data)));
    assert.deepEqual(
      out.packages?.map((p) => p.name),
      ["a"],
    );
    assert.match(out.warnings?.[0]?.message ?? "", /2 entries without a name and version/);
  });
});
