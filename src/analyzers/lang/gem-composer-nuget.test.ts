import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import type { PackageRecord } from "../../inventory/types.js";
import { repoRoot, sharedData } from "../../testing/shared.js";
import { composerInstalledAnalyzer } from "./composer-installed.js";
import { composerLockAnalyzer } from "./composer-lock.js";
import { dotnetDepsAnalyzer } from "./dotnet-deps.js";
import { gemfileLockAnalyzer } from "./gemfile-lock.js";
import { gemspecAnalyzer } from "./gemspec.js";
import { nugetLockAnalyzer } from "./nuget-lock.js";

const testdata = path.join(repoRoot, "testdata/lang");
const repo = sharedData("golden/trivy/integration/testdata/fixtures/repo");
const ids = (pkgs: PackageRecord[] = []) => pkgs.map((p) => `${p.name}@${p.version}`).sort();
const rels = (pkgs: PackageRecord[] = []) => pkgs.map((p) => `${p.name} ${p.dependency}`).sort();
const bytes = (file: string) => readFileSync(file);

describe("Ruby gems", () => {
  it("claims installed specifications, default gems included, and nothing else", () => {
    const yes = [
      "usr/share/rubygems-integration/all/specifications/rake-13.0.6.gemspec",
      "usr/local/bundle/specifications/rack-2.2.8.gemspec",
      "usr/lib/ruby/3.1.0/specifications/default/json-2.6.1.gemspec",
    ];
    const no = ["app/rack.gemspec", "usr/local/bundle/gems/rack-2.2.8/rack.gemspec"];
    for (const p of yes) assert.ok(gemspecAnalyzer.claims(p), p);
    for (const p of no) assert.ok(!gemspecAnalyzer.claims(p), p);
  });

  // Debian 12's rake and ruby-rack packages (testdata/lang/README.md).
  for (const [file, want] of [
    ["rake-13.0.6.gemspec", ["rake", "13.0.6"]],
    ["rack-2.2.22.gemspec", ["rack", "2.2.22"]],
  ] as const) {
    it(`reads ${file} without running it`, () => {
      const out = gemspecAnalyzer.analyze({
        path: `specifications/${file}`,
        content: bytes(path.join(testdata, "gem", file)),
      });
      const p = out.packages?.[0];
      assert.deepEqual([p?.type, p?.name, p?.version, p?.licenses], ["gem", ...want, ["MIT"]]);
    });
  }

  it("warns about a gemspec without a name", () => {
    const out = gemspecAnalyzer.analyze({
      path: "specifications/x.gemspec",
      content: Buffer.from('Gem::Specification.new do |s|\n  s.version = "1"\nend\n'),
    });
    assert.equal(out.warnings?.[0]?.code, "MALFORMED_ENTRY");
  });

  it("reads bundler's real Gemfile.lock: gems, and the Gemfile's ones as direct", () => {
    const out = gemfileLockAnalyzer.analyze({
      path: "app/Gemfile.lock",
      content: bytes(path.join(testdata, "gem/Gemfile.lock")),
    });
    assert.deepEqual(ids(out.packages), ["rack-test@2.0.2", "rack@2.2.22", "rake@13.0.6"]);
    assert.deepEqual(rels(out.packages), ["rack indirect", "rack-test direct", "rake direct"]);
  });

  it("splits a platform gem's version, and leaves PATH gems out", () => {
    const text = [
      "PATH",
      "  remote: .",
      "  specs:",
      "    myapp (0.1.0)",
      "",
      "GEM",
      "  specs:",
      "    nokogiri (1.15.4-x86_64-linux)",
      "",
      "DEPENDENCIES",
      "  myapp!",
      "  nokogiri (~> 1.15)",
    ].join("\n");
    const out = gemfileLockAnalyzer.analyze({ path: "Gemfile.lock", content: Buffer.from(text) });
    assert.deepEqual(ids(out.packages), ["nokogiri@1.15.4"]);
    assert.equal(out.packages?.[0]?.metadata?.platform, "x86_64-linux");
    assert.equal(out.packages?.[0]?.dependency, "direct");
  });
});

describe("Composer", () => {
  const installed = bytes(path.join(repo, "composer-vendor/installed.json"));
  const want = ["guzzlehttp/psr7@1.8.3", "psr/http-message@1.1", "ralouphie/getallheaders@3.0.3"];

  it("reads Composer 2's installed.json, as Trivy's golden lists it", () => {
    assert.ok(composerInstalledAnalyzer.claims("app/vendor/composer/installed.json"));
    const out = composerInstalledAnalyzer.analyze({ path: "x", content: installed });
    assert.deepEqual(ids(out.packages), want);
    for (const p of out.packages ?? []) assert.deepEqual(p.licenses, ["MIT"]);
  });

  it("reads Composer 1's form, a bare array of the same packages", () => {
    // Derived from the file above: Composer 1 wrote the `packages` array alone.
    const v1 = Buffer.from(JSON.stringify(JSON.parse(installed.toString()).packages));
    const out = composerInstalledAnalyzer.analyze({ path: "x", content: v1 });
    assert.deepEqual(ids(out.packages), want);
  });

  it("reads composer.lock with its licenses", () => {
    const out = composerLockAnalyzer.analyze({
      path: "composer.lock",
      content: bytes(path.join(repo, "composer/composer.lock")),
    });
    assert.deepEqual(ids(out.packages), ["guzzlehttp/guzzle@7.4.4", "guzzlehttp/psr7@1.8.3"]);
    assert.ok(out.packages?.every((p) => p.declared && p.licenses?.[0] === "MIT"));
  });

  it("warns about an installed.json that has no package list", () => {
    const out = composerInstalledAnalyzer.analyze({ path: "x", content: Buffer.from('{"a":1}') });
    assert.equal(out.warnings?.[0]?.code, "UNPARSABLE_FILE");
  });
});

describe(".NET", () => {
  it("reads the package libraries of a deps.json, not the project", () => {
    assert.ok(dotnetDepsAnalyzer.claims("app/datacollector.deps.json"));
    const out = dotnetDepsAnalyzer.analyze({
      path: "app/datacollector.deps.json",
      content: bytes(path.join(repo, "dotnet/datacollector.deps.json")),
    });
    assert.deepEqual(ids(out.packages), ["Newtonsoft.Json@9.0.1"]);
    // This file has no targets section, so it cannot say what the project names.
    assert.equal(out.packages?.[0]?.dependency, undefined);
  });

  it("reads packages.lock.json with NuGet's own Direct and Transitive", () => {
    const out = nugetLockAnalyzer.analyze({
      path: "packages.lock.json",
      content: bytes(path.join(repo, "nuget/packages.lock.json")),
    });
    assert.deepEqual(ids(out.packages), ["Newtonsoft.Json@12.0.3", "NuGet.Frameworks@5.7.0"]);
    assert.deepEqual(rels(out.packages), ["Newtonsoft.Json direct", "NuGet.Frameworks direct"]);
  });

  it("warns about a deps.json that is not JSON", () => {
    const out = dotnetDepsAnalyzer.analyze({ path: "a.deps.json", content: Buffer.from("{") });
    assert.equal(out.warnings?.[0]?.code, "UNPARSABLE_FILE");
  });
});
