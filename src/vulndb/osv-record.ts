// The parts of the OSV schema (ossf.github.io/osv-schema) the vulnerability
// DB stores, and a checker that turns untrusted JSON into them.
// note: src/match/osv-types.ts describes the same shapes for the matcher;
// the two will be unified once both exist.

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: string;
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvPackage {
  ecosystem: string;
  name: string;
  purl?: string;
}

export interface OsvSeverityEntry {
  type: string;
  score: string;
}

export interface OsvAffected {
  package: OsvPackage;
  ranges: OsvRange[];
  versions: string[];
  severity?: OsvSeverityEntry[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvReference {
  type: string;
  url: string;
}

export interface OsvRecord {
  id: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity: OsvSeverityEntry[];
  /** Entries without a package (GIT-only ranges) are dropped: nothing can match them by name. */
  affected: OsvAffected[];
  references: OsvReference[];
  database_specific?: Record<string, unknown>;
}

/** Either the checked record or why it was rejected. */
export type ParseResult = { ok: true; record: OsvRecord } | { ok: false; reason: string };

type Json = Record<string, unknown>;

class Invalid extends Error {}

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optString(obj: Json, key: string): string | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Invalid(`${key} is not a string`);
  return value;
}

function stringList(obj: Json, key: string): string[] | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new Invalid(`${key} is not a list of strings`);
  }
  return value as string[];
}

function optObject(obj: Json, key: string): Json | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new Invalid(`${key} is not an object`);
  return value;
}

function list(obj: Json, key: string): unknown[] {
  const value = obj[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Invalid(`${key} is not a list`);
  return value;
}

function severityList(obj: Json): OsvSeverityEntry[] {
  return list(obj, "severity").flatMap((s) => {
    // note: a malformed severity costs the score, not the advisory.
    if (!isObject(s) || typeof s.type !== "string" || typeof s.score !== "string") return [];
    return [{ type: s.type, score: s.score }];
  });
}

function parseEvent(value: unknown): OsvEvent {
  if (!isObject(value)) throw new Invalid("range event is not an object");
  const event: OsvEvent = {};
  for (const key of ["introduced", "fixed", "last_affected", "limit"] as const) {
    const v = optString(value, key);
    if (v !== undefined) event[key] = v;
  }
  if (Object.keys(event).length !== 1) throw new Invalid("range event needs exactly one kind");
  return event;
}

function parseRange(value: unknown): OsvRange {
  if (!isObject(value)) throw new Invalid("range is not an object");
  const type = optString(value, "type");
  if (!type) throw new Invalid("range has no type");

  const range: OsvRange = { type, events: list(value, "events").map(parseEvent) };
  const repo = optString(value, "repo");
  if (repo !== undefined) range.repo = repo;
  const dbSpecific = optObject(value, "database_specific");
  if (dbSpecific) range.database_specific = dbSpecific;
  return range;
}

function parseAffected(value: unknown): OsvAffected | undefined {
  if (!isObject(value)) throw new Invalid("affected entry is not an object");
  const pkg = optObject(value, "package");
  if (!pkg) return undefined;

  const ecosystem = optString(pkg, "ecosystem");
  const name = optString(pkg, "name");
  if (!ecosystem || !name) throw new Invalid("affected package lacks ecosystem or name");

  const affected: OsvAffected = {
    package: { ecosystem, name },
    ranges: list(value, "ranges").map(parseRange),
    versions: stringList(value, "versions") ?? [],
  };
  const purl = optString(pkg, "purl");
  if (purl !== undefined) affected.package.purl = purl;

  const severity = severityList(value);
  if (severity.length > 0) affected.severity = severity;
  const ecoSpecific = optObject(value, "ecosystem_specific");
  if (ecoSpecific) affected.ecosystem_specific = ecoSpecific;
  const dbSpecific = optObject(value, "database_specific");
  if (dbSpecific) affected.database_specific = dbSpecific;
  return affected;
}

function parseReference(value: unknown): OsvReference[] {
  if (!isObject(value) || typeof value.url !== "string") return [];
  return [{ type: typeof value.type === "string" ? value.type : "WEB", url: value.url }];
}

function check(value: unknown): OsvRecord {
  if (!isObject(value)) throw new Invalid("not a JSON object");
  const id = optString(value, "id");
  if (!id) throw new Invalid("no id");
  if (!Array.isArray(value.affected)) throw new Invalid("no affected list");

  const record: OsvRecord = {
    id,
    aliases: stringList(value, "aliases") ?? [],
    severity: severityList(value),
    affected: value.affected.map(parseAffected).filter((a) => a !== undefined),
    references: list(value, "references").flatMap(parseReference),
  };
  for (const key of ["modified", "published", "withdrawn", "summary", "details"] as const) {
    const v = optString(value, key);
    if (v !== undefined) record[key] = v;
  }

  const related = stringList(value, "related");
  if (related && related.length > 0) record.related = related;
  const upstream = stringList(value, "upstream");
  if (upstream && upstream.length > 0) record.upstream = upstream;
  const dbSpecific = optObject(value, "database_specific");
  if (dbSpecific) record.database_specific = dbSpecific;
  return record;
}

/** Checks one decoded JSON value against the OSV shapes above. Never throws. */
export function parseOsvRecord(value: unknown): ParseResult {
  try {
    return { ok: true, record: check(value) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, reason: err.message };
    throw err;
  }
}

/**
 * An OSV index such as Chainguard's all.json: a list of {id, modified} that
 * points at records rather than holding them.
 */
export function isOsvIndex(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0) return false;
  return value.every(
    (v) => isObject(v) && typeof v.id === "string" && Object.keys(v).every(isIndexKey),
  );
}

function isIndexKey(key: string): boolean {
  return key === "id" || key === "modified";
}

/** Whether a decoded JSON object looks like one OSV record (valid or not). */
export function looksLikeOsvRecord(value: unknown): boolean {
  return isObject(value) && ("id" in value || "affected" in value || "schema_version" in value);
}
