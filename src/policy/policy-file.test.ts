import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VigilError } from "../errors.js";
import { DEFAULT_POLICY_YAML } from "./default-policy.js";
import { readExceptions } from "./exceptions.js";
import { defaultPolicy, parsePolicy } from "./policy-file.js";
import { SourceFile } from "./source.js";

const policyOf = (text: string) => parsePolicy(new SourceFile("team.yaml", text, "BAD_POLICY"));

/** Asserts the one-line error: code, `file:line:`, and the text at fault. */
function refuses(text: string, line: number, pattern: RegExp): void {
  assert.throws(
    () => policyOf(text),
    (err: unknown) => {
      assert.ok(err instanceof VigilError, String(err));
      assert.equal(err.code, "BAD_POLICY");
      assert.ok(err.message.startsWith(`team.yaml:${line}: `), err.message);
      assert.match(err.message, pattern);
      assert.ok(!err.message.includes("\n"), "one line");
      return true;
    },
  );
}

const rule = (when: string, extra = "") =>
  `rules:\n  - id: r1\n    action: deny\n${extra}    when: ${when}\n`;

describe("policy files", () => {
  it("the built-in policy parses, and its rules are the ones the README names", () => {
    const p = defaultPolicy();
    assert.deepEqual(
      p.rules.map((r) => `${r.id} ${r.action}`),
      [
        "secret deny",
        "known-exploited deny",
        "fixable-critical-high deny",
        "forbidden-license deny",
      ],
    );
    assert.equal(p.defaultAction, "warn");
    assert.ok(DEFAULT_POLICY_YAML.includes("finding.kev"));
  });

  it("a CEL syntax error names the line and the condition", () => {
    refuses(rule("'finding.severity =='"), 4, /syntax error.*`finding\.severity ==`$/);
  });

  it("a type error names the operator and the types", () => {
    refuses(
      rule('finding.cvss.score > "7"'),
      4,
      /">" cannot compare or combine double and string \(column 20\): `finding\.cvss\.score > "7"`/,
    );
  });

  it("an unknown field in a condition", () => {
    refuses(rule("finding.fixable"), 4, /unknown field finding\.fixable/);
  });

  it("an unknown field in the file", () => {
    refuses(
      rule("finding.kev", "    severity: HIGH\n"),
      4,
      /rules\[0\]\.severity: unknown field: `severity`$/,
    );
    assert.throws(
      () => policyOf(rule("finding.kev", "    severity: HIGH\n")),
      (err: VigilError) => err.hint === "known fields: id, action, when, message, description",
    );
    refuses("rulez: []\n", 1, /rulez: unknown field/);
  });

  it("a wrong action, a missing condition, a repeated id, an unknown placeholder", () => {
    refuses(
      "rules:\n  - id: r1\n    action: block\n    when: finding.kev\n",
      3,
      /must be one of deny, warn, ignore: `block`/,
    );
    refuses("rules:\n  - id: r1\n    action: deny\n", 2, /when is required/);
    refuses(
      `${rule("finding.kev")}  - id: r1\n    action: warn\n    when: finding.kev\n`,
      5,
      /a second rule with this id: `r1`/,
    );
    refuses(
      rule("finding.kev", '    message: "{finding.cve}"\n'),
      4,
      /unknown placeholder \{finding\.cve\}/,
    );
  });

  it("an exception with a malformed date", () => {
    const text = [
      "exceptions:",
      "  - owner: alice",
      "    reason: vendored, not reachable",
      "    expires: 2025-13-01",
      "    scope: { vulnerability: CVE-2016-8859 }",
    ].join("\n");
    const file = new SourceFile("ex.yaml", text, "BAD_POLICY");
    assert.throws(
      () => readExceptions(file, ["exceptions"]),
      (err: VigilError) =>
        err.message === "ex.yaml:4: exceptions[0].expires: not a date: `2025-13-01`" &&
        err.hint === "write it as YYYY-MM-DD",
    );
  });

  it("YAML that does not parse", () => {
    refuses("rules: [\n", 2, /not valid YAML or JSON/);
  });
});
