import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VigilError } from "../errors.js";
import { evaluatePolicy } from "../policy/evaluate.js";
import { readExceptions } from "../policy/exceptions.js";
import { defaultPolicy } from "../policy/policy-file.js";
import { SourceFile } from "../policy/source.js";
import { expectedImages } from "../testing/corpus.js";
import { alpine34Reference, corpusLayout, kevImage, scanOnce } from "../testing/policy.js";
import { junitOf, openVexErrors, sarifErrors } from "../testing/reports.js";
import { cycloneDxErrors } from "../testing/sbom.js";
import { selectReport, type ScanResult } from "./model.js";
import { scanResultOf } from "./read-json.js";
import { renderReport, type ReportFormat } from "./render.js";

/** The scan as `vigil image --policy default` sees it, with an exception for every other vulnerability. */
async function judged(reference: string): Promise<ReturnType<typeof selectReport>> {
  const selected = selectReport(await scanOnce(reference), {});
  const vulns = [...new Set(selected.findings.map((f) => f.id))].filter((_, i) => i % 2 === 0);
  const lines = ["exceptions:"];
  vulns.forEach((id, i) => {
    lines.push(`  - owner: team@example.com`, `    reason: reviewed`, `    expires: 2999-01-01`);
    if (i % 2 === 1) lines.push("    justification: vulnerable_code_not_in_execute_path");
    lines.push(`    scope: { vulnerability: ${id} }`);
  });
  const source = new SourceFile(
    "ex.yaml",
    vulns.length ? lines.join("\n") : "exceptions: []",
    "BAD_POLICY",
  );
  const exceptions = readExceptions(source, ["exceptions"]);
  const policy = evaluatePolicy(
    { ...selected.result, findings: selected.findings },
    { policy: defaultPolicy(), exceptions },
  );
  return { ...selected, result: { ...selected.result, policy } };
}

const render = (
  format: ReportFormat,
  r: { result: ScanResult; findings: ScanResult["findings"] },
) =>
  renderReport(format, r.result, r.findings, {
    color: false,
    template: {
      name: "t.hbs",
      text: "{{artifact.reference}}: {{#each vulnerabilities}}{{id}} {{/each}}\n",
    },
  });

const images = [
  ...expectedImages().map((i) => ({ name: i.name, reference: corpusLayout(i.name) })),
  { name: "alpine-3.4 fixture", reference: "" },
  { name: "KEV fixture", reference: "" },
];

describe("every format for every image", () => {
  for (const image of images) {
    it(image.name, async () => {
      const reference =
        image.name === "alpine-3.4 fixture"
          ? await alpine34Reference()
          : image.name === "KEV fixture"
            ? `oci:${await kevImage()}`
            : image.reference;
      const r = await judged(reference);
      const { result, findings } = r;

      // JSON reads back as the same findings, with their decisions.
      const json = JSON.parse(render("json", r));
      assert.equal(json.vulnerabilities.length, findings.length);
      assert.equal(scanResultOf(json).findings.length, findings.length);
      assert.ok(json.vulnerabilities.every((v: { decision?: unknown }) => v.decision));
      assert.equal(json.policy.passed, result.policy?.passed);

      const sarif = JSON.parse(render("sarif", r));
      assert.equal(sarifErrors(sarif), null, "SARIF 2.1.0");
      const run = sarif.runs[0];
      const ruleIds = run.tool.driver.rules.map((x: { id: string }) => x.id);
      assert.equal(new Set(ruleIds).size, ruleIds.length, "one rule per id");
      const kinds =
        (result.inventory.secrets?.length ?? 0) + (result.misconfigurations?.length ?? 0);
      assert.equal(run.results.length, findings.length + kinds + (result.licenses?.length ?? 0));
      for (const res of run.results) {
        assert.ok(!res.locations[0].physicalLocation.artifactLocation.uri.startsWith("/"));
      }

      assert.equal(await cycloneDxErrors(render("cyclonedx-vdr", r), "1.6"), null, "CycloneDX 1.6");

      const junit = junitOf(render("junit", r));
      const cases = junit.testsuites.testsuite.reduce((n, s) => n + (s.testcase?.length ?? 0), 0);
      assert.equal(cases, findings.length + kinds + (result.licenses?.length ?? 0));

      const markdown = render("markdown", r);
      assert.match(markdown, /^### vigil: `/);
      assert.match(markdown, /\| vulnerabilities \| \d+/);
      assert.match(markdown, result.policy?.passed ? /✅ \*\*passed\*\*/ : /❌ \*\*failed\*\*/);

      const html = render("html", r);
      assert.match(html, /^<!doctype html>/);
      assert.ok(!/<(script|link|img)[^>]+(src|href)=/i.test(html), "nothing loaded from outside");

      const table = render("table", r);
      assert.match(table, /policy vigil-default: (PASSED|FAILED)/);

      const text = render("template", r);
      assert.equal(text.split(" ").filter((w) => /^[A-Z]+-/.test(w)).length, findings.length);

      if (result.policy?.applied.length) {
        const vex = JSON.parse(render("openvex", r));
        assert.equal(openVexErrors(vex), null, "OpenVEX 0.2.0");
        assert.ok(vex.statements.length > 0);
      } else {
        assert.throws(
          () => render("openvex", r),
          (e: VigilError) => e.code === "BAD_OPTION",
        );
      }
    });
  }

  it("an exception becomes an OpenVEX statement about the image and its package", async () => {
    const r = await judged(`oci:${await kevImage()}`);
    const vex = JSON.parse(render("openvex", r));
    const [first] = vex.statements;
    assert.equal(first.vulnerability.name, "CVE-2017-8291");
    assert.match(first.products[0]["@id"], /^pkg:oci\/.+@sha256:[0-9a-f]{64}\?arch=amd64/);
    assert.match(
      first.products[0].subcomponents[0]["@id"],
      /^pkg:apk\/alpine\/ghostscript@9\.20-r0/,
    );
    assert.equal(first.status, "affected");
    assert.match(
      first.action_statement,
      /^Risk accepted \(team@example\.com, until 2999-01-01\): reviewed$/,
    );
    assert.ok(vex.statements.some((s: { status: string }) => s.status === "not_affected"));
  });
});
