import type { Inventory, Package } from "../inventory/types.js";
import type { Severity } from "../match/types.js";
import { LicenseClassifier, type LicenseClass } from "./classify.js";

/** A package's licenses of one class the user asked to hear about. */
export interface LicenseFinding {
  package: Pick<Package, "type" | "name" | "version" | "path" | "purl"> & { layer: number };
  /** The package's licenses of this class, as recorded; empty when none was found at all. */
  licenses: string[];
  class: LicenseClass;
  severity: Severity;
}

export interface LicenseOptions {
  /** Overrides of the classification table: ids or names per class. */
  classes?: Partial<Record<LicenseClass, string[]>>;
  /** Which classes become findings. */
  report?: LicenseClass[];
}

/** By default the classes that need a decision before shipping. */
export const DEFAULT_REPORTED: readonly LicenseClass[] = [
  "forbidden",
  "restricted",
  "reciprocal",
  "unknown",
];

const SEVERITY: Record<LicenseClass, Severity> = {
  forbidden: "CRITICAL",
  restricted: "HIGH",
  reciprocal: "MEDIUM",
  notice: "LOW",
  permissive: "LOW",
  unencumbered: "LOW",
  unknown: "UNKNOWN",
};

/**
 * Sets every package's `licenseClass` (so each carries a license or an
 * explicit unknown) and returns, per package, one finding for each reported
 * class among its licenses.
 */
export function classifyLicenses(
  inventory: Inventory,
  opts: LicenseOptions = {},
): LicenseFinding[] {
  const classifier = new LicenseClassifier(opts.classes);
  const reported = new Set(opts.report ?? DEFAULT_REPORTED);
  const findings: LicenseFinding[] = [];

  for (const p of inventory.packages) {
    p.licenseClass = classifier.classifyAll(p.licenses);
    const byClass = new Map<LicenseClass, string[]>();
    for (const license of p.licenses ?? []) {
      const cls = classifier.classify(license);
      byClass.set(cls, [...(byClass.get(cls) ?? []), license]);
    }
    if (byClass.size === 0) byClass.set("unknown", []);

    const pkg = { type: p.type, name: p.name, version: p.version, path: p.path, purl: p.purl };
    for (const [cls, licenses] of byClass) {
      if (!reported.has(cls)) continue;
      const finding = { package: { ...pkg, layer: p.layer.index }, licenses, class: cls };
      findings.push({ ...finding, severity: SEVERITY[cls] });
    }
  }
  return findings;
}
