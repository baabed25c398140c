import Table from "cli-table3";
import pc from "picocolors";
import { printable } from "../util/text.js";
import { isPast } from "../inventory/eol.js";
import type { Finding, Severity } from "../match/types.js";
import { SEVERITIES, severityRank } from "../match/types.js";
import type { LicenseFinding } from "../licenses/findings.js";
import type { Evidence, MisconfigFinding } from "../misconfig/types.js";
import type { SecretFinding } from "../secrets/types.js";
import type { Decision, PolicyOutcome } from "../policy/types.js";
import { countBySeverity, Verdicts, type ScanResult } from "./model.js";
import { remediations, remediationText, remediationWhere } from "./remediation.js";

export interface TableOptions {
  color: boolean;
}

/** The report for people: one table per target, most severe first, then a summary. */
export function renderTable(
  result: ScanResult,
  findings: readonly Finding[],
  opts: TableOptions,
): string {
  const { inventory } = result;
  const os = inventory.os ? `${inventory.os.family} ${inventory.os.release}` : "unknown OS";
  const eol = inventory.os?.eol;
  const ended = eol && isPast(eol) ? `, end of life since ${eol.date}` : "";
  const lines = [
    `${printable(inventory.image.reference)} (${printable(os)})${paintEol(ended, opts.color)}`,
    `${inventory.packages.length} packages, ${summary(findings, opts.color)}`,
  ];
  if (ended) lines.push("note: its vendor publishes no more fixes; advisories stop there");

  const verdicts = new Verdicts(result.policy);
  for (const [type, group] of byPackageType(findings)) {
    if (groups(findings) > 1) lines.push(`${type} packages: ${summary(group, opts.color)}`);
    lines.push(findingsTable(group, opts, verdicts).toString());
  }
  if (inventory.secrets) lines.push(...secretsSection(inventory.secrets, opts, verdicts));
  if (result.misconfigurations) {
    lines.push(...renderMisconfigTable(result.misconfigurations, opts, verdicts));
  }
  if (result.licenses) lines.push(...licenseSection(result.licenses, opts, verdicts));
  lines.push(...remediationSection(result, findings));
  if (result.policy) lines.push(...policySection(result.policy, opts));
  if (!inventory.os) lines.push("note: no OS detected; OS packages were not matched");
  if (inventory.warnings.length > 0) {
    lines.push(`${inventory.warnings.length} warning(s); see --format json or the log`);
  }
  return `${lines.join("\n")}\n`;
}

function summary(findings: readonly Finding[], color: boolean): string {
  const counts = countBySeverity(findings);
  const parts = SEVERITIES.filter((s) => counts[s] > 0).map(
    (s) => `${paint(s, s, color)}: ${counts[s]}`,
  );
  const total = `${findings.length} vulnerabilit${findings.length === 1 ? "y" : "ies"}`;
  return parts.length > 0 ? `${total} (${parts.join(", ")})` : total;
}

/** Vulnerabilities by package type (`deb`, `npm`, …), in the report's order. */
function byPackageType(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) out.set(f.package.type, [...(out.get(f.package.type) ?? []), f]);
  return out;
}

function groups(findings: readonly Finding[]): number {
  return new Set(findings.map((f) => f.package.type)).size;
}

function findingsTable(findings: readonly Finding[], opts: TableOptions, verdicts: Verdicts) {
  const policy = verdicts.outcome !== undefined;
  const table = new Table({
    head: [
      ...(policy ? ["Policy"] : []),
      "Package",
      "Version",
      "Vulnerability",
      "Severity",
      "Status",
      "Fixed in",
      "Exploit",
      "Title",
    ],
    style: { head: opts.color ? ["bold"] : [], border: opts.color ? ["grey"] : [] },
    // No rule between rows: a long report stays readable in a CI log.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colWidths: [...(policy ? [null] : []), null, null, null, null, null, null, null, 50],
    wordWrap: true,
  });
  for (const f of findings) {
    table.push([
      ...verdictCell(verdicts.vulnerability(f), policy, opts),
      printable(f.package.name),
      printable(f.package.version),
      printable(f.id),
      paint(f.severity, f.severity, opts.color),
      f.statusNote ? `${f.status}: ${f.statusNote.split(":")[0]}` : f.status,
      printable(f.fixedVersion ?? ""),
      exploit(f),
      printable(f.title ?? ""),
    ]);
  }
  return table;
}

function secretsSection(
  secrets: readonly SecretFinding[],
  opts: TableOptions,
  verdicts: Verdicts,
): string[] {
  const head = `${secrets.length} secret${secrets.length === 1 ? "" : "s"}`;
  if (secrets.length === 0) return [head];
  const policy = verdicts.outcome !== undefined;
  const table = new Table({
    head: [...(policy ? ["Policy"] : []), "Severity", "Rule", "Where", "Layer", "Match"],
    style: { head: opts.color ? ["bold"] : [], border: opts.color ? ["grey"] : [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colWidths: [...(policy ? [null] : []), null, null, 40, null, 44],
    wordWrap: true,
  });
  for (const s of secrets) {
    const where = s.line === undefined ? s.path : `${s.path}:${s.line}`;
    const notes = [s.example ? "documentation example" : "", s.detail ?? ""].filter(Boolean);
    table.push([
      ...verdictCell(verdicts.secret(s), policy, opts),
      paint(s.severity, s.severity, opts.color),
      printable(s.rule),
      printable(where),
      layerText(s),
      printable([s.match, ...notes.map((n) => `(${n})`)].join(" ")),
    ]);
  }
  return [head, table.toString()];
}

/** One row per failed check; its evidence listed below the title, at most a few places. */
export function renderMisconfigTable(
  found: readonly MisconfigFinding[],
  opts: TableOptions,
  verdicts = new Verdicts(undefined),
): string[] {
  const head = `${found.length} misconfiguration${found.length === 1 ? "" : "s"}`;
  if (found.length === 0) return [head];
  const policy = verdicts.outcome !== undefined;
  const table = new Table({
    head: [...(policy ? ["Policy"] : []), "Severity", "Check", "CIS", "Where", "Fix"],
    style: { head: opts.color ? ["bold"] : [], border: opts.color ? ["grey"] : [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colWidths: [...(policy ? [null] : []), null, 34, null, 44, 40],
    wordWrap: true,
  });
  const sorted = [...found].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  for (const m of sorted) {
    const shown = m.evidence.slice(0, EVIDENCE_SHOWN).map(evidenceText);
    const more = m.evidence.length - shown.length;
    if (more > 0) shown.push(`… ${more} more (see --format json)`);
    table.push([
      ...verdictCell(verdicts.misconfiguration(m), policy, opts),
      paint(m.severity, m.severity, opts.color),
      `${m.id}\n${m.title}`,
      m.cis ?? "",
      shown.map(printable).join("\n"),
      m.fix,
    ]);
  }
  return [head, table.toString()];
}

const EVIDENCE_SHOWN = 5;

function evidenceText(e: Evidence): string {
  const where = e.line === undefined ? e.path : `${e.path}:${e.line}`;
  const layer = e.layer === undefined ? "" : ` (layer ${e.layer + 1})`;
  return `${where}${layer}: ${e.detail}`;
}

function licenseSection(
  found: readonly LicenseFinding[],
  opts: TableOptions,
  verdicts: Verdicts,
): string[] {
  const head = `${found.length} license finding${found.length === 1 ? "" : "s"}`;
  if (found.length === 0) return [head];
  const policy = verdicts.outcome !== undefined;
  const table = new Table({
    head: [...(policy ? ["Policy"] : []), "Severity", "Class", "Package", "Version", "License"],
    style: { head: opts.color ? ["bold"] : [], border: opts.color ? ["grey"] : [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colWidths: [...(policy ? [null] : []), null, null, null, null, 50],
    wordWrap: true,
  });
  const sorted = [...found].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      a.package.name.localeCompare(b.package.name),
  );
  for (const l of sorted) {
    table.push([
      ...verdictCell(verdicts.license(l), policy, opts),
      paint(l.severity, l.severity, opts.color),
      l.class,
      printable(l.package.name),
      printable(l.package.version),
      printable(l.licenses.join(", ") || "(none found)"),
    ]);
  }
  return [head, table.toString()];
}

function verdictCell(d: Decision | undefined, policy: boolean, opts: TableOptions): string[] {
  if (!policy) return [];
  const text = (d?.action ?? "").toUpperCase();
  if (!opts.color) return [text];
  return [d?.action === "deny" ? pc.bold(pc.red(text)) : pc.yellow(text)];
}

const REMEDIATIONS_SHOWN = 10;

function remediationSection(result: ScanResult, findings: readonly Finding[]): string[] {
  const all = remediations(result.inventory.image, findings);
  if (all.length === 0) return [];
  const lines = all.slice(0, REMEDIATIONS_SHOWN).map((r) => {
    const where = remediationWhere(r, result.inventory.image);
    return `  ${printable(remediationText(r))}${where ? ` (${printable(where)})` : ""}`;
  });
  const more = all.length - lines.length;
  if (more > 0) lines.push(`  … ${more} more (see --format json)`);
  return ["Remediation:", ...lines];
}

const DENIALS_SHOWN = 20;

/** The verdict, then why: every denial with the rule that made it, and expired exceptions. */
function policySection(outcome: PolicyOutcome, opts: TableOptions): string[] {
  const verdict = outcome.passed ? "PASSED" : "FAILED";
  const shownVerdict = opts.color
    ? outcome.passed
      ? pc.green(verdict)
      : pc.bold(pc.red(verdict))
    : verdict;
  const { deny, warn, ignore } = outcome.counts;
  const name = outcome.policy ? `policy ${printable(outcome.policy)}` : "exceptions and VEX";
  const lines = [`${name}: ${shownVerdict} (${deny} denied, ${warn} warned, ${ignore} ignored)`];

  const denied = outcome.decisions.filter((d) => d.action === "deny");
  for (const d of denied.slice(0, DENIALS_SHOWN)) {
    lines.push(`  deny [${printable(d.by.id)}] ${printable(d.message)}`);
  }
  if (denied.length > DENIALS_SHOWN) lines.push(`  … ${denied.length - DENIALS_SHOWN} more`);
  for (const e of outcome.expired) {
    lines.push(
      `  expired exception ${printable(e.id)} (${printable(e.source)}): ended ${e.expires}`,
    );
  }
  return lines;
}

/** Layers as people count them, from 1; a removed file says which layer removed it. */
function layerText(s: SecretFinding): string {
  if (s.layer === undefined) return "config";
  const removed = s.removedIn === undefined ? "" : `\nremoved in ${s.removedIn + 1}`;
  return `${s.layer + 1}${removed}`;
}

function paintEol(text: string, color: boolean): string {
  return color && text ? pc.yellow(text) : text;
}

/** "KEV 2025-08-25" when CISA lists it as exploited; "EPSS 0.92 (99%)" for the score. */
function exploit(f: Finding): string {
  const parts: string[] = [];
  if (f.kev) parts.push(`KEV ${f.kev.dateAdded}`);
  if (f.epss)
    parts.push(`EPSS ${f.epss.score.toFixed(2)} (${Math.round(f.epss.percentile * 100)}%)`);
  return parts.join("\n");
}

function paint(text: string, severity: Severity, color: boolean): string {
  if (!color) return text;
  switch (severity) {
    case "CRITICAL":
      return pc.bold(pc.red(text));
    case "HIGH":
      return pc.red(text);
    case "MEDIUM":
      return pc.yellow(text);
    case "LOW":
      return pc.blue(text);
    default:
      return pc.dim(text);
  }
}
