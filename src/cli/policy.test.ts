import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { cliRunner, oneLineError } from "../testing/cli.js";
import { corpusLayout, kevImage } from "../testing/policy.js";
import { sharedData } from "../testing/shared.js";
import { tempDir } from "../testing/tmp.js";

const { run: vigil } = cliRunner();
const dir = tempDir("vigil-policy-cli-");
const file = (name: string, text: string) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const app = corpusLayout("debian-app");
const minimal = corpusLayout("debian-minimal");

interface Decided {
  id: string;
  path?: string;
  decision?: { action: string; by: { type: string; id: string }; message: string };
}

/** The findings a JSON report says were denied, every kind. */
function denied(report: Record<string, Decided[] | undefined>): Decided[] {
  return ["vulnerabilities", "secrets", "misconfigurations", "licenses"]
    .flatMap((k) => report[k] ?? [])
    .filter((x) => x.decision?.action === "deny");
}

/** One exception per denied finding, as a team would write them after reading the report. */
function exceptionsFor(report: Record<string, Decided[] | undefined>, expires: string): string {
  const lines = ["exceptions:"];
  for (const [kind, list] of Object.entries(report)) {
    if (!["vulnerabilities", "secrets", "misconfigurations", "licenses"].includes(kind)) continue;
    for (const x of (list ?? []).filter((f) => f.decision?.action === "deny")) {
      const id = (x as { rule?: string }).rule ?? x.id;
      const scope =
        kind === "secrets" ? { vulnerability: id, path: x.path } : { vulnerability: id };
      lines.push(
        "  - owner: security@example.com",
        "    reason: accepted in review",
        `    expires: ${expires}`,
        `    scope: ${JSON.stringify(scope)}`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

before(() => {
  const imported = vigil(
    "db",
    "import",
    sharedData("osv"),
    sharedData("feeds", "alpine-secdb"),
    sharedData("kev", "known_exploited_vulnerabilities.json"),
  );
  assert.equal(imported.code, 0, imported.stderr);
});

describe("vigil image --policy", () => {
  it("the default policy fails debian-app for its secrets; owned, dated exceptions pass it until they expire", () => {
    const first = vigil("image", app, "--policy", "default", "--format", "json", "-q");
    assert.equal(first.code, 1, first.stderr);
    const report = JSON.parse(first.stdout);
    assert.equal(report.policy.passed, false);
    const secrets = denied({ secrets: report.secrets }).map((s) => (s as { rule?: string }).rule);
    for (const rule of [
      "aws-access-key-id",
      "aws-secret-access-key",
      "github-token",
      "private-key",
    ]) {
      assert.ok(secrets.includes(rule), `${rule} not denied`);
    }

    // The table says why, rule by rule.
    const table = vigil("image", app, "--policy", "default", "-q");
    assert.equal(table.code, 1);
    assert.match(table.stdout, /policy vigil-default: FAILED \(\d+ denied/);
    assert.match(table.stdout, /deny \[secret\] Private key in \/app\/certs\/server\.key/);

    const future = file("future.yaml", exceptionsFor(report, "2999-12-31"));
    const passed = vigil("image", app, "--policy", "default", "--exceptions", future, "-q");
    assert.equal(passed.code, 0, passed.stdout.slice(-2000));
    assert.match(passed.stdout, /policy vigil-default: PASSED \(0 denied/);

    const past = file("past.yaml", exceptionsFor(report, "2021-06-30"));
    const expired = vigil("image", app, "--policy", "default", "--exceptions", past, "-q");
    assert.equal(expired.code, 1);
    assert.match(
      expired.stdout,
      /expired exception \S*past\.yaml#1 \(\S*past\.yaml:2\): ended 2021-06-30/,
    );
  });

  it("--exit-code N replaces 1 when the policy denies; without a policy it keeps its meaning", async () => {
    const kev = `oci:${await kevImage()}`;
    assert.equal(vigil("image", kev, "--policy", "default", "--exit-code", "7", "-q").code, 7);
    assert.equal(vigil("image", kev, "-q").code, 0, "no policy, no --exit-code: the scan passes");
    assert.equal(vigil("image", kev, "--exit-code", "3", "-q").code, 3);

    // A VEX document that says samba and ghostscript are not affected leaves nothing to deny.
    const image = JSON.parse(vigil("image", kev, "--format", "json", "-q").stdout);
    const vex = file(
      "kev.vex.json",
      JSON.stringify({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "urn:uuid:8d0e1b9c-0000-4000-8000-00000000000a",
        author: "security@example.com",
        timestamp: "2024-06-01T00:00:00Z",
        version: 1,
        statements: ["CVE-2017-7494", "CVE-2017-8291"].map((name) => ({
          vulnerability: { name },
          products: [{ "@id": `pkg:oci/kev@${image.artifact.digest}` }],
          status: "not_affected",
          justification: "vulnerable_code_not_in_execute_path",
        })),
      }),
    );
    const vexed = vigil(
      "image",
      kev,
      "--policy",
      "default",
      "--vex",
      vex,
      "--format",
      "json",
      "-q",
    );
    const after = JSON.parse(vexed.stdout);
    const kevDecisions = after.vulnerabilities.filter((v: { kev?: unknown }) => v.kev);
    assert.ok(kevDecisions.every((v: Decided) => v.decision?.by.type === "vex"));
    assert.equal(vexed.code, 0);
  });

  it("--format openvex writes the exceptions as statements", async () => {
    const kev = `oci:${await kevImage()}`;
    const ex = file(
      "kev-ex.yaml",
      "exceptions:\n  - {owner: ops, expires: 2999-01-01, reason: samba runs without SMB1, justification: vulnerable_code_not_in_execute_path, scope: {vulnerability: CVE-2017-7494}}\n",
    );
    const r = vigil("image", kev, "--exceptions", ex, "--format", "openvex", "-q");
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.statements.length, 1);
    assert.equal(doc.statements[0].status, "not_affected");
    assert.equal(doc.statements[0].status_notes, "samba runs without SMB1 (ops, until 2999-01-01)");
  });
});

describe("bad policy input: one line, file:line and the text, exit 2", () => {
  const cases: [string, string, RegExp][] = [
    [
      "syntax.yaml",
      "rules:\n  - id: r\n    action: deny\n    when: finding.kev &&\n",
      /syntax\.yaml:4: syntax error.*`finding\.kev &&`$/,
    ],
    [
      "type.yaml",
      "rules:\n  - id: r\n    action: deny\n    when: finding.severity >= 7\n",
      /type\.yaml:4: ">=" cannot compare or combine string and int \(column \d+\): `finding\.severity >= 7`$/,
    ],
    [
      "field.yaml",
      "rules:\n  - id: r\n    action: deny\n    when: finding.fixable\n",
      /field\.yaml:4: unknown field finding\.fixable/,
    ],
    [
      "key.yaml",
      "rules:\n  - id: r\n    action: deny\n    condition: finding.kev\n",
      /key\.yaml:4: rules\[0\]\.condition: unknown field: `condition` \(known fields: id, action, when, message, description\)$/,
    ],
  ];
  for (const [name, text, pattern] of cases) {
    it(name, () => {
      const r = vigil("image", app, "--policy", file(name, text));
      assert.equal(r.code, 2);
      assert.match(oneLineError(r.stderr), pattern);
    });
  }

  it("an exception with a malformed date", () => {
    const ex = file(
      "date.yaml",
      "exceptions:\n  - owner: a\n    reason: r\n    expires: 31/12/2030\n    scope: {vulnerability: CVE-1}\n",
    );
    const r = vigil("image", app, "--policy", "default", "--exceptions", ex);
    assert.equal(r.code, 2);
    assert.match(
      oneLineError(r.stderr),
      /date\.yaml:4: exceptions\[0\]\.expires: not a date: `31\/12\/2030` \(write it as YYYY-MM-DD\)$/,
    );
  });

  it("a VEX document for another product", () => {
    const vex = file(
      "other.vex.json",
      `{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "urn:x", "author": "a", "timestamp": "2024-01-01T00:00:00Z", "version": 1,\n "statements": [\n  {"vulnerability": {"name": "CVE-2021-44228"},\n   "products": [{"@id": "pkg:oci/other@sha256:${"2".repeat(64)}"}],\n   "status": "fixed"}]}\n`,
    );
    const r = vigil("image", minimal, "--scanners", "secret", "--vex", vex);
    assert.equal(r.code, 2);
    assert.match(
      oneLineError(r.stderr),
      /other\.vex\.json:4: the VEX document is about another product: `pkg:oci\/other@sha256:2+`/,
    );
  });
});

describe("vigil policy", () => {
  it("show prints the built-in policy, and test evaluates a saved report without rescanning", () => {
    const shown = vigil("policy", "show");
    assert.equal(shown.code, 0);
    const own = file("own.yaml", shown.stdout.replace("name: vigil-default", "name: mine"));

    const saved = path.join(dir, "app.json");
    assert.equal(vigil("image", app, "--format", "json", "-o", saved, "-q").code, 0);
    const t = vigil("policy", "test", saved, "--policy", own);
    assert.equal(t.code, 1, t.stderr);
    assert.match(t.stdout, /policy mine: FAILED/);

    const lenient = file(
      "lenient.yaml",
      "name: lenient\nrules:\n  - {id: only-kev, action: deny, when: finding.kev}\n",
    );
    const ok = vigil("policy", "test", saved, "--policy", lenient, "--format", "json");
    assert.equal(ok.code, 0);
    assert.equal(JSON.parse(ok.stdout).policy.passed, true);

    const notReport = vigil("policy", "test", own);
    assert.equal(notReport.code, 2);
    assert.match(oneLineError(notReport.stderr), /own\.yaml is not a JSON file/);
  });

  it("--template renders custom text", () => {
    const tpl = file("t.hbs", "{{artifact.reference}} {{#each secrets}}{{rule}};{{/each}}\n");
    const r = vigil("image", minimal, "--scanners", "secret", "--template", tpl);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${minimal} \n`);
  });
});

describe("vigil diff", () => {
  it("debian-minimal to debian-app: exactly what the upper layers added", () => {
    const r = vigil("diff", minimal, app, "--format", "json", "--policy", "default", "-q");
    assert.equal(r.code, 1, r.stderr);
    const diff = JSON.parse(r.stdout);

    const newer = JSON.parse(vigil("image", app, "--format", "json", "-q").stdout);
    const older = JSON.parse(vigil("image", minimal, "--format", "json", "-q").stdout);
    const id = (p: { type: string; name: string }) => `${p.type} ${p.name}`;
    const base = new Set(older.packages.map(id));
    const upper = newer.packages.filter((p: { layer: { index: number } }) => p.layer.index > 0);
    const expected = upper.filter((p: { type: string; name: string }) => !base.has(id(p)));
    assert.deepEqual(diff.packages.added.map(id).sort(), expected.map(id).sort());
    assert.ok(diff.packages.added.every((p: { layer: number }) => p.layer > 0));
    assert.equal(diff.packages.added.length + diff.packages.changed.length, upper.length);
    assert.deepEqual(diff.packages.removed, []);
    assert.deepEqual(diff.findings.removed, []);

    // The secrets came with layers 2 and 5 and the config; the kept findings are the base's.
    const added = diff.findings.added.map((f: { kind: string; id: string }) => `${f.kind} ${f.id}`);
    for (const rule of ["private-key", "github-token", "aws-access-key-id", "env-secret"]) {
      assert.ok(added.includes(`secret ${rule}`), rule);
    }
    assert.ok(added.includes("misconfiguration secret-in-env"));
    assert.ok(!added.includes("misconfiguration root-user"), "root-user was already in the base");

    // Saved reports give the same diff, with no scan.
    const a = path.join(dir, "old.json");
    const b = path.join(dir, "new.json");
    writeFileSync(a, JSON.stringify(older));
    writeFileSync(b, JSON.stringify(newer));
    const saved = JSON.parse(vigil("diff", a, b, "--format", "json").stdout);
    assert.deepEqual(saved.packages.added.map(id), diff.packages.added.map(id));
    // In the same order: most severe first, then by what they are about.
    const label = (i: { label: string }) => i.label;
    assert.deepEqual(saved.findings.added.map(label), diff.findings.added.map(label));

    const same = vigil("diff", app, app, "--exit-code", "4", "-q");
    assert.equal(same.code, 0, "nothing new, nothing to fail on");
    assert.match(same.stdout, /findings: 0 added, 0 removed/);
  });

  it("a .json that is no vigil report is named as such, not read as an image", () => {
    const cases: [string, string, RegExp][] = [
      ["other.json", JSON.stringify({ a: 1 }), /other\.json is not a vigil JSON report: no schema/],
      ["cut.json", '{"schema": "vigil.re', /cut\.json is not a vigil JSON report: /],
      [
        "platforms.json",
        JSON.stringify({ schema: "vigil.platforms/v1" }),
        /schema vigil\.platforms\/v1, not vigil\.report\/v1/,
      ],
    ];
    for (const [name, text, pattern] of cases) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      const r = vigil("diff", file, app, "-q");
      assert.equal(r.code, 2, name);
      assert.match(oneLineError(r.stderr), pattern);
    }
  });
});
