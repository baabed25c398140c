import type { Package } from "../inventory/types.js";
import { severityRank, type Severity } from "../match/types.js";
import type { Action, Decision, FindingKind } from "../policy/types.js";
import { printable } from "../util/text.js";
import { Verdicts, type ScanResult } from "./model.js";

/** A finding as a diff names it: the same vulnerability in the same package is the same, at any version. */
export interface DiffItem {
  kind: FindingKind;
  id: string;
  severity: Severity;
  /** "CVE-2024-1 in openssl 3.0.1", "github-token in /app/.env:3". */
  label: string;
  /** The new image's verdict on it, with a policy. */
  action?: Action;
  message?: string;
}

export interface ScanDiff {
  old: { reference: string; digest: string };
  new: { reference: string; digest: string };
  packages: {
    added: Package[];
    removed: Package[];
    /** Same package at the same place, another version. */
    changed: { from: Package; to: Package }[];
    kept: number;
  };
  findings: { added: DiffItem[]; removed: DiffItem[]; kept: number };
}

/**
 * What NEW adds, removes and keeps of OLD: packages by type, name and
 * file; findings by what they are about, so an upgrade that leaves a
 * vulnerability open keeps it rather than adding it. NEW's policy
 * verdicts ride on the added findings: a CI gate fails on new risk only.
 */
export function diffScans(oldScan: ScanResult, newScan: ScanResult): ScanDiff {
  const oldPkgs = new Map(oldScan.inventory.packages.map((p) => [packageKey(p), p]));
  const newPkgs = new Map(newScan.inventory.packages.map((p) => [packageKey(p), p]));
  const changed: { from: Package; to: Package }[] = [];
  let kept = 0;
  for (const [key, p] of newPkgs) {
    const before = oldPkgs.get(key);
    if (before && before.version !== p.version) changed.push({ from: before, to: p });
    else if (before) kept += 1;
  }

  const oldItems = itemsOf(oldScan);
  const newItems = itemsOf(newScan);
  return {
    old: { reference: oldScan.inventory.image.reference, digest: oldScan.inventory.image.digest },
    new: { reference: newScan.inventory.image.reference, digest: newScan.inventory.image.digest },
    packages: {
      added: [...newPkgs].filter(([k]) => !oldPkgs.has(k)).map(([, p]) => p),
      removed: [...oldPkgs].filter(([k]) => !newPkgs.has(k)).map(([, p]) => p),
      changed,
      kept,
    },
    findings: {
      added: byRank([...newItems].filter(([k]) => !oldItems.has(k)).map(([, i]) => i)),
      removed: byRank([...oldItems].filter(([k]) => !newItems.has(k)).map(([, i]) => i)),
      kept: [...newItems.keys()].filter((k) => oldItems.has(k)).length,
    },
  };
}

/** Most severe first, then by label: the same order whatever the scans' own order was. */
function byRank(items: DiffItem[]): DiffItem[] {
  return items.sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || a.label.localeCompare(b.label),
  );
}

function packageKey(p: Package): string {
  return `${p.type}\0${p.name}\0${p.arch ?? ""}\0${p.path}`;
}

/** Every finding of a scan by what it is about, with the scan's verdict on it. */
function itemsOf(scan: ScanResult): Map<string, DiffItem> {
  const v = new Verdicts(scan.policy);
  const items = new Map<string, DiffItem>();
  const add = (key: string, item: Omit<DiffItem, "action" | "message">, d?: Decision) =>
    items.set(key, { ...item, action: d?.action, message: d?.message });

  for (const f of scan.findings) {
    const p = f.package;
    const label = `${f.id} in ${p.name} ${p.version}`;
    add(
      `v\0${f.id}\0${p.type}\0${p.name}\0${p.path}`,
      item("vulnerability", f.id, f.severity, label),
      v.vulnerability(f),
    );
  }
  for (const s of scan.inventory.secrets ?? []) {
    const where = s.line === undefined ? s.path : `${s.path}:${s.line}`;
    add(
      `s\0${s.rule}\0${s.path}\0${s.fingerprint}`,
      item("secret", s.rule, s.severity, `${s.rule} in ${where}`),
      v.secret(s),
    );
  }
  for (const m of scan.misconfigurations ?? []) {
    add(
      `m\0${m.id}`,
      item("misconfiguration", m.id, m.severity, `${m.id}: ${m.title}`),
      v.misconfiguration(m),
    );
  }
  for (const l of scan.licenses ?? []) {
    const label = `${l.class} license of ${l.package.name} ${l.package.version}`;
    add(
      `l\0${l.class}\0${l.package.type}\0${l.package.name}`,
      item("license", `license:${l.class}`, l.severity, label),
      v.license(l),
    );
  }
  return items;
}

function item(kind: FindingKind, id: string, severity: Severity, label: string) {
  return { kind, id, severity, label };
}

/** Added findings the new image's policy denies: what a gate on new risk fails on. */
export function deniedAdditions(diff: ScanDiff): DiffItem[] {
  return diff.findings.added.filter((i) => i.action === "deny");
}

export function renderDiffJson(diff: ScanDiff): string {
  const pkg = (p: Package) => ({
    type: p.type,
    name: p.name,
    version: p.version,
    purl: p.purl,
    layer: p.layer.index,
  });
  const out = {
    schema: "vigil.diff/v1",
    old: diff.old,
    new: diff.new,
    packages: {
      added: diff.packages.added.map(pkg),
      removed: diff.packages.removed.map(pkg),
      changed: diff.packages.changed.map((c) => ({ ...pkg(c.to), from: c.from.version })),
      kept: diff.packages.kept,
    },
    findings: diff.findings,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

const LISTED = 50;

/** For people: counts first, then each list, capped. */
export function renderDiffText(diff: ScanDiff, markdown: boolean): string {
  const { packages, findings } = diff;
  const bullet = markdown ? "- " : "  ";
  const esc = (s: string) =>
    markdown ? s.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`) : printable(s);
  const lines = [
    `${markdown ? "### " : ""}${esc(diff.old.reference)} → ${esc(diff.new.reference)}`,
    `packages: ${packages.added.length} added, ${packages.removed.length} removed, ${packages.changed.length} changed, ${packages.kept} kept`,
    `findings: ${findings.added.length} added, ${findings.removed.length} removed, ${findings.kept} kept`,
  ];
  const list = (title: string, items: string[]) => {
    if (items.length === 0) return;
    lines.push("", `${markdown ? "#### " : ""}${title} (${items.length})`);
    for (const i of items.slice(0, LISTED)) lines.push(`${bullet}${esc(i)}`);
    if (items.length > LISTED)
      lines.push(`${bullet}… ${items.length - LISTED} more (see --format json)`);
  };
  const verdict = (i: DiffItem) => (i.action ? ` [${i.action}]` : "");

  list(
    "added findings",
    findings.added.map((i) => `${i.severity} ${i.label}${verdict(i)}`),
  );
  list(
    "removed findings",
    findings.removed.map((i) => `${i.severity} ${i.label}`),
  );
  list(
    "added packages",
    packages.added.map((p) => `${p.type} ${p.name} ${p.version} (layer ${p.layer.index + 1})`),
  );
  list(
    "removed packages",
    packages.removed.map((p) => `${p.type} ${p.name} ${p.version}`),
  );
  list(
    "changed packages",
    packages.changed.map((c) => `${c.to.type} ${c.to.name} ${c.from.version} → ${c.to.version}`),
  );
  return `${lines.join("\n")}\n`;
}
