// Read side of the vulnerability DB: package → advisories, feed freshness.
import Database from "better-sqlite3";
import { existsSync } from "node:fs";

import { VigilError } from "../errors.js";
import { statusNoteOf } from "./debian-tracker.js";
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
  /**
   * Why the package stays affected, as the distro explains it (the Debian
   * tracker's unimportant, no-dsa, postponed, ignored, end-of-life states).
   */
  statusNote?: string;
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
  /** The URL (or path) the rows came from. */
  source?: string;
  /** sha256 of the file the rows came from. */
  sha256?: string;
  /** Last success: rows written, or the source confirmed unchanged (a 304). */
  checkedAt: string;
  sync?: "full" | "incremental" | "import";
}

/** CISA KEV: the CVE is known to be exploited. */
export interface KevInfo {
  cve: string;
  dateAdded: string;
  dueDate?: string;
  /** "Known" when used in ransomware campaigns. */
  ransomware?: string;
}

/** FIRST EPSS: probability of exploitation in the next 30 days, and its percentile. */
export interface EpssInfo {
  cve: string;
  score: number;
  percentile: number;
}

export interface DbMeta {
  schemaVersion: number;
  /** "vigil 0.1.0" */
  writtenBy: string;
  updatedAt?: string;
}

interface FeedRow {
  name: string;
  kind: string;
  origin: string;
  imported_at: string;
  records: number;
  skipped: number;
  newest_modified: string | null;
  source: string | null;
  sha256: string | null;
  checked_at: string | null;
  sync: string | null;
}

interface KevRow {
  cve: string;
  date_added: string;
  due_date: string | null;
  ransomware: string | null;
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
  const note = advisory.affected.map(statusNoteOf).find((n) => n !== undefined);
  if (note) advisory.statusNote = note;
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
  private readonly kevQuery?: Database.Statement<[string], KevRow>;
  private readonly epssQuery?: Database.Statement<[string], EpssInfo>;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    readonly schemaVersion: number,
  ) {
    this.query = db.prepare(ADVISORIES_FOR);
    // note: a version-1 DB has no enrichment tables; it reads as having none.
    if (schemaVersion >= 2) {
      this.kevQuery = db.prepare(
        "SELECT cve, date_added, due_date, ransomware FROM kev WHERE cve = ?",
      );
      this.epssQuery = db.prepare("SELECT cve, score, percentile FROM epss WHERE cve = ?");
    }
  }

  /** Opens a DB read-only. DB_MISSING if there is none, DB_CORRUPT if it is not one we can read. */
  static open(file: string): VulnDb {
    if (!existsSync(file)) {
      throw new VigilError("DB_MISSING", `no vulnerability DB at ${file}`, {
        hint: "run `vigil db update` (or, offline, `vigil db import <files | DB file>`) first",
      });
    }

    let db: Database.Database;
    try {
      db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw new VigilError("DB_CORRUPT", `cannot open vulnerability DB ${file}`, { cause: err });
    }
    try {
      return new VulnDb(db, file, checkSchema(db, file));
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
    // Opened read-only: asked once per scan, however many callers ask.
    this.ecosystemList ??= (
      this.db.prepare("SELECT DISTINCT ecosystem FROM affected ORDER BY ecosystem").all() as {
        ecosystem: string;
      }[]
    ).map((r) => r.ecosystem);
    return [...this.ecosystemList];
  }

  private ecosystemList: string[] | undefined;

  /** KEV entries for any of these ids (CVE ids; others are passed over), first match. */
  kevFor(ids: readonly string[]): KevInfo | undefined {
    if (!this.kevQuery) return undefined;
    for (const id of ids) {
      if (!id.startsWith("CVE-")) continue;
      const row = this.kevQuery.get(id);
      if (!row) continue;
      const info: KevInfo = { cve: row.cve, dateAdded: row.date_added };
      if (row.due_date !== null) info.dueDate = row.due_date;
      if (row.ransomware !== null) info.ransomware = row.ransomware;
      return info;
    }
    return undefined;
  }

  /** The highest EPSS score among these ids' CVEs. */
  epssFor(ids: readonly string[]): EpssInfo | undefined {
    if (!this.epssQuery) return undefined;
    let best: EpssInfo | undefined;
    for (const id of ids) {
      if (!id.startsWith("CVE-")) continue;
      const row = this.epssQuery.get(id);
      if (row && (!best || row.score > best.score)) best = { ...row };
    }
    return best;
  }

  feeds(): FeedStatus[] {
    const v2 = this.schemaVersion >= 2;
    const rows = this.db
      .prepare(
        `SELECT name, kind, origin, imported_at, records, skipped, newest_modified,
           ${v2 ? "source, sha256, checked_at, sync" : "NULL AS source, NULL AS sha256, NULL AS checked_at, NULL AS sync"}
         FROM feeds ORDER BY name`,
      )
      .all() as FeedRow[];
    return rows.map((r) => {
      const feed: FeedStatus = {
        name: r.name,
        kind: r.kind,
        origin: r.origin,
        importedAt: r.imported_at,
        records: r.records,
        skipped: r.skipped,
        checkedAt: r.checked_at ?? r.imported_at,
      };
      if (r.newest_modified !== null) feed.newestModified = r.newest_modified;
      if (r.source !== null) feed.source = r.source;
      if (r.sha256 !== null) feed.sha256 = r.sha256;
      if (r.sync !== null) feed.sync = r.sync as FeedStatus["sync"];
      return feed;
    });
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
