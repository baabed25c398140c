// Writes checked OSV records into a DB under construction (the private temp
// copy), one feed at a time. Starting a feed drops whatever an earlier import
// of the same feed left, so re-importing replaces instead of piling up; an
// incremental sync merges into the rows it has instead.
import type Database from "better-sqlite3";

import { normalizeName } from "./names.js";
import type { OsvAffected, OsvRecord } from "./osv-record.js";
import { severityOf } from "./severity.js";

export type FeedKind = "osv" | "alpine-secdb" | "debian-tracker" | "kev" | "epss";

/** Where a feed's rows came from, recorded in its `feeds` row. */
export interface Provenance {
  /** The URL downloaded, or the file or directory read. */
  source: string;
  sha256?: string;
  etag?: string;
  lastModified?: string;
  sync: "full" | "incremental" | "import";
}

/** Records or feeds a finished run leaves in the `feeds` table. */
export function finishFeed(
  db: Database.Database,
  name: string,
  importedAt: string,
  counts: { records: number; skipped: number; newestModified?: string },
  provenance: Provenance | undefined,
): void {
  db.prepare(
    `UPDATE feeds SET imported_at = ?, records = ?, skipped = ?, newest_modified = ?,
       source = ?, sha256 = ?, etag = ?, last_modified = ?, checked_at = ?, sync = ?
     WHERE name = ?`,
  ).run(
    importedAt,
    counts.records,
    counts.skipped,
    counts.newestModified ?? null,
    provenance?.source ?? null,
    provenance?.sha256 ?? null,
    provenance?.etag ?? null,
    provenance?.lastModified ?? null,
    importedAt,
    provenance?.sync ?? "import",
    name,
  );
}

/** Starts (or restarts) a feed's row; its data tables are the caller's to clear. */
export function registerFeed(
  db: Database.Database,
  name: string,
  kind: FeedKind,
  origin: string,
): void {
  db.prepare(
    `INSERT INTO feeds (name, kind, origin, imported_at, records, skipped)
     VALUES (?, ?, ?, '', 0, 0)
     ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, origin = excluded.origin`,
  ).run(name, kind, origin);
}

/** A feed that one run writes: advisories (FeedWriter) or enrichment (EnrichmentSink). */
export interface FeedSink {
  readonly name: string;
  readonly kind: FeedKind;
  readonly origin: string;
  readonly counts: FeedCounts;
  provenance?: Provenance;
  skip(): void;
  finish(importedAt: string): void;
}

/** KEV or EPSS: the parser fills the table, this keeps the counts for the feed row. */
export class EnrichmentSink implements FeedSink {
  readonly counts: FeedCounts = { records: 0, skipped: 0, duplicates: 0 };
  provenance?: Provenance;

  constructor(
    private readonly db: Database.Database,
    readonly name: string,
    readonly kind: FeedKind,
    readonly origin: string,
  ) {
    registerFeed(db, name, kind, origin);
  }

  skip(): void {
    this.counts.skipped++;
  }

  finish(importedAt: string): void {
    finishFeed(this.db, this.name, importedAt, this.counts, this.provenance);
  }
}

export interface FeedCounts {
  records: number;
  skipped: number;
  /** Records whose id this feed already had; the newer `modified` was kept. */
  duplicates: number;
  newestModified?: string;
}

function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/** The record's affected entries grouped per indexed package, in record order. */
function byPackage(
  affected: OsvAffected[],
): Map<string, { ecosystem: string; name: string; entries: OsvAffected[] }> {
  const groups = new Map<string, { ecosystem: string; name: string; entries: OsvAffected[] }>();
  for (const entry of affected) {
    const { ecosystem } = entry.package;
    const name = normalizeName(ecosystem, entry.package.name);
    const key = `${ecosystem}\0${name}`;
    const group = groups.get(key) ?? { ecosystem, name, entries: [] };
    group.entries.push(entry);
    groups.set(key, group);
  }
  return groups;
}

export class FeedWriter implements FeedSink {
  readonly counts: FeedCounts = { records: 0, skipped: 0, duplicates: 0 };
  provenance?: Provenance;
  private readonly statements;

  /** `merge`: keep the feed's rows and add or replace records by id (incremental sync). */
  constructor(
    private readonly db: Database.Database,
    readonly name: string,
    readonly kind: FeedKind,
    readonly origin: string,
    mode: "replace" | "merge" = "replace",
  ) {
    this.statements = {
      find: db.prepare<[string, string], { pk: number; modified: string | null }>(
        "SELECT pk, modified FROM advisories WHERE feed = ? AND id = ?",
      ),
      insert: db.prepare(
        `INSERT INTO advisories (feed, id, modified, published, withdrawn, summary, details,
           aliases, related, upstream, refs)
         VALUES (@feed, @id, @modified, @published, @withdrawn, @summary, @details,
           @aliases, @related, @upstream, @refs)`,
      ),
      insertAffected: db.prepare(
        `INSERT INTO affected (advisory, ecosystem, name, entries, severity, severity_source,
           cvss_type, cvss_vector, cvss_score, severity_raw)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      removeAffected: db.prepare("DELETE FROM affected WHERE advisory = ?"),
      remove: db.prepare("DELETE FROM advisories WHERE pk = ?"),
      totals: db.prepare<[string], { records: number; newest: string | null }>(
        "SELECT count(*) AS records, max(modified) AS newest FROM advisories WHERE feed = ?",
      ),
    };

    if (mode === "replace") {
      db.prepare(
        "DELETE FROM affected WHERE advisory IN (SELECT pk FROM advisories WHERE feed = ?)",
      ).run(name);
      db.prepare("DELETE FROM advisories WHERE feed = ?").run(name);
    }
    registerFeed(db, name, kind, origin);
  }

  add(record: OsvRecord): void {
    const s = this.statements;
    const existing = s.find.get(this.name, record.id);
    if (existing) {
      this.counts.duplicates++;
      if ((existing.modified ?? "") >= (record.modified ?? "")) return;
      s.removeAffected.run(existing.pk);
      s.remove.run(existing.pk);
    } else {
      this.counts.records++;
    }

    const pk = s.insert.run({
      feed: this.name,
      id: record.id,
      modified: record.modified ?? null,
      published: record.published ?? null,
      withdrawn: record.withdrawn ?? null,
      summary: record.summary ?? null,
      details: record.details ?? null,
      aliases: JSON.stringify(record.aliases),
      related: json(record.related),
      upstream: json(record.upstream),
      refs: record.references.length > 0 ? JSON.stringify(record.references) : null,
    }).lastInsertRowid;

    for (const group of byPackage(record.affected).values()) {
      const severity = severityOf(record, group.entries);
      s.insertAffected.run(
        pk,
        group.ecosystem,
        group.name,
        JSON.stringify(group.entries),
        severity.label,
        severity.source,
        severity.cvss?.type ?? null,
        severity.cvss?.vector ?? null,
        severity.cvss?.score ?? null,
        severity.raw ?? null,
      );
    }

    const newest = this.counts.newestModified;
    if (record.modified && (!newest || record.modified > newest)) {
      this.counts.newestModified = record.modified;
    }
  }

  skip(): void {
    this.counts.skipped++;
  }

  /** Records the feed's totals: in merge mode they include the rows it kept. */
  finish(importedAt: string): void {
    const totals = this.statements.totals.get(this.name);
    finishFeed(
      this.db,
      this.name,
      importedAt,
      {
        records: totals?.records ?? this.counts.records,
        skipped: this.counts.skipped,
        newestModified: totals?.newest ?? undefined,
      },
      this.provenance,
    );
  }
}
