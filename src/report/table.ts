import Table from "cli-table3";
import pc from "picocolors";
import { printable } from "../util/text.js";
import { isPast } from "../inventory/eol.js";
import type { Finding, Severity } from "../match/types.js";
import { SEVERITIES, severityRank } from "../match/types.js";
import type { LicenseFinding } from "../licenses/findings.js";
import type { Evidence, MisconfigFinding } from "../misconfig/types.js";
import type { SecretFinding } from "../secrets/types.js";
import { countBySeverity, type ScanResult } from "./model.js";

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

  if (findings.length > 0) lines.push(findingsTable(findings, opts).toString());
  if (inventory.secrets) lines.push(...secretsSection(inventory.secrets, opts));
  if (result.misconfigurations) lines.push(...renderMisconfigTable(result.misconfigurations, opts));
  if (result.licenses) lines.push(...licenseSection(result.licenses, opts));
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

function findingsTable(findings: readonly Finding[], opts: TableOptions) {
  const table = new Table({
    head: [
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
    colWidths: [null, null, null, null, null, null, null, 50],
    wordWrap: true,
  });
  for (const f of findings) {
    table.push([
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

function secretsSection(secrets: readonly SecretFinding[], opts: TableOptions): string[] {
  const head = `${secrets.length} secret${secrets.length === 1 ? "" : "s"}`;
  if (secrets.length === 0) return [head];
  const table = new Table({
    head: ["Severity", "Rule", "Where", "Layer", "Match"],
    style: { head: opts.color ? ["bold"] : [], border: opts.color ? ["grey"] : [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colWidths: [null, null, 40, null, 44],
    wordWrap: true,
  });
  for (const s of secrets) {
    const where = s.line === undefined ? s.path : `${s.path}:${s.line}`;
    const notes = [s.example ? "documentation example" : "", s.detail ?? ""].filter(Boolean);
    table.push([
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
): string[] {
  const head = `${found.length} misconfiguration${found.length === 1 ? "" : "s"}`;
  if (found.length === 0) return [head];
  const table = new Table({
    head: ["Severity", "Check", "CIS", "Where", "Fix"],
    style: { head: opts.color ? ["bold"] : [], border: opts.color ? ["grey"] : [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colWidths: [null, 34, null, 44, 40],
    wordWrap: true,
  });
  const sorted = [...found].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  for (const m of sorted) {
    const shown = m.evidence.slice(0, EVIDENCE_SHOWN).map(evidenceText);
    const more = m.evidence.length - shown.length;
    if (more > 0) shown.push(`… ${more} more (see --format json)`);
    table.push([
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

function licenseSection(found: readonly LicenseFinding[], opts: TableOptions): string[] {
  const head = `${found.length} license finding${found.length === 1 ? "" : "s"}`;
  if (found.length === 0) return [head];
  const table = new Table({
    head: ["Severity", "Class", "Package", "Version", "License"],
    style: { head: opts.color ? ["bold"] : [], border: opts.color ? ["grey"] : [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    colWidths: [null, null, null, null, 50],
    wordWrap: true,
  });
  const sorted = [...found].sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      a.package.name.localeCompare(b.package.name),
  );
  for (const l of sorted) {
    table.push([
      paint(l.severity, l.severity, opts.color),
      l.class,
      printable(l.package.name),
      printable(l.package.version),
      printable(l.licenses.join(", ") || "(none found)"),
    ]);
  }
  return [head, table.toString()];
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
