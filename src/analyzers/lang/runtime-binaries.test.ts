import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { SpillFile } from "../../layers/spill.js";
import { fixture, upstreamVersion } from "../../testing/binary-fixtures.js";
import { tempDir } from "../../testing/tmp.js";
import { memorySource, occurrences, textMatches, WINDOW_BYTES } from "../../util/byte-source.js";
import type { ByteSource } from "../types.js";
import { parseGoVersionFile } from "./go-toolchain.js";
import { jdkReleaseAnalyzer, parseJdkRelease } from "./jdk-release.js";
import { analyzeRuntimeBinary, runtimeBinariesAnalyzer } from "./runtime-binaries.js";

// Binaries from bookworm's packages (scripts/make-binary-fixtures.sh); the
// version each must report is its package's upstream version.
const RUNTIMES: [file: string, path: string, name: string, pkg: string][] = [
  ["nginx", "usr/sbin/nginx", "nginx", "nginx"],
  ["apache2", "usr/sbin/apache2", "httpd", "apache2-bin"],
  ["redis-check-rdb", "usr/bin/redis-check-rdb", "redis", "redis-tools"],
  ["python3.11", "usr/bin/python3.11", "python", "python3.11-minimal"],
  [
    "libpython3.11.so.1.0",
    "usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0",
    "python",
    "libpython3.11",
  ],
  ["openssl", "usr/bin/openssl", "openssl", "openssl"],
  ["libcrypto.so.3", "usr/lib/x86_64-linux-gnu/libcrypto.so.3", "openssl", "libssl3"],
];

async function spilled(bytes: Buffer): Promise<SpillFile> {
  const file = await SpillFile.create(tempDir("vigil-spill-test-"));
  await file.append(bytes);
  return file;
}

const found = async (path: string, source: ByteSource) =>
  (await analyzeRuntimeBinary(path, source)).packages?.map((p) => [p.name, p.version]);

describe("runtime versions in binaries", () => {
  for (const [file, path, name, pkg] of RUNTIMES) {
    it(`${path} is ${name} ${upstreamVersion(pkg)}, as its package says`, async () => {
      const bytes = readFileSync(fixture("runtime", file));
      assert.ok(runtimeBinariesAnalyzer.claims(path));
      assert.ok(runtimeBinariesAnalyzer.claimsHead?.(bytes.subarray(0, 64), path));
      assert.deepEqual(await found(path, memorySource(bytes)), [[name, upstreamVersion(pkg)]]);
    });
  }

  it("finds the same in a spilled copy, read in windows", async () => {
    for (const [file, path] of RUNTIMES) {
      const bytes = readFileSync(fixture("runtime", file));
      const copy = await spilled(bytes);
      try {
        assert.deepEqual(await found(path, copy), await found(path, memorySource(bytes)), file);
      } finally {
        await copy.dispose();
      }
    }
  });

  it("says how sure it is, and which string it read", async () => {
    const nginx = await analyzeRuntimeBinary(
      "usr/sbin/nginx",
      memorySource(readFileSync(fixture("runtime", "nginx"))),
    );
    assert.deepEqual(nginx.packages?.[0]?.metadata, {
      runtime: "nginx",
      confidence: "high",
      evidence: "nginx/1.22.1",
    });
    const python = await analyzeRuntimeBinary(
      "usr/bin/python3.11",
      memorySource(readFileSync(fixture("runtime", "python3.11"))),
    );
    assert.equal(python.packages?.[0]?.metadata?.confidence, "medium");
  });

  it("claims runtime names only, and only binaries among them", () => {
    for (const path of [
      "usr/local/bin/node",
      "usr/lib/x86_64-linux-gnu/libnode.so.108",
      "usr/local/bin/python3.12",
      "usr/local/lib/libpython3.12.so.1.0",
      "usr/sbin/httpd",
      "usr/local/bin/redis-server",
    ]) {
      assert.ok(runtimeBinariesAnalyzer.claims(path), path);
    }
    for (const path of [
      "usr/bin/nodes",
      "usr/share/doc/nginx/copyright",
      "usr/bin/python3-config",
      "etc/nginx/nginx.conf",
    ]) {
      assert.ok(!runtimeBinariesAnalyzer.claims(path), path);
    }
    assert.ok(
      !runtimeBinariesAnalyzer.claimsHead?.(Buffer.from("#!/bin/sh\nexec node"), "usr/bin/node"),
    );
  });

  it("reports nothing from a binary without the runtime's string", async () => {
    const rg = readFileSync(fixture("rust", "rg"));
    assert.deepEqual(await analyzeRuntimeBinary("usr/sbin/nginx", memorySource(rg)), {});
  });
});

describe("toolchain and JDK version files", () => {
  it("reads the Go toolchains' VERSION files as stdlib", () => {
    for (const [file, pkg] of [
      ["VERSION-1.19", "golang-1.19-go"],
      ["VERSION-1.15", "golang-1.15-go"],
    ]) {
      const out = parseGoVersionFile(readFileSync(fixture("go", file as string), "utf8"));
      assert.deepEqual(
        out.packages?.map((p) => [p.type, p.name, p.version]),
        [["golang", "stdlib", upstreamVersion(pkg as string)]],
      );
    }
    assert.deepEqual(
      parseGoVersionFile("go1.21.5\ntime 2023-11-29T21:21:46Z\n").packages?.[0]?.version,
      "1.21.5",
    );
    assert.deepEqual(parseGoVersionFile("not a version\n"), {});
  });

  it("reads a JDK release file, keeping who built it", () => {
    // The shape of Temurin's release file (keys and quoting as the JDK build writes them).
    const text =
      [
        'IMPLEMENTOR="Eclipse Adoptium"',
        'IMPLEMENTOR_VERSION="Temurin-17.0.13+11"',
        'JAVA_RUNTIME_VERSION="17.0.13+11"',
        'JAVA_VERSION="17.0.13"',
        'JAVA_VERSION_DATE="2024-10-15"',
      ].join("\n") + "\n";
    const out = parseJdkRelease(text);
    assert.deepEqual(out.packages, [
      {
        type: "generic",
        name: "openjdk",
        version: "17.0.13",
        metadata: {
          runtime: "java",
          confidence: "high",
          javaRuntimeVersion: "17.0.13+11",
          javaImplementor: "Eclipse Adoptium",
        },
      },
    ]);
    assert.ok(jdkReleaseAnalyzer.claims("opt/java/openjdk/release"));
    assert.ok(jdkReleaseAnalyzer.claims("usr/lib/jvm/java-17-openjdk-amd64/release"));
    assert.ok(!jdkReleaseAnalyzer.claims("etc/release"));
  });
});

describe("searching a source in windows", () => {
  it("finds a needle that straddles two windows, once", async () => {
    const bytes = Buffer.alloc(WINDOW_BYTES + 100);
    bytes.write("node.js/v20.1.0", WINDOW_BYTES - 4, "latin1");
    const copy = await spilled(bytes);
    try {
      const seen: number[] = [];
      for await (const at of occurrences(copy, Buffer.from("node.js/v"))) seen.push(at);
      assert.deepEqual(seen, [WINDOW_BYTES - 4]);
      const texts: string[] = [];
      for await (const m of textMatches(copy, /node\.js\/v[\d.]+/g)) texts.push(m[0] as string);
      assert.deepEqual(texts, ["node.js/v20.1.0"]);
    } finally {
      await copy.dispose();
    }
  });
});
