import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import type { PackageRecord } from "../../inventory/types.js";
import { repoRoot, sharedData } from "../../testing/shared.js";
import type { Analyzer } from "../types.js";
import { npmLockAnalyzer } from "./npm-lock.js";
import { npmPackageAnalyzer } from "./npm-package.js";
import { pnpmLockAnalyzer } from "./pnpm-lock.js";
import { yarnLockAnalyzer } from "./yarn-lock.js";

// testdata/lang/{npm,yarn,pnpm}: one project (a scoped package, an alias, a
// dev dependency, nested versions) locked by npm, yarn and pnpm themselves.
const testdata = path.join(repoRoot, "testdata/lang");
const trivy = sharedData("golden/trivy/integration/testdata");
const run = (analyzer: Analyzer, file: string, claimed = path.basename(file)) =>
  analyzer.analyze({ path: `app/${claimed}`, content: readFileSync(file) });
const ids = (pkgs: PackageRecord[] = []) =>
  [...new Set(pkgs.map((p) => `${p.name}@${p.version}`))].sort();
const directOnes = (pkgs: PackageRecord[] = []) =>
  ids(pkgs.filter((p) => p.dependency === "direct"));

/** The project's packages as npm installed them (testdata/lang/npm/tree/node_modules). */
function installedTree(): PackageRecord[] {
  const root = path.join(testdata, "npm/tree");
  const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((f) =>
    f.endsWith("package.json"),
  );
  return files
    .filter((f) => npmPackageAnalyzer.claims(f))
    .flatMap((f) => run(npmPackageAnalyzer, path.join(root, f), f).packages ?? []);
}

const PROJECT = [
  "@tootallnate/once@2.0.0",
  "debug@2.6.9",
  "is-number@6.0.0",
  "is-number@7.0.0",
  "is-odd@3.0.1",
  "ms@2.0.0",
  "ms@2.1.3",
];
// is-number@7.0.0 is the dev dependency; ms@2.0.0 is also named, through the alias ms-old.
const DIRECT = ["@tootallnate/once@2.0.0", "debug@2.6.9", "is-number@7.0.0", "is-odd@3.0.1"]
  .concat(["ms@2.0.0", "ms@2.1.3"])
  .sort();

describe("installed package.json files", () => {
  const cases: [string, boolean][] = [
    ["app/node_modules/express/package.json", true],
    ["node_modules/express/package.json", true],
    ["app/node_modules/@types/node/package.json", true],
    ["app/node_modules/send/node_modules/ms/package.json", true],
    ["app/node_modules/@s/a/node_modules/@t/b/package.json", true],
    ["app/node_modules/.pnpm/ms@2.1.3/node_modules/ms/package.json", true],
    ["usr/share/nodejs/acorn/package.json", true],
    ["usr/share/nodejs/@types/node/package.json", true],
    ["usr/lib/x86_64-linux-gnu/nodejs/cjs-module-lexer/package.json", true],
    ["app/package.json", false],
    ["package.json", false],
    ["app/node_modules/express/lib/package.json", false],
    ["app/node_modules/@babel/runtime/helpers/esm/package.json", false],
    ["app/node_modules/resolve/test/resolver/node_modules/dep/package.json", false],
    ["app/node_modules/.bin/package.json", false],
    ["app/node_modules/.pnpm/ms@2.1.3/package.json", false],
    ["app/node_modules/@scope/package.json", false],
    ["usr/share/nodejs/acorn/dist/package.json", false],
  ];
  for (const [file, claimed] of cases) {
    it(`${claimed ? "reads" : "passes over"} ${file}`, () => {
      assert.equal(npmPackageAnalyzer.claims(file), claimed);
    });
  }

  it("reads npm's real install: scoped, nested, and the alias under its own name", () => {
    const tree = installedTree();
    assert.deepEqual(ids(tree), PROJECT);
    assert.equal(tree.length, 8);
    const alias = tree.find((p) => p.metadata?.installedAs === "ms-old");
    assert.deepEqual([alias?.name, alias?.version, alias?.licenses], ["ms", "2.0.0", ["MIT"]]);
  });

  it("reads Trivy's installed fixtures with their licenses", () => {
    const dir = path.join(trivy, "fixtures/repo/npm/node_modules");
    const got = readdirSync(dir).map(
      (d) => run(npmPackageAnalyzer, path.join(dir, d, "package.json")).packages?.[0],
    );
    assert.deepEqual(ids(got.filter((p) => p !== undefined)), [
      "jquery@3.3.9",
      "promise@8.0.3",
      "react-is@16.8.6",
      "react@16.8.6",
      "redux@4.0.1",
      "z-lock@1.0.0",
    ]);
    for (const p of got) assert.deepEqual(p?.licenses, ["MIT"]);
  });

  it("reads the old `licenses: [{type}]` form", () => {
    const content = Buffer.from('{"name":"x","version":"1.0.0","licenses":[{"type":"BSD"}]}');
    const out = npmPackageAnalyzer.analyze({ path: "node_modules/x/package.json", content });
    assert.deepEqual(out.packages?.[0]?.licenses, ["BSD"]);
  });
});

describe("package-lock.json", () => {
  for (const v of [1, 2, 3]) {
    it(`v${v}: every package npm installed, at the place it installed it`, () => {
      const out = run(npmLockAnalyzer, path.join(testdata, `npm/package-lock.v${v}.json`));
      assert.deepEqual(out.warnings, []);
      assert.deepEqual(ids(out.packages), PROJECT);
      const nested = out.packages?.find((p) => p.name === "is-number" && p.version === "6.0.0");
      assert.equal(nested?.metadata?.installPath, "node_modules/is-odd/node_modules/is-number");
      const dev = out.packages?.filter((p) => p.metadata?.dev === "true").map((p) => p.name);
      assert.deepEqual(dev, ["is-number"]);
      for (const p of out.packages ?? []) assert.equal(p.declared, true);
    });
  }

  it("v2 and v3 say which dependencies are direct; v1 cannot", () => {
    for (const v of [2, 3]) {
      const out = run(npmLockAnalyzer, path.join(testdata, `npm/package-lock.v${v}.json`));
      assert.deepEqual(directOnes(out.packages), DIRECT);
    }
    const v1 = run(npmLockAnalyzer, path.join(testdata, "npm/package-lock.v1.json"));
    assert.ok(v1.packages?.every((p) => p.dependency === undefined));
  });

  it("lists what Trivy lists for its fixture, dev dependency included and marked", () => {
    const golden = JSON.parse(readFileSync(path.join(trivy, "npm-with-dev.json.golden"), "utf8"));
    const want = golden.Results[0].Packages.map(
      (p: { Name: string; Version: string }) => `${p.Name}@${p.Version}`,
    );
    const out = run(npmLockAnalyzer, path.join(trivy, "fixtures/repo/npm/package-lock.json"));
    assert.deepEqual(ids(out.packages), want.sort());
    const dev = out.packages?.filter((p) => p.metadata?.dev).map((p) => p.name);
    assert.deepEqual(dev, ["z-lock"]);
  });

  it("skips a link to itself or a loop of links with a warning, and goes on", () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        "": { dependencies: { a: "1", b: "1", c: "1" } },
        "node_modules/a": { link: true, resolved: "node_modules/a" },
        "node_modules/b": { link: true, resolved: "node_modules/c" },
        "node_modules/c": { link: true, resolved: "node_modules/b" },
        "node_modules/d": { version: "1.0.0" },
        "node_modules/w": { link: true, resolved: "packages/w" },
        "packages/w": { name: "w", version: "0.1.0" },
      },
    };
    const out = npmLockAnalyzer.analyze({
      path: "app/package-lock.json",
      content: Buffer.from(JSON.stringify(lock)),
    });
    assert.deepEqual(ids(out.packages), ["d@1.0.0"]);
    assert.deepEqual(
      out.warnings?.map((w) => w.code),
      ["MALFORMED_ENTRY", "MALFORMED_ENTRY", "MALFORMED_ENTRY"],
    );
  });
});

describe("yarn.lock and pnpm-lock.yaml", () => {
  const locks: [string, Analyzer, string, boolean][] = [
    ["yarn classic", yarnLockAnalyzer, "yarn/yarn.v1.lock", false],
    ["yarn berry", yarnLockAnalyzer, "yarn/yarn.berry.lock", true],
    ["pnpm 7 (lockfile 5.4)", pnpmLockAnalyzer, "pnpm/pnpm7-lock.yaml", true],
    ["pnpm 8 (lockfile 6.0)", pnpmLockAnalyzer, "pnpm/pnpm8-lock.yaml", true],
    ["pnpm 9 (lockfile 9.0)", pnpmLockAnalyzer, "pnpm/pnpm9-lock.yaml", true],
  ];
  for (const [label, analyzer, file, says] of locks) {
    it(`${label}: the same packages npm installed${says ? ", and which are direct" : ""}`, () => {
      const claimed = file.startsWith("yarn") ? "yarn.lock" : "pnpm-lock.yaml";
      const out = run(analyzer, path.join(testdata, file), claimed);
      assert.deepEqual(out.warnings, []);
      assert.deepEqual(ids(out.packages), PROJECT);
      if (says) assert.deepEqual(directOnes(out.packages), DIRECT);
      else assert.ok(out.packages?.every((p) => p.dependency === undefined));
    });
  }

  it("pnpm 12: both YAML documents, the config dependency among the direct ones", () => {
    const out = run(pnpmLockAnalyzer, path.join(testdata, "pnpm/pnpm12-lock.yaml"));
    assert.deepEqual(ids(out.packages), PROJECT);
    assert.deepEqual(directOnes(out.packages), DIRECT);
  });

  it("keeps the real name of an alias", () => {
    const out = run(yarnLockAnalyzer, path.join(testdata, "yarn/yarn.v1.lock"), "yarn.lock");
    const alias = out.packages?.find((p) => p.metadata?.installedAs === "ms-old");
    assert.equal(alias?.name, "ms");
  });

  const goldens: [string, Analyzer, string, string[]][] = [
    // Trivy drops dev dependencies by reading package.json; a lockfile alone cannot.
    ["yarn", yarnLockAnalyzer, "yarn/yarn.lock", ["asap@2.0.6", "promise@8.0.3"]],
    ["pnpm", pnpmLockAnalyzer, "pnpm/pnpm-lock.yaml", []],
  ];
  for (const [name, analyzer, file, extra] of goldens) {
    it(`lists what Trivy lists for its ${name} fixture`, () => {
      const golden = JSON.parse(readFileSync(path.join(trivy, `${name}.json.golden`), "utf8"));
      const want = golden.Results[0].Packages.filter(
        (p: { Relationship?: string }) => p.Relationship !== "root",
      ).map((p: { Name: string; Version: string }) => `${p.Name}@${p.Version}`);
      const out = run(analyzer, path.join(trivy, "fixtures/repo", file));
      assert.deepEqual(ids(out.packages), [...want, ...extra].sort());
    });
  }
});

describe("bad npm input", () => {
  const bad: [string, Analyzer, string, string][] = [
    ["package.json that is not JSON", npmPackageAnalyzer, "node_modules/x/package.json", "{name:"],
    [
      "package.json without a version",
      npmPackageAnalyzer,
      "node_modules/x/package.json",
      '{"name":"x"}',
    ],
    ["package-lock.json that is an array", npmLockAnalyzer, "package-lock.json", "[]"],
    ["binary package-lock.json", npmLockAnalyzer, "package-lock.json", "\u0000\u0001\u0002{}"],
    ["yarn.lock that is binary", yarnLockAnalyzer, "yarn.lock", "\u0000\u00ff__metadata:"],
    ["berry yarn.lock that is not YAML", yarnLockAnalyzer, "yarn.lock", "__metadata:\n  - : [\n"],
    ["pnpm-lock.yaml that is not a mapping", pnpmLockAnalyzer, "pnpm-lock.yaml", "- a\n- b\n"],
  ];
  for (const [label, analyzer, file, text] of bad) {
    it(`warns about a ${label}`, () => {
      const out = analyzer.analyze({ path: `app/${file}`, content: Buffer.from(text) });
      assert.equal(out.packages?.length ?? 0, 0);
      assert.equal(out.warnings?.length, 1);
      assert.match(out.warnings?.[0]?.code ?? "", /^(UNPARSABLE_FILE|MALFORMED_ENTRY)$/);
    });
  }

  it("reads a dependency cycle in a lockfile once each, without looping", () => {
    const lock =
      'a@1:\n  version "1.0.0"\n  dependencies:\n    b "1"\n\nb@1:\n  version "1.0.0"\n  dependencies:\n    a "1"\n';
    const out = yarnLockAnalyzer.analyze({ path: "yarn.lock", content: Buffer.from(lock) });
    assert.deepEqual(ids(out.packages), ["a@1.0.0", "b@1.0.0"]);
  });

  it("caps YAML aliases, so a billion-laughs lockfile is refused quickly", () => {
    const lines = ["lockfileVersion: '9.0'", "a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 12; i++)
      lines.push(
        `${"b".repeat(i + 1)}: &${"l".repeat(i + 1)} [${Array(10)
          .fill(i === 0 ? "*a" : `*${"l".repeat(i)}`)
          .join(", ")}]`,
      );
    const out = pnpmLockAnalyzer.analyze({
      path: "pnpm-lock.yaml",
      content: Buffer.from(lines.join("\n")),
    });
    assert.equal(out.warnings?.[0]?.code, "UNPARSABLE_FILE");
  });

  it("sets a size limit on every npm analyzer", () => {
    for (const a of [npmPackageAnalyzer, npmLockAnalyzer, yarnLockAnalyzer, pnpmLockAnalyzer]) {
      assert.ok(a.maxBytes > 0 && a.maxBytes <= 64 << 20, a.id);
    }
  });
});
