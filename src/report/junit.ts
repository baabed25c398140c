import type * as XmlBuilder from "xmlbuilder2";
import type { XMLBuilder } from "xmlbuilder2/lib/interfaces.js";
import type { Finding } from "../match/types.js";
import type { Decision } from "../policy/types.js";
import { imageName } from "../sbom/identity.js";
import { Verdicts, type ScanResult } from "./model.js";
import { lazyRequire } from "../util/lazy-require.js";

interface Case {
  name: string;
  classname: string;
  detail: string;
  decision?: Decision;
}

/**
 * JUnit XML, as CI systems show test results: one suite per kind of
 * finding, one test case per finding. Without a policy every finding
 * fails; with one, a denied finding fails, a warned one passes with its
 * warning as output, and an ignored one is skipped with the reason.
 */
export function renderJunit(result: ScanResult, findings: readonly Finding[]): string {
  const v = new Verdicts(result.policy);
  const name = imageName(result.inventory.image);
  const suites: [string, Case[]][] = [
    ["vulnerabilities", findings.map((f) => vulnerabilityCase(f, v.vulnerability(f)))],
  ];
  if (result.inventory.secrets) {
    const cases = result.inventory.secrets.map((s) => ({
      name: `${s.rule} in ${s.path}${s.line === undefined ? "" : `:${s.line}`}`,
      classname: s.path,
      detail: `${s.severity} ${s.title}: ${s.match}`,
      decision: v.secret(s),
    }));
    suites.push(["secrets", cases]);
  }
  if (result.misconfigurations) {
    const cases = result.misconfigurations.map((m) => ({
      name: `${m.id}: ${m.title}`,
      classname: "image",
      detail: `${m.severity}: ${m.evidence.map((e) => `${e.path}: ${e.detail}`).join("\n")}\nFix: ${m.fix}`,
      decision: v.misconfiguration(m),
    }));
    suites.push(["misconfigurations", cases]);
  }
  if (result.licenses) {
    const cases = result.licenses.map((l) => ({
      name: `${l.class} license: ${l.package.name} ${l.package.version}`,
      classname: l.package.purl,
      detail: `${l.severity}: ${l.licenses.join(", ") || "no license found"}`,
      decision: v.license(l),
    }));
    suites.push(["licenses", cases]);
  }

  // Loaded here, not at start: only JUnit output needs the XML builder.
  const { create } = lazyRequire<typeof XmlBuilder>("xmlbuilder2");
  const root = create({ version: "1.0", encoding: "UTF-8" }).ele("testsuites", {
    name: `vigil ${name}`,
    tests: suites.reduce((n, [, cases]) => n + cases.length, 0),
    failures: suites.reduce((n, [, cases]) => n + cases.filter(fails).length, 0),
  });
  for (const [kind, cases] of suites) suite(root, `${name}: ${kind}`, cases);
  return `${root.end({ prettyPrint: true })}\n`;
}

function vulnerabilityCase(f: Finding, decision: Decision | undefined): Case {
  const fix = f.fixedVersion ? `fixed in ${f.fixedVersion}` : "no fix yet";
  return {
    name: `${f.id} in ${f.package.name} ${f.package.version}`,
    classname: f.package.purl,
    detail: `${f.severity} (${fix})${f.title ? `: ${f.title}` : ""}\n${f.references.join("\n")}`,
    decision,
  };
}

function fails(c: Case): boolean {
  return c.decision === undefined || c.decision.action === "deny";
}

function suite(root: XMLBuilder, name: string, cases: Case[]): void {
  const s = root.ele("testsuite", {
    name,
    tests: cases.length,
    failures: cases.filter(fails).length,
    skipped: cases.filter((c) => c.decision?.action === "ignore").length,
    errors: 0,
  });
  for (const c of cases) {
    const tc = s.ele("testcase", { name: xmlText(c.name), classname: xmlText(c.classname) });
    if (c.decision?.action === "ignore") {
      tc.ele("skipped", { message: xmlText(c.decision.message) });
    } else if (fails(c)) {
      const message = c.decision ? c.decision.message : c.name;
      tc.ele("failure", { message: xmlText(message), type: c.decision?.by.id ?? "finding" }).txt(
        xmlText(c.detail),
      );
    } else {
      tc.ele("system-out").txt(xmlText(`warn: ${c.decision?.message ?? ""}\n${c.detail}`));
    }
  }
}

/** XML 1.0 cannot carry most control characters, even escaped; image text may hold them. */
function xmlText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd");
}
