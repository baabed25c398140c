import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileCondition, ConditionError } from "./cel.js";
import { NO_PACKAGE, type Facts } from "./facts.js";

/** The facts of a real finding: CVE-2016-8859 in Alpine 3.4's musl, as the secdb fixes it. */
const musl: Facts = {
  finding: {
    kind: "vulnerability",
    id: "CVE-2016-8859",
    aliases: ["ALPINE-CVE-2016-8859"],
    title: "",
    severity: "HIGH",
    cvss: { score: 7.5, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", version: "3.1" },
    fixAvailable: true,
    fixedVersion: "1.1.14-r13",
    status: "fixed",
    kev: false,
    ransomware: false,
    epss: { score: 0.01, percentile: 0.5 },
    risk: 31.9,
    path: "/lib/apk/db/installed",
    layer: 0,
    inBaseImage: false,
    removed: false,
    vex: "",
  },
  pkg: { ...NO_PACKAGE, type: "apk", name: "musl", version: "1.1.14-r10", sourceName: "musl" },
  image: {
    reference: "oci:alpine34",
    name: "alpine34",
    digest: "sha256:00",
    tags: ["latest"],
    os: "alpine",
    osRelease: "3.4",
    user: "",
    exposedPorts: [],
    labels: { "org.opencontainers.image.title": "alpine34" },
    layers: 1,
    base: { name: "", digest: "", layers: 0 },
  },
};

describe("conditions", () => {
  const holds: [string, boolean][] = [
    ['finding.kind == "vulnerability" && finding.fixAvailable', true],
    ['finding.severity in ["CRITICAL", "HIGH"]', true],
    ["finding.cvss.score >= 7", true],
    ["finding.cvss.score >= 7.6", false],
    ["finding.layer == 0 && !finding.inBaseImage", true],
    ['finding.aliases.exists(a, a.startsWith("ALPINE-"))', true],
    ['pkg.name.matches("^mus") && pkg.type == "apk"', true],
    ['image.labels["org.opencontainers.image.title"] == "alpine34"', true],
    ['"org.opencontainers.image.source" in image.labels', false],
    ["size(image.exposedPorts) == 0 && image.base.layers == 0", true],
    ["finding.epss.percentile > 0.4 || finding.kev", true],
    ['finding.risk > 30.0 && finding.vex == ""', true],
    ['finding.id.lowerAscii() == "cve-2016-8859"', true],
  ];
  for (const [text, want] of holds) {
    it(`${text} is ${want}`, () => assert.equal(compileCondition(text).test(musl), want));
  }

  const refused: [string, RegExp][] = [
    ['finding.severity == "HIGH" &&', /^syntax error/],
    ['finding.sevrity == "HIGH"', /unknown field finding\.sevrity \(finding has kind, id, /],
    ["finding.cvss.base > 5", /unknown field finding\.cvss\.base/],
    ['package.name == "x"', /syntax error|unknown variable/],
    ['vuln.id == "x"', /unknown variable vuln/],
    ["finding.severity > 5", /">" cannot compare or combine string and int/],
    ['finding.kev == "yes"', /"==" cannot compare or combine bool and string/],
    ["finding.layer + 1", /is a int, not a bool/],
    ["finding.severity && true", /"&&" needs a bool, not a string/],
    ["finding.layer.startsWith('x')", /applies to a string, not a int/],
    ["frobnicate(finding.id)", /unknown function frobnicate/],
    ['finding.id in "CVE"', /"in" needs a list or map/],
  ];
  for (const [text, want] of refused) {
    it(`refuses ${text}`, () => {
      assert.throws(
        () => compileCondition(text),
        (err: unknown) => err instanceof ConditionError && want.test(err.message),
      );
    });
  }

  it("points at the column at fault", () => {
    assert.throws(
      () => compileCondition('finding.kev && finding.sevrity == "HIGH"'),
      (err: unknown) => err instanceof ConditionError && err.column === 24,
    );
  });

  it("a runtime error names the expression, never passes silently", () => {
    const c = compileCondition('finding.aliases[3] == "x"');
    assert.throws(() => c.test(musl), ConditionError);
  });
});
