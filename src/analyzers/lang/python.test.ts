import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { pep503Name } from "../../inventory/names.js";
import type { PackageRecord } from "../../inventory/types.js";
import { repoRoot, sharedData } from "../../testing/shared.js";
import type { Analyzer } from "../types.js";
import { pipfileLockAnalyzer } from "./pipfile-lock.js";
import { poetryLockAnalyzer } from "./poetry-lock.js";
import { pythonPackageAnalyzer } from "./python-package.js";
import { requirementsTxtAnalyzer } from "./requirements-txt.js";
import { uvLockAnalyzer } from "./uv-lock.js";

const testdata = path.join(repoRoot, "testdata/lang/python");
const trivy = sharedData("golden/trivy/integration/testdata");
const ids = (pkgs: PackageRecord[] = []) => pkgs.map((p) => `${p.name}@${p.version}`).sort();

interface GoldenPackage {
  Name: string;
  Version: string;
  Relationship?: string;
}
function golden(name: string): GoldenPackage[] {
  const doc = JSON.parse(readFileSync(path.join(trivy, `${name}.json.golden`), "utf8"));
  const pkgs: GoldenPackage[] = doc.Results[0].Packages;
  return pkgs.filter((p) => p.Relationship !== "root");
}

describe("installed Python distributions", () => {
  const cases: [string, boolean][] = [
    ["usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA", true],
    ["usr/local/lib/python3.12/site-packages/pip-24.0.dist-info/METADATA", true],
    ["usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO", true],
    ["usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info", true],
    ["usr/lib/python3/dist-packages/six-1.16.0.egg-info/top_level.txt", false],
    ["usr/lib/python3/dist-packages/pip-24.0.dist-info/RECORD", false],
    ["app/METADATA", false],
  ];
  for (const [file, claimed] of cases) {
    it(`${claimed ? "reads" : "passes over"} ${file}`, () => {
      assert.equal(pythonPackageAnalyzer.claims(file), claimed);
    });
  }

  // PKG-INFO files of Debian 12's python3-dbus and python3-apt (testdata/lang/README.md).
  it("reads Debian's PKG-INFO: the name as written, the License field", () => {
    const read = (file: string, claimed: string) =>
      pythonPackageAnalyzer.analyze({
        path: claimed,
        content: readFileSync(path.join(testdata, file)),
      }).packages?.[0];
    const dbus = read("dbus_python-1.3.2.PKG-INFO", "x/dbus_python-1.3.2.egg-info/PKG-INFO");
    assert.deepEqual(
      [dbus?.type, dbus?.name, dbus?.version, dbus?.licenses],
      ["pypi", "dbus-python", "1.3.2", ["Expat (MIT/X11)"]],
    );
    // distutils wrote the same headers into a single `.egg-info` file.
    const apt = read("python_apt-2.6.0.PKG-INFO", "x/python_apt-2.6.0.egg-info");
    assert.deepEqual(
      [apt?.name, apt?.version, apt?.licenses],
      ["python-apt", "2.6.0", ["GNU GPL"]],
    );
  });

  it("prefers License-Expression, and falls back to the classifiers", () => {
    const read = (text: string) =>
      pythonPackageAnalyzer.analyze({ path: "a.dist-info/METADATA", content: Buffer.from(text) })
        .packages?.[0]?.licenses;
    const head = "Metadata-Version: 2.4\nName: a\nVersion: 1\n";
    assert.deepEqual(read(`${head}License-Expression: MIT OR Apache-2.0\nLicense: MIT\n`), [
      "MIT OR Apache-2.0",
    ]);
    const classifiers =
      "Classifier: License :: OSI Approved :: Apache Software License\n" +
      "Classifier: License :: OSI Approved :: BSD License\n";
    assert.deepEqual(read(`${head}License: UNKNOWN\n${classifiers}`), [
      "Apache Software License",
      "BSD License",
    ]);
    // A License header continued over lines is a license text, not a name.
    assert.deepEqual(
      read(`${head}License: Copyright (c) x\n        All rights reserved.\n`),
      undefined,
    );
  });

  it("warns about metadata without a name, or binary bytes", () => {
    for (const text of ["Metadata-Version: 2.1\nVersion: 1.0\n", "\u0000\u0001ELF"]) {
      const out = pythonPackageAnalyzer.analyze({
        path: "a.dist-info/METADATA",
        content: Buffer.from(text),
      });
      assert.equal(out.packages, undefined);
      assert.equal(out.warnings?.length, 1);
    }
  });

  it("normalises names as PEP 503 does", () => {
    assert.equal(pep503Name("PyYAML"), "pyyaml");
    assert.equal(pep503Name("charset_normalizer"), "charset-normalizer");
    assert.equal(pep503Name("zope.interface"), "zope-interface");
    assert.equal(pep503Name("Foo__Bar-.baz"), "foo-bar-baz");
  });
});

describe("Python lockfiles against Trivy's goldens", () => {
  const cases: [string, Analyzer, string, string][] = [
    ["pip", requirementsTxtAnalyzer, "pip/requirements.txt", "requirements.txt"],
    ["pipenv", pipfileLockAnalyzer, "pipenv/Pipfile.lock", "Pipfile.lock"],
    ["poetry", poetryLockAnalyzer, "poetry/poetry.lock", "poetry.lock"],
    ["uv", uvLockAnalyzer, "uv/uv.lock", "uv.lock"],
  ];
  for (const [name, analyzer, file, claimed] of cases) {
    it(`${name}: the same packages`, () => {
      assert.ok(analyzer.claims(`app/${claimed}`));
      const out = analyzer.analyze({
        path: `app/${claimed}`,
        content: readFileSync(path.join(trivy, "fixtures/repo", file)),
      });
      assert.deepEqual(out.warnings ?? [], []);
      assert.deepEqual(
        ids(out.packages),
        golden(name)
          .map((p) => `${p.Name}@${p.Version}`)
          .sort(),
      );
      for (const p of out.packages ?? []) assert.equal(p.declared, true);
    });
  }

  it("uv: direct and indirect as the lock's project says", () => {
    const out = uvLockAnalyzer.analyze({
      path: "uv.lock",
      content: readFileSync(path.join(trivy, "fixtures/repo/uv/uv.lock")),
    });
    const rel = (pkgs: { name: string; rel?: string }[]) =>
      pkgs.map((p) => `${p.name.toLowerCase()} ${p.rel}`).sort();
    assert.deepEqual(
      rel((out.packages ?? []).map((p) => ({ name: p.name, rel: p.dependency }))),
      rel(golden("uv").map((p) => ({ name: p.Name, rel: p.Relationship }))),
    );
  });

  it("reads the 91 packages of a larger real Pipfile.lock, develop ones marked", () => {
    const out = pipfileLockAnalyzer.analyze({
      path: "Pipfile.lock",
      content: readFileSync(path.join(trivy, "fixtures/repo/trivy-ci-test/Pipfile.lock")),
    });
    assert.equal(out.packages?.length, 91);
    assert.ok(out.packages?.some((p) => p.name === "django" && p.version === "2.0.9"));
  });

  it("takes only exactly pinned requirement lines", () => {
    const text = [
      "# pinned by pip-compile",
      "requests[socks]==2.31.0 ; python_version >= '3.8'  # via -r in",
      "urllib3===1.26.18 \\",
      "    --hash=sha256:abc",
      "idna>=3.4",
      "six==1.*",
      "-e ./local",
      "-r other.txt",
      "git+https://example.invalid/x.git#egg=x",
    ].join("\n");
    const out = requirementsTxtAnalyzer.analyze({
      path: "requirements-dev.txt",
      content: Buffer.from(text),
    });
    assert.deepEqual(ids(out.packages), ["requests@2.31.0", "urllib3@1.26.18"]);
  });

  it("warns about a lockfile that is not TOML, and goes on", () => {
    for (const analyzer of [poetryLockAnalyzer, uvLockAnalyzer]) {
      const out = analyzer.analyze({ path: "x.lock", content: Buffer.from("[[package]\nname=") });
      assert.equal(out.warnings?.[0]?.code, "UNPARSABLE_FILE");
    }
  });
});
