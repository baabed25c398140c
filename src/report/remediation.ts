import type { ImageMetadata } from "../inventory/types.js";
import { SEVERITIES, type Finding, type Severity } from "../match/types.js";
import { schemeForEcosystem } from "../version/index.js";

/** One upgrade that fixes a package's findings: "upgrade openssl to X: fixes 7, 2 critical". */
export interface Remediation {
  type: string;
  /** The source package for OS packages (what the distribution ships a fix as), else the package. */
  name: string;
  version: string;
  /** The binary packages of it that are installed (`libssl3`, `openssl`). */
  packages: string[];
  /** The lowest version that fixes every fixable finding of it. */
  fixedIn: string;
  /** How many vulnerabilities (distinct ids) the upgrade fixes. */
  fixes: number;
  bySeverity: Record<Severity, number>;
  ids: string[];
  /** Findings of the same package that no version fixes yet. */
  unfixed: number;
  /** The earliest layer that installed it (0-based). */
  layer: number;
  /** Every package of it came from the base image: rebuilding on a newer base is the fix. */
  inBaseImage: boolean;
}

const OS_TYPES = new Set(["deb", "apk", "rpm"]);

/** Per package, the upgrade that fixes all its fixable findings, most urgent first. */
export function remediations(image: ImageMetadata, findings: readonly Finding[]): Remediation[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = groupKey(f);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }

  const baseLayers = image.base?.layers ?? 0;
  const out: Remediation[] = [];
  for (const group of groups.values()) {
    const fixable = group.filter((f) => f.status === "fixed" && f.fixedVersion);
    if (fixable.length === 0) continue;
    out.push(remediation(group, fixable, baseLayers));
  }
  return out.sort(
    (a, b) =>
      b.bySeverity.CRITICAL - a.bySeverity.CRITICAL ||
      b.bySeverity.HIGH - a.bySeverity.HIGH ||
      b.fixes - a.fixes ||
      a.name.localeCompare(b.name),
  );
}

function groupKey(f: Finding): string {
  const p = f.package;
  const os = OS_TYPES.has(p.type);
  const name = os ? (p.sourceName ?? p.name) : p.name;
  const version = os ? (p.sourceVersion ?? p.version) : p.version;
  return `${p.type}\0${name}\0${version}\0${os ? "" : p.path}`;
}

function remediation(group: Finding[], fixable: Finding[], baseLayers: number): Remediation {
  const first = group[0] as Finding;
  const p = first.package;
  const os = OS_TYPES.has(p.type);
  const scheme = schemeForEcosystem(first.ecosystem);
  const versions = fixable.map((f) => f.fixedVersion as string);
  const fixedIn = versions.reduce((a, b) => (scheme && scheme.compare(b, a) > 0 ? b : a));

  // One vulnerability in two binaries of a source package is one fix, not two.
  const worst = new Map<string, Severity>();
  for (const f of fixable) {
    const seen = worst.get(f.id);
    if (!seen || SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(seen))
      worst.set(f.id, f.severity);
  }
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const severity of worst.values()) bySeverity[severity] += 1;
  const layers = group.map((f) => f.package.layer.index);

  return {
    type: p.type,
    name: os ? (p.sourceName ?? p.name) : p.name,
    version: os ? (p.sourceVersion ?? p.version) : p.version,
    packages: [...new Set(group.map((f) => f.package.name))].sort(),
    fixedIn,
    fixes: worst.size,
    bySeverity,
    ids: [...worst.keys()].sort(),
    unfixed: new Set(group.filter((f) => !fixable.includes(f)).map((f) => f.id)).size,
    layer: Math.min(...layers),
    inBaseImage: layers.every((l) => l >= 0 && l < baseLayers),
  };
}

/** "upgrade openssl to 3.0.15 (libssl3, openssl): fixes 7, 2 critical". */
export function remediationText(r: Remediation): string {
  const counts = SEVERITIES.filter((s) => r.bySeverity[s] > 0 && s !== "UNKNOWN")
    .slice(0, 2)
    .map((s) => `${r.bySeverity[s]} ${s.toLowerCase()}`);
  const what =
    r.packages.length > 1 || r.packages[0] !== r.name ? ` (${r.packages.join(", ")})` : "";
  const tail = counts.length > 0 ? `, ${counts.join(", ")}` : "";
  return `upgrade ${r.name} to ${r.fixedIn}${what}: fixes ${r.fixes}${tail}`;
}

/** Where to make the change: the base image, or the layer that installed it. */
export function remediationWhere(r: Remediation, image: ImageMetadata): string {
  if (r.inBaseImage) {
    const base = image.base?.name ? ` (${image.base.name})` : "";
    return `in the base image${base}: rebuild on an updated base`;
  }
  const createdBy = image.layers?.[r.layer]?.createdBy;
  const step = createdBy
    ? `: ${createdBy.length > 60 ? `${createdBy.slice(0, 57)}…` : createdBy}`
    : "";
  return r.layer < 0 ? "" : `layer ${r.layer + 1}${step}`;
}
