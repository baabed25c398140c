import type { FactMap } from "../properties.js";

/**
 * One component or package of any SBOM format, before vigil interprets it.
 * Readers fill these in; `toInventory` and the embedded-SBOM analyzer turn
 * them into packages.
 */
export interface SbomEntry {
  kind: "package" | "os" | "image" | "other";
  name?: string;
  version?: string;
  purl?: string;
  licenses: string[];
  /** The maintainer or supplier, as `Name <mail>` where the format allows. */
  supplier?: string;
  description?: string;
  /** SPDX `sourceInfo` (`built package from: NAME VERSION`). */
  sourceInfo?: string;
  /** Properties (CycloneDX) or annotations and attributions (SPDX), any vendor's. */
  facts: FactMap;
  /** How a warning names it: `component "bash" (bom-ref …)`. */
  label: string;
}

export interface SbomDocument {
  /** `CycloneDX 1.6`, `SPDX-2.3`, … */
  format: string;
  root?: SbomEntry;
  entries: SbomEntry[];
}

/** Limits that keep a hostile or runaway SBOM from exhausting memory. */
export interface SbomLimits {
  maxComponents: number;
}

export const DEFAULT_LIMITS: SbomLimits = { maxComponents: 500_000 };
