import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fixture, upstreamVersion } from "../../testing/binary-fixtures.js";
import { memorySource } from "../../util/byte-source.js";
import { analyzeGoBinary } from "./go-binary.js";
import { BUILDINFO_MAGIC, readRawBuildInfo } from "./go/buildinfo.js";
import { parseModuleInfo, stripSentinels } from "./go/modinfo.js";
import { stdlibVersion } from "./go/toolchain.js";
import { readObjectFile } from "./native/object-file.js";

// Real Go programs (scripts/make-binary-fixtures.sh): one module built by
// Debian's Go 1.19 for four targets and by bullseye's Go 1.15, and
// bullseye's fzf; Go's own reader (`go version -m`) is the reference.
const BINARIES = [
  "fixture-linux-amd64",
  "fixture-linux-386",
  "fixture-windows-amd64.exe",
  "fixture-darwin-arm64",
  "fixture-go1.15-linux-amd64",
  "fzf-bullseye",
];
const GO = "/usr/lib/go-1.19/bin/go";

function goVersionM(file: string): { version: string; modinfo: string } {
  const run = spawnSync(GO, ["version", "-m", file], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const [first = "", ...lines] = run.stdout.split("\n");
  return {
    version: first.slice(first.lastIndexOf(": ") + 2),
    modinfo: lines.map((l) => l.replace(/^\t/, "")).join("\n"),
  };
}

const load = (name: string) => readFileSync(fixture("go", name));
const listed = (out: Awaited<ReturnType<typeof analyzeGoBinary>>) =>
  (out.packages ?? []).map((p) => `${p.name} ${p.version}`);

const FIXTURE_MODULES = [
  "github.com/google/uuid v1.3.0",
  // `replace github.com/pkg/errors v0.9.0 => github.com/pkg/errors v0.9.1`
  "github.com/pkg/errors v0.9.1",
  // `replace github.com/spf13/pflag => ./third_party/pflag`: the required version, marked
  "github.com/spf13/pflag v1.0.5",
];

describe("Go build info", () => {
  for (const name of BINARIES) {
    it(`reads what \`go version -m\` reads from ${name}`, async () => {
      const source = memorySource(load(name));
      const obj = await readObjectFile(source);
      assert.ok("ok" in obj, JSON.stringify(obj));
      const raw = await readRawBuildInfo(obj.ok, source);
      assert.ok("ok" in raw, JSON.stringify(raw));

      const go = goVersionM(fixture("go", name));
      assert.equal(raw.ok.version, go.version);
      assert.deepEqual(
        parseModuleInfo(stripSentinels(raw.ok.modinfo)),
        parseModuleInfo(go.modinfo),
      );
    });
  }

  it("lists the toolchain, the main module and every dependency, replacements resolved", async () => {
    const out = await analyzeGoBinary(memorySource(load("fixture-linux-amd64")));
    assert.deepEqual(out.warnings, []);
    assert.deepEqual(listed(out), [
      `stdlib ${upstreamVersion("golang-1.19-go")}`,
      "example.org/vigil/fixture (devel)",
      ...FIXTURE_MODULES,
    ]);

    const [stdlib, main, , errors, pflag] = out.packages ?? [];
    assert.equal(stdlib?.metadata?.goToolchain, "go1.19.8");
    assert.equal(stdlib?.metadata?.["goBuild:GOOS"], "linux");
    assert.equal(main?.metadata?.goMain, "true");
    assert.equal(errors?.metadata?.goReplaces, "github.com/pkg/errors@v0.9.0");
    assert.equal(pflag?.metadata?.goReplacedBy, "./third_party/pflag");
  });

  it("reads the same from the stripped, 32-bit, PE and Mach-O builds", async () => {
    const expected = listed(await analyzeGoBinary(memorySource(load("fixture-linux-amd64"))));
    for (const name of ["fixture-windows-amd64.exe", "fixture-darwin-arm64"]) {
      assert.deepEqual(listed(await analyzeGoBinary(memorySource(load(name)))), expected, name);
    }
    // The 386 build kept -ldflags (no -trimpath), so its `-X main.version` stands in for (devel).
    const i386 = await analyzeGoBinary(memorySource(load("fixture-linux-386")));
    assert.deepEqual(
      listed(i386),
      expected.map((p) => p.replace(" (devel)", " v1.4.2")),
    );
    assert.equal(i386.packages?.[1]?.metadata?.goVersionFrom, "ldflags");
  });

  it("follows the pre-1.18 format's pointers (Go 1.15)", async () => {
    const out = await analyzeGoBinary(memorySource(load("fixture-go1.15-linux-amd64")));
    assert.deepEqual(listed(out), [
      `stdlib ${upstreamVersion("golang-1.15-go")}`,
      "example.org/vigil/fixture (devel)",
      ...FIXTURE_MODULES,
    ]);
  });

  it("reports only the toolchain of a GOPATH-mode build, with its main package", async () => {
    const out = await analyzeGoBinary(memorySource(load("fzf-bullseye")));
    assert.deepEqual(listed(out), ["stdlib 1.15.9"]);
    assert.equal(out.packages?.[0]?.metadata?.goMainPackage, undefined);
  });

  it("finds nothing, and says nothing, in a Rust program", async () => {
    const out = await analyzeGoBinary(memorySource(readFileSync(fixture("rust", "rg"))));
    assert.deepEqual(out, { warnings: [] });
  });
});

describe("Go build info, damaged", () => {
  const binary = load("fixture-linux-amd64");
  const magicAt = binary.indexOf(BUILDINFO_MAGIC);

  it("reads a truncated Go binary's build info, and says the file is damaged", async () => {
    // Go's linker writes the section headers early; the build info starts the data.
    const out = await analyzeGoBinary(memorySource(binary.subarray(0, magicAt + 4096)));
    assert.deepEqual(listed(out).slice(0, 2), [
      "stdlib 1.19.8",
      "example.org/vigil/fixture (devel)",
    ]);
    assert.deepEqual(
      out.warnings?.map((w) => w.code),
      ["BAD_BINARY"],
    );
    assert.match(
      out.warnings?.[0]?.message ?? "",
      /truncated: a segment at \d+\+\d+ runs past the end/,
    );
  });

  it("warns about a truncated ELF whose section headers are gone, and lists nothing", async () => {
    const rg = readFileSync(fixture("rust", "rg"));
    const out = await analyzeGoBinary(memorySource(rg.subarray(0, rg.length >> 1)));
    assert.equal(out.packages, undefined);
    assert.deepEqual(
      out.warnings?.map((w) => w.code),
      ["BAD_BINARY"],
    );
    assert.match(
      out.warnings?.[0]?.message ?? "",
      /truncated: the file ends at \d+ bytes, before the section headers/,
    );
  });

  it("warns about a header cut short, and lists nothing", async () => {
    const out = await analyzeGoBinary(memorySource(binary.subarray(0, 40)));
    assert.deepEqual(out.packages, undefined);
    assert.match(out.warnings?.[0]?.message ?? "", /ELF header is incomplete/);
  });

  it("refuses a module string whose length runs past its section", async () => {
    const lying = Buffer.from(binary);
    const versionLength = lying[magicAt + 32] as number;
    // The module string's varint length, rewritten to claim 16383 bytes.
    lying.set([0xff, 0x7f], magicAt + 33 + versionLength);
    const out = await analyzeGoBinary(memorySource(lying));
    assert.equal(out.packages, undefined);
    assert.deepEqual(
      out.warnings?.map((w) => w.code),
      ["BAD_GO_BUILDINFO"],
    );
    assert.match(
      out.warnings?.[0]?.message ?? "",
      /claims 16383 bytes, past the end of its section/,
    );
  });

  it("refuses a pre-1.18 pointer that leads outside the file", async () => {
    const old = Buffer.from(load("fixture-go1.15-linux-amd64"));
    const at = old.indexOf(BUILDINFO_MAGIC);
    old.writeBigUInt64LE(0x7fff_0000_0000n, at + 24);
    const out = await analyzeGoBinary(memorySource(old));
    assert.match(out.warnings?.[0]?.message ?? "", /pointer leads outside the file's segments/);
  });
});

describe("stdlib versions", () => {
  const cases: [string, string | undefined][] = [
    ["go1.19.8", "1.19.8"],
    ["go1.20", "1.20.0"],
    ["go1.21rc2", "1.21.0-rc.2"],
    ["go1.19beta1", "1.19.0-beta.1"],
    ["go1.22.1 X:boringcrypto", "1.22.1"],
    ["devel go1.23-4e8c8d0 Tue Jan 2 10:00:00 2024 +0000", undefined],
  ];
  for (const [toolchain, version] of cases) {
    it(`${toolchain} → ${version}`, () => assert.equal(stdlibVersion(toolchain), version));
  }
});

describe("module info text", () => {
  it("unquotes build settings as Go quotes them, and keeps bare values whole", () => {
    const info = parseModuleInfo(
      'path\tx\nbuild\t-ldflags="-s -w -X \\"main.v=1\\""\nbuild\tGOFLAGS=-mod=vendor\nbuild\t"a b"=c',
    );
    assert.deepEqual(Object.fromEntries(info.settings), {
      "-ldflags": '-s -w -X "main.v=1"',
      GOFLAGS: "-mod=vendor",
      "a b": "c",
    });
  });
});
