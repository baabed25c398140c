import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VigilError } from "../errors.js";
import { selectFindings, type ScanResult } from "../report/model.js";
import { alpine34Reference, corpusLayout, kevImage, scanOnce } from "../testing/policy.js";
import { evaluatePolicy } from "./evaluate.js";
import { readExceptions } from "./exceptions.js";
import { defaultPolicy, parsePolicy } from "./policy-file.js";
import { SourceFile } from "./source.js";
import type { Decision } from "./types.js";
import { readVex } from "./vex.js";

const yaml = (name: string, text: string) => new SourceFile(name, text, "BAD_POLICY");
const exceptionsOf = (text: string) => readExceptions(yaml("ex.yaml", text), ["exceptions"]);
const denied = (ds: Decision[]) => ds.filter((d) => d.action === "deny");

/** One exception per denied finding, as a team would write them after triage. */
function exceptionsFor(decisions: Decision[], result: ScanResult, expires: string): string {
  const lines = ["exceptions:"];
  for (const d of denied(decisions)) {
    const secret = result.inventory.secrets?.find((s) =>
      d.key.startsWith(`secret:${s.rule}:${s.path}:`),
    );
    const scope =
      d.kind === "secret" ? { vulnerability: d.id, path: secret?.path } : { vulnerability: d.id };
    lines.push(
      `  - owner: security@example.com`,
      `    reason: triaged in review`,
      `    expires: ${expires}`,
      `    scope: ${JSON.stringify(scope)}`,
    );
  }
  return lines.join("\n");
}

describe("the default policy on debian-app", () => {
  it("fails it for its leaked secrets; an exception file with owners makes it pass until it expires", async () => {
    const result = await scanOnce(corpusLayout("debian-app"));
    const first = evaluatePolicy(result, { policy: defaultPolicy() });

    // What a reviewer names: the AWS key pair, the GitHub token, the private key, the env password.
    assert.equal(first.passed, false);
    const reasons = new Set(denied(first.decisions).map((d) => `${d.by.id}:${d.id}`));
    for (const rule of [
      "aws-access-key-id",
      "aws-secret-access-key",
      "github-token",
      "private-key",
      "env-secret",
    ]) {
      assert.ok(reasons.has(`secret:${rule}`), `${rule} not denied: ${[...reasons].join(", ")}`);
    }
    // Every denial names its rule and says why in words.
    for (const d of denied(first.decisions)) {
      assert.equal(d.by.type, "rule");
      assert.match(d.by.source, /^\(built-in default policy\):\d+$/);
      assert.ok(d.message.length > 10);
    }

    const future = exceptionsOf(exceptionsFor(first.decisions, result, "2999-12-31"));
    const excepted = evaluatePolicy(result, { policy: defaultPolicy(), exceptions: future });
    assert.equal(
      excepted.passed,
      true,
      denied(excepted.decisions)
        .map((d) => d.message)
        .join("\n"),
    );
    assert.equal(excepted.counts.ignore, first.counts.deny);
    assert.ok(
      excepted.decisions
        .filter((d) => d.action === "ignore")
        .every((d) => d.by.type === "exception"),
    );
    assert.deepEqual(excepted.expired, []);

    const past = exceptionsOf(exceptionsFor(first.decisions, result, "2020-01-31"));
    const expired = evaluatePolicy(result, { policy: defaultPolicy(), exceptions: past });
    assert.equal(expired.passed, false);
    assert.equal(expired.counts.deny, first.counts.deny);
    assert.equal(expired.expired.length, past.length);
  });

  it("refuses an exception without an owner or expiry, unless the policy allows it", async () => {
    const result = await scanOnce(corpusLayout("debian-app"));
    const loose = exceptionsOf(
      "exceptions:\n  - reason: test keys\n    scope: { kind: secret, path: /app/** }\n",
    );
    assert.throws(
      () => evaluatePolicy(result, { policy: defaultPolicy(), exceptions: loose }),
      (err: VigilError) =>
        err.code === "BAD_POLICY" &&
        /^ex\.yaml:2: exception ex\.yaml#1 has no owner and no expiry date/.test(err.message),
    );

    const lenient = parsePolicy(
      yaml(
        "lenient.yaml",
        "allowExceptionsWithoutOwner: true\nallowExceptionsWithoutExpiry: true\nrules: []\n",
      ),
    );
    const outcome = evaluatePolicy(result, { policy: lenient, exceptions: loose });
    const ignored = outcome.decisions.filter((d) => d.action === "ignore");
    assert.ok(ignored.length >= 4);
    assert.ok(ignored.every((d) => d.kind === "secret"));
  });
});

describe("vulnerability rules on the real Alpine secdb", () => {
  const fixable = parsePolicy(
    yaml(
      "fixable.yaml",
      [
        "name: fixable",
        "default: ignore",
        "rules:",
        "  - id: fixable",
        "    action: deny",
        "    when: finding.kind == 'vulnerability' && finding.fixAvailable",
        "    message: '{finding.id}: upgrade {pkg.name} to {finding.fixedVersion}'",
      ].join("\n"),
    ),
  );

  it("denies every fixable finding of Alpine 3.4, and scopes exceptions by id, package and path", async () => {
    const result = await scanOnce(await alpine34Reference());
    const outcome = evaluatePolicy(result, { policy: fixable });
    const fixed = result.findings.filter((f) => f.status === "fixed");
    assert.ok(fixed.length > 10);
    assert.equal(outcome.counts.deny, fixed.length);
    const musl = denied(outcome.decisions).find((d) => d.id === "CVE-2016-8859");
    assert.match(musl?.message ?? "", /^CVE-2016-8859: upgrade musl(-utils)? to 1\.1\.14-r\d+$/);

    const byId = exceptionsOf(
      "exceptions:\n  - {owner: a, expires: 2999-01-01, reason: r, scope: {vulnerability: CVE-2016-8859}}\n",
    );
    const both = evaluatePolicy(result, { policy: fixable, exceptions: byId });
    const excepted = both.decisions.filter((d) => d.by.type === "exception");
    assert.ok(excepted.every((d) => d.id === "CVE-2016-8859"));
    assert.equal(excepted.length, result.findings.filter((f) => f.id === "CVE-2016-8859").length);

    const byPackage = exceptionsOf(
      "exceptions:\n  - {owner: a, expires: 2999-01-01, reason: r, scope: {package: musl@1.1.14-r10}}\n",
    );
    const muslOnly = evaluatePolicy(result, { policy: fixable, exceptions: byPackage });
    const muslFindings = result.findings.filter(
      (f) => f.package.name === "musl" && f.status === "fixed",
    );
    assert.equal(muslOnly.counts.deny, fixed.length - muslFindings.length);
  });

  it("denies what CISA lists as exploited, with the highest risk", async () => {
    const result = await scanOnce(`oci:${await kevImage()}`);
    const outcome = evaluatePolicy(result, { policy: defaultPolicy() });
    const kev = denied(outcome.decisions).filter((d) => d.by.id === "known-exploited");
    assert.deepEqual(kev.map((d) => d.id).sort(), ["CVE-2017-7494", "CVE-2017-8291"]);
    assert.match(kev[0]?.message ?? "", /is exploited in the wild \(CISA KEV\)$/);

    // Sorted by risk: the exploited ones come first.
    const [top] = selectFindings(result.findings, {});
    assert.ok(top?.kev, `${top?.id} first`);
  });
});

describe("VEX statements", () => {
  const openVex = (product: string, status: string, extra = "") => `{
  "@context": "https://openvex.dev/ns/v0.2.0",
  "@id": "urn:uuid:9f2c6a4e-0000-4000-8000-000000000001",
  "author": "security@example.com",
  "timestamp": "2024-06-01T00:00:00Z",
  "version": 1,
  "statements": [
    {
      "vulnerability": { "name": "CVE-2017-7494" },
      "products": [${product}],
      "status": "${status}"${extra}
    }
  ]
}`;

  it("not_affected ignores the finding and says why; under_investigation leaves it to the rules", async () => {
    const result = await scanOnce(`oci:${await kevImage()}`);
    const samba = result.inventory.packages.find((p) => p.name === "samba");
    const product = `{"@id": "pkg:oci/image@${result.inventory.image.digest}", "subcomponents": [{"@id": "${samba?.purl}"}]}`;
    const doc = readVex(
      new SourceFile(
        "samba.vex.json",
        openVex(
          product,
          "not_affected",
          `,\n      "justification": "vulnerable_code_not_in_execute_path"`,
        ),
        "BAD_VEX",
      ),
    );
    const outcome = evaluatePolicy(result, {
      policy: defaultPolicy(),
      vex: [{ name: "samba.vex.json", statements: doc }],
    });
    const d = outcome.decisions.find((x) => x.id === "CVE-2017-7494");
    assert.equal(d?.action, "ignore");
    assert.equal(d?.by.type, "vex");
    assert.equal(d?.by.source, "samba.vex.json:8");
    assert.match(d?.message ?? "", /not_affected: vulnerable_code_not_in_execute_path/);

    const triage = readVex(
      new SourceFile("t.json", openVex(`"${samba?.purl}"`, "under_investigation"), "BAD_VEX"),
    );
    const watch = parsePolicy(
      yaml(
        "w.yaml",
        "rules:\n  - {id: triage, action: warn, when: 'finding.vex == \"under_investigation\"'}\n",
      ),
    );
    const pending = evaluatePolicy(result, {
      policy: watch,
      vex: [{ name: "t.json", statements: triage }],
    });
    const p = pending.decisions.find((x) => x.id === "CVE-2017-7494");
    assert.equal(p?.by.id, "triage");
    assert.equal(p?.vex, "under_investigation");
  });

  it("CycloneDX VEX: a resolved analysis on a component ignores it", async () => {
    const result = await scanOnce(`oci:${await kevImage()}`);
    const gs = result.inventory.packages.find((p) => p.name === "ghostscript");
    const bom = JSON.stringify({
      bomFormat: "CycloneDX",
      specVersion: "1.6",
      version: 1,
      components: [{ "bom-ref": "gs", type: "library", name: "ghostscript", purl: gs?.purl }],
      vulnerabilities: [
        {
          id: "CVE-2017-8291",
          analysis: { state: "resolved", detail: "patched in our build" },
          affects: [{ ref: "gs" }],
        },
      ],
    });
    const statements = readVex(new SourceFile("gs.cdx.json", bom, "BAD_VEX"));
    const outcome = evaluatePolicy(result, {
      policy: defaultPolicy(),
      vex: [{ name: "gs.cdx.json", statements }],
    });
    const d = outcome.decisions.find((x) => x.id === "CVE-2017-8291");
    assert.equal(d?.vex, "fixed");
    assert.equal(d?.action, "ignore");
  });

  it("a document about another image is an error naming its product", async () => {
    const result = await scanOnce(`oci:${await kevImage()}`);
    const other = `{"@id": "pkg:oci/other@sha256:${"1".repeat(64)}"}`;
    const statements = readVex(new SourceFile("other.json", openVex(other, "fixed"), "BAD_VEX"));
    assert.throws(
      () => evaluatePolicy(result, { vex: [{ name: "other.json", statements }] }),
      (err: VigilError) =>
        err.code === "BAD_VEX" &&
        err.message.startsWith(
          "other.json:10: the VEX document is about another product: `pkg:oci/other@sha256:111",
        ),
    );
  });

  it("refuses a statement with an unknown status, with its line", () => {
    assert.throws(
      () =>
        readVex(new SourceFile("bad.json", openVex('"pkg:apk/alpine/samba"', "maybe"), "BAD_VEX")),
      (err: VigilError) =>
        err.message ===
        'bad.json:11: statements[0].status: must be one of not_affected, affected, fixed, under_investigation: `"maybe"`',
    );
  });
});

describe("rules on how the project depends on a package", () => {
  const byDependency = parsePolicy(
    yaml(
      "dependency.yaml",
      [
        "name: dependency",
        "default: ignore",
        "rules:",
        "  - id: direct",
        "    action: deny",
        "    when: finding.kind == 'vulnerability' && pkg.direct",
        "    message: '{pkg.name} is a direct dependency'",
        "  - id: transitive",
        "    action: warn",
        "    when: finding.kind == 'vulnerability' && pkg.transitive",
        "    message: '{pkg.name} comes in through another package'",
      ].join("\n"),
    ),
  );

  it("tells debian-app's direct dependencies from the packages they pull in", async () => {
    const result = await scanOnce(corpusLayout("debian-app"), ["vuln"]);
    const outcome = evaluatePolicy(result, { policy: byDependency });
    const names = (action: string) =>
      [
        ...new Set(
          outcome.decisions
            .filter((d) => d.action === action)
            .map((d) => d.message.split(" ")[0] ?? ""),
        ),
      ].sort();

    // EXPECTED.md names these four as the app's direct dependencies.
    for (const name of ["axios", "express", "jsonwebtoken", "lodash"]) {
      assert.ok(names("deny").includes(name), `${name}: ${names("deny").join(", ")}`);
    }
    // And these as packages the app does not name itself.
    for (const name of ["body-parser", "follow-redirects", "qs"]) {
      assert.ok(names("warn").includes(name), `${name}: ${names("warn").join(", ")}`);
    }
    assert.deepEqual(
      names("deny").filter((n) => names("warn").includes(n)),
      [],
    );
  });
});
