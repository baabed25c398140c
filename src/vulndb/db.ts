// Read side of the vulnerability DB: package → advisories, feed freshness.
import Database from "better-sqlite3";
import { existsSync } from "node:fs";

import { VigilError } from "../errors.js";
import { normalizeName } from "./names.js";
import type { OsvAffected, OsvReference } from "./osv-record.js";
import { checkSchema } from "./schema.js";
import {
  severityRank,
  type CvssType,
  type Severity,
  type SeverityLabel,
  type SeveritySource,
} from "./severity.js";

export interface Advisory {
  id: string;
  aliases: string[];
  related?: string[];
  /** Advisories this one derives from (a USN's UBUNTU-CVE records). */
  upstream?: string[];
  summary?: string;
  details?: string;
  published?: string;
  /** Absent for feeds that carry no dates (Alpine secdb). */
  modified?: string;
  /** Set when the publisher retracted the advisory; matchers should ignore it. */
  withdrawn?: string;
  severity: Severity;
  /**
   * The record's affected entries for the package asked about, in record
   * order. Usually one; GHSA and others list a package once per range.
   */
  affected: OsvAffected[];
  references: OsvReference[];
  /** The feed the record came from: "osv:npm", "alpine-secdb:v3.10/main". */
  source: string;
}

export interface FeedStatus {
  name: string;
  kind: string;
  /** The file or directory it was imported from. */
  origin: string;
  importedAt: string;
  records: number;
  skipped: number;
  /** The newest `modified` among its records; absent for feeds without dates. */
  newestModified?: string;
}

export interface DbMeta {
  schemaVersion: number;
  /** "vigil 0.1.0" */
  writtenBy: string;
  updatedAt?: string;
}

interface Row {
  pk: number;
  feed: string;
  id: string;
  modified: string | null;
  published: string | null;
  withdrawn: string | null;
  summary: string | null;
  details: string | null;
  aliases: string;
  related: string | null;
  upstream: string | null;
  refs: string | null;
  entries: string;
  severity: SeverityLabel;
  severity_source: SeveritySource;
  cvss_type: CvssType | null;
  cvss_vector: string | null;
  cvss_score: number | null;
  severity_raw: string | null;
  imported_at: string;
}

// Rows come newest first per id, so the first row of an id is the copy to
// keep when several feeds carry the same record (an all.zip and its loose
// files): the latest `modified`, then the latest import.
const ADVISORIES_FOR = `
SELECT a.pk, a.feed, a.id, a.modified, a.published, a.withdrawn, a.summary, a.details,
       a.aliases, a.related, a.upstream, a.refs,
       p.entries, p.severity, p.severity_source, p.cvss_type, p.cvss_vector, p.cvss_score,
       p.severity_raw, f.imported_at
FROM affected p
JOIN advisories a ON a.pk = p.advisory
JOIN feeds f ON f.name = a.feed
WHERE p.ecosystem IN (SELECT value FROM json_each(?)) AND p.name = ?
ORDER BY a.id, a.modified DESC, f.imported_at DESC, a.pk DESC`;

function severityOfRow(row: Row): Severity {
  const severity: Severity = { label: row.severity, source: row.severity_source };
  if (row.cvss_type && row.cvss_vector && row.cvss_score !== null) {
    severity.cvss = { type: row.cvss_type, vector: row.cvss_vector, score: row.cvss_score };
  }
  if (row.severity_raw !== null) severity.raw = row.severity_raw;
  return severity;
}

function toAdvisory(row: Row): Advisory {
  const advisory: Advisory = {
    id: row.id,
    aliases: JSON.parse(row.aliases) as string[],
    severity: severityOfRow(row),
    affected: JSON.parse(row.entries) as OsvAffected[],
    references: row.refs ? (JSON.parse(row.refs) as OsvReference[]) : [],
    source: row.feed,
  };
  if (row.related) advisory.related = JSON.parse(row.related) as string[];
  if (row.upstream) advisory.upstream = JSON.parse(row.upstream) as string[];
  for (const key of ["summary", "details", "published", "modified", "withdrawn"] as const) {
    const value = row[key];
    if (value !== null) advisory[key] = value;
  }
  return advisory;
}

export class VulnDb {
  private readonly query: Database.Statement<[string, string], Row>;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.query = db.prepare(ADVISORIES_FOR);
  }

  /** Opens a DB read-only. DB_MISSING if there is none, DB_CORRUPT if it is not one we can read. */
  static open(file: string): VulnDb {
    if (!existsSync(file)) {
      throw new VigilError("DB_MISSING", `no vulnerability DB at ${file}`, {
        hint: "run `vigil db import <OSV zip or directory | Alpine secdb file>…` first",
      });
    }

    let db: Database.Database;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw new VigilError("DB_CORRUPT", `cannot open vulnerability DB ${file}`, { cause: err });
    }
    try {
      checkSchema(db, file);
      return new VulnDb(db, file);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * Advisories for one package name in any of `ecosystems` (exact OSV
   * ecosystem strings: "npm", "Alpine:v3.10", "Ubuntu:22.04:LTS"), one per
   * advisory id, sorted by id. Withdrawn advisories are included and marked.
   */
  advisoriesFor(ecosystems: string[], name: string): Advisory[] {
    // Ecosystems that normalise the name alike share one query (usually all do).
    const byName = new Map<string, string[]>();
    for (const ecosystem of ecosystems) {
      const key = normalizeName(ecosystem, name);
      byName.set(key, [...(byName.get(key) ?? []), ecosystem]);
    }

    const rows: Row[] = [];
    for (const [key, group] of byName) rows.push(...this.query.all(JSON.stringify(group), key));
    if (byName.size > 1) rows.sort(newestFirst);

    const result: Advisory[] = [];
    const kept = new Map<string, { pk: number; advisory: Advisory }>();
    for (const row of rows) {
      const seen = kept.get(row.id);
      if (!seen) {
        const advisory = toAdvisory(row);
        kept.set(row.id, { pk: row.pk, advisory });
        result.push(advisory);
      } else if (seen.pk === row.pk) {
        // The same record matched under a second ecosystem: one advisory, all its entries.
        mergeRow(seen.advisory, row);
      }
    }
    return result;
  }

  /** The distinct ecosystems in the DB, for choosing what to ask advisoriesFor. */
  ecosystems(): string[] {
    const rows = this.db
      .prepare("SELECT DISTINCT ecosystem FROM affected ORDER BY ecosystem")
      .all();
    return (rows as { ecosystem: string }[]).map((r) => r.ecosystem);
  }

  feeds(): FeedStatus[] {
    const rows = this.db
      .prepare(
        `SELECT name, kind, origin, imported_at, records, skipped, newest_modified
         FROM feeds ORDER BY name`,
      )
      .all() as {
      name: string;
      kind: string;
      origin: string;
      imported_at: string;
      records: number;
      skipped: number;
      newest_modified: string | null;
    }[];
    return rows.map((r) => ({
      name: r.name,
      kind: r.kind,
      origin: r.origin,
      importedAt: r.imported_at,
      records: r.records,
      skipped: r.skipped,
      ...(r.newest_modified !== null && { newestModified: r.newest_modified }),
    }));
  }

  meta(): DbMeta {
    const rows = this.db.prepare("SELECT key, value FROM meta").all() as {
      key: string;
      value: string;
    }[];
    const values = new Map(rows.map((r) => [r.key, r.value]));
    const meta: DbMeta = {
      schemaVersion: Number(values.get("schema_version")),
      writtenBy: values.get("written_by") ?? "unknown",
    };
    const updatedAt = values.get("updated_at");
    if (updatedAt !== undefined) meta.updatedAt = updatedAt;
    return meta;
  }

  close(): void {
    this.db.close();
  }
}

/** The query's order: by id, then newest `modified`, latest import, latest row. */
function newestFirst(a: Row, b: Row): number {
  return (
    compareText(a.id, b.id) ||
    compareText(b.modified ?? "", a.modified ?? "") ||
    compareText(b.imported_at, a.imported_at) ||
    b.pk - a.pk
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function mergeRow(advisory: Advisory, row: Row): void {
  advisory.affected.push(...(JSON.parse(row.entries) as OsvAffected[]));
  const severity = severityOfRow(row);
  if (severityRank(severity.label) > severityRank(advisory.severity.label)) {
    advisory.severity = severity;
  }
}
