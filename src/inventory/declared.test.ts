import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import type { Analyzer } from "../analyzers/types.js";
import { npmLockAnalyzer } from "../analyzers/lang/npm-lock.js";
import { npmPackageAnalyzer } from "../analyzers/lang/npm-package.js";
import { repoRoot } from "../testing/shared.js";
import { mergeDeclared } from "./declared.js";
import type { Package, PackageRecord } from "./types.js";

// npm's real install of the fixture project (testdata/lang/npm/tree), placed under /app.
const tree = path.join(repoRoot, "testdata/lang/npm/tree");
const files = readdirSync(tree, { recursive: true, encoding: "utf8" }).filter((f) =>
  f.endsWith(".json"),
);

function packagesOf(analyzer: Analyzer, file: string): Package[] {
  const out = analyzer.analyze({
    path: `app/${file}`,
    content: readFileSync(path.join(tree, file)),
  });
  return (out.packages ?? []).map((r: PackageRecord) => ({
    ...r,
    path: `/app/${file}`,
    layer: { index: 0, diffId: "" },
    purl: "",
  }));
}
const installed = files
  .filter((f) => npmPackageAnalyzer.claims(`app/${f}`))
  .flatMap((f) => packagesOf(npmPackageAnalyzer, f));
const lock = packagesOf(npmLockAnalyzer, "package-lock.json");
const summary = (pkgs: Package[]) =>
  pkgs.map((p) => `${p.path} ${p.name}@${p.version} ${p.dependency ?? "-"}`).sort();

describe("lockfile records folded into the installed tree", () => {
  it("reports each installed package once, with the lock's relationship", () => {
    const merged = mergeDeclared([...installed, ...lock]);
    assert.equal(installed.length, 8);
    assert.deepEqual(summary(merged), [
      "/app/node_modules/@tootallnate/once/package.json @tootallnate/once@2.0.0 direct",
      "/app/node_modules/debug/node_modules/ms/package.json ms@2.0.0 indirect",
      "/app/node_modules/debug/package.json debug@2.6.9 direct",
      "/app/node_modules/is-number/package.json is-number@7.0.0 direct",
      "/app/node_modules/is-odd/node_modules/is-number/package.json is-number@6.0.0 indirect",
      "/app/node_modules/is-odd/package.json is-odd@3.0.1 direct",
      "/app/node_modules/ms-old/package.json ms@2.0.0 direct",
      "/app/node_modules/ms/package.json ms@2.1.3 direct",
    ]);
  });

  it("drops what the lock lists but the tree beside it does not hold", () => {
    const withoutDev = installed.filter(
      (p) => p.path !== "/app/node_modules/is-number/package.json",
    );
    const merged = mergeDeclared([...withoutDev, ...lock]);
    assert.equal(merged.length, 7);
    assert.ok(merged.every((p) => !p.declared));
  });

  it("keeps a lockfile's records when nothing is installed beside it", () => {
    const merged = mergeDeclared(lock);
    assert.deepEqual(summary(merged), summary(lock));
    assert.ok(merged.every((p) => p.declared));
  });

  it("pairs installed packages with the nearest lockfile above them only", () => {
    const elsewhere = installed.map((p) => ({ ...p, path: p.path.replace("/app/", "/srv/") }));
    const merged = mergeDeclared([...elsewhere, ...lock]);
    assert.equal(merged.length, 16);
  });

  it("compares PyPI names as PEP 503 does", () => {
    const base = { type: "pypi" as const, version: "6.0", layer: { index: 0, diffId: "" } };
    const dist: Package = {
      ...base,
      name: "PyYAML",
      path: "/app/.venv/lib/python3.11/site-packages/PyYAML-6.0.dist-info/METADATA",
      purl: "",
    };
    const pinned: Package = { ...base, name: "pyyaml", path: "/app/requirements.txt", purl: "" };
    const merged = mergeDeclared([dist, { ...pinned, declared: true }]);
    assert.deepEqual(merged, [dist]);
  });
});
