import Table from "cli-table3";
import pc from "picocolors";
import { printable } from "../util/text.js";
import { isPast } from "../inventory/eol.js";
import type { Finding, Severity } from "../match/types.js";
import { SEVERITIES } from "../match/types.js";
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
