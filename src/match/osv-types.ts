// The OSV schema (ossf.github.io/osv-schema, 1.7) as the matcher reads it.
// Optional fields are optional here too: records in the wild omit most of
// them. Open vocabularies (range types, severity types) stay strings, so a
// record from a newer schema still type-checks; the known values are listed.

/** Range types the schema defines. */
export const OSV_RANGE_TYPES = ["SEMVER", "ECOSYSTEM", "GIT"] as const;
export type OsvRangeType = (typeof OSV_RANGE_TYPES)[number];

/** Severity score types the schema defines. */
export const OSV_SEVERITY_TYPES = ["CVSS_V2", "CVSS_V3", "CVSS_V4", "Ubuntu"] as const;
export type OsvSeverityType = (typeof OSV_SEVERITY_TYPES)[number];

/** The free-form `*_specific` objects: their meaning is the database's own. */
export type OsvSpecific = Record<string, unknown>;

/**
 * One status change on a range's timeline. The schema allows exactly one of
 * the four fields per event; the parser enforces that, not this type.
 */
export interface OsvEvent {
  /** `"0"` means "before every version". */
  introduced?: string;
  /** The first version without the vulnerability (exclusive bound). */
  fixed?: string;
  /** The last version known to have it (inclusive bound). */
  last_affected?: string;
  /** An upper bound on the whole range; `"*"` means none. */
  limit?: string;
}

export interface OsvRange {
  /** One of OSV_RANGE_TYPES, or a type this code does not know yet. */
  type: string;
  /** The repository URL; required for GIT ranges. */
  repo?: string;
  events: OsvEvent[];
  database_specific?: OsvSpecific;
}

export interface OsvPackage {
  /** e.g. `npm`, `Debian:12`, `Alpine:v3.18`, `Ubuntu:Pro:18.04:LTS`. */
  ecosystem: string;
  name: string;
  purl?: string;
}

export interface OsvSeverity {
  /** One of OSV_SEVERITY_TYPES, or a newer one. */
  type: string;
  /** A CVSS vector, or the type's own label (`Ubuntu`: `high`, …). */
  score: string;
}

export interface OsvAffected {
  /** Absent only in GIT-only entries, which match by commit, not by name. */
  package?: OsvPackage;
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  /** Affected versions, listed one by one. */
  versions?: string[];
  ecosystem_specific?: OsvSpecific;
  database_specific?: OsvSpecific;
}

export interface OsvReference {
  type: string;
  url: string;
}

export interface OsvCredit {
  name: string;
  contact?: string[];
  type?: string;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  /** Required by the schema; optional here because matching never needs it. */
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: OsvReference[];
  credits?: OsvCredit[];
  database_specific?: OsvSpecific;
}
