import { SEVERITIES, type Finding, type Severity } from "../match/types.js";
import type { Decision } from "../policy/types.js";
import { imageName } from "../sbom/identity.js";
import { countBySeverity, Verdicts, type ScanResult } from "./model.js";
import { remediations, remediationText, remediationWhere } from "./remediation.js";

const ROWS = 30;

interface Row {
  decision?: Decision;
  severity: Severity;
  what: string;
  where: string;
  why: string;
}

/**
 * For a merge-request comment: the verdict and a summary first, then what
 * blocks the merge (the denied findings, or without a policy the critical
 * and high ones), then the upgrades that fix the most. Compact: at most
 * ROWS rows per list, the rest counted.
 */
export function renderMarkdown(result: ScanResult, findings: readonly Finding[]): string {
  const { inventory } = result;
  const v = new Verdicts(result.policy);
  const rows = allRows(result, findings, v);
  const os = inventory.os ? `${inventory.os.family} ${inventory.os.release}` : "unknown OS";
  const lines = [`### vigil: \`${code(imageName(inventory.image))}\` (${md(os)})`, ""];

  if (result.policy) {
    const { deny, warn, ignore } = result.policy.counts;
    const verdict = result.policy.passed ? "✅ **passed**" : "❌ **failed**";
    const name = result.policy.policy
      ? `policy \`${code(result.policy.policy)}\``
      : "exceptions and VEX";
    lines.push(`${verdict}: ${name}: ${deny} denied, ${warn} warned, ${ignore} ignored`, "");
  }
  lines.push(...summaryTable(result, findings), "");

  const blocking = result.policy
    ? rows.filter((r) => r.decision?.action === "deny")
    : rows.filter((r) => r.severity === "CRITICAL" || r.severity === "HIGH");
  const title = result.policy ? "Denied" : "Critical and high";
  if (blocking.length > 0)
    lines.push(`#### ${title} (${blocking.length})`, "", ...rowTable(blocking), "");

  for (const e of result.policy?.expired ?? []) {
    lines.push(`- ⚠️ exception \`${code(e.id)}\` expired on ${e.expires} (${md(e.source)})`);
  }
  const fixes = remediations(
    inventory.image,
    findings.filter((f) => v.shown(v.vulnerability(f))),
  );
  if (fixes.length > 0) {
    lines.push("#### Remediation", "");
    for (const r of fixes.slice(0, 10)) {
      const where = remediationWhere(r, inventory.image);
      lines.push(`- ${md(remediationText(r))}${where ? ` — ${md(where)}` : ""}`);
    }
    if (fixes.length > 10) lines.push(`- … ${fixes.length - 10} more`);
  }
  return `${lines.join("\n").trimEnd()}\n`;
}

function summaryTable(result: ScanResult, findings: readonly Finding[]): string[] {
  const counts = countBySeverity(findings);
  const head = ["", ...SEVERITIES.map((s) => s.toLowerCase())];
  const bySeverity = <T extends { severity: Severity }>(list: readonly T[] | undefined) =>
    SEVERITIES.map((s) => String((list ?? []).filter((x) => x.severity === s).length));
  const lines = [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    `| vulnerabilities | ${SEVERITIES.map((s) => counts[s]).join(" | ")} |`,
  ];
  if (result.inventory.secrets)
    lines.push(`| secrets | ${bySeverity(result.inventory.secrets).join(" | ")} |`);
  if (result.misconfigurations) {
    lines.push(`| misconfigurations | ${bySeverity(result.misconfigurations).join(" | ")} |`);
  }
  if (result.licenses) lines.push(`| licenses | ${bySeverity(result.licenses).join(" | ")} |`);
  return lines;
}

function allRows(result: ScanResult, findings: readonly Finding[], v: Verdicts): Row[] {
  return [
    ...findings.map((f) => ({
      decision: v.vulnerability(f),
      severity: f.severity,
      what: `${f.id} in ${f.package.name} ${f.package.version}`,
      where: f.package.path,
      why: f.fixedVersion ? `fixed in ${f.fixedVersion}` : "no fix yet",
    })),
    ...(result.inventory.secrets ?? []).map((s) => ({
      decision: v.secret(s),
      severity: s.severity,
      what: s.title,
      where: s.line === undefined ? s.path : `${s.path}:${s.line}`,
      why: s.removedIn === undefined ? s.match : `${s.match} (removed in layer ${s.removedIn + 1})`,
    })),
    ...(result.misconfigurations ?? []).map((m) => ({
      decision: v.misconfiguration(m),
      severity: m.severity,
      what: m.title,
      where: m.evidence[0]?.path ?? "",
      why: m.fix,
    })),
    ...(result.licenses ?? []).map((l) => ({
      decision: v.license(l),
      severity: l.severity,
      what: `${l.class} license of ${l.package.name} ${l.package.version}`,
      where: l.package.path,
      why: l.licenses.join(", "),
    })),
  ];
}

function rowTable(rows: readonly Row[]): string[] {
  const lines = ["| severity | finding | where | note |", "| --- | --- | --- | --- |"];
  for (const r of rows.slice(0, ROWS)) {
    const note = r.decision?.action === "deny" ? `${r.decision.message}` : r.why;
    lines.push(`| ${r.severity} | ${md(r.what)} | \`${code(r.where)}\` | ${md(note)} |`);
  }
  if (rows.length > ROWS) lines.push(`| | … ${rows.length - ROWS} more | | |`);
  return lines;
}

/** Text from an image cannot start markup, links, or break a table row. */
export function md(text: string): string {
  // Parentheses and `!` only act after a `]`, which is escaped.
  return text.replace(/[\r\n]+/g, " ").replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

/** Inside backticks only a backtick or a line break could break out. */
function code(text: string): string {
  return text
    .replace(/[\r\n]+/g, " ")
    .replace(/`/g, "'")
    .replace(/\|/g, "\\|");
}
