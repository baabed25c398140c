// The DB file's layout. One self-contained SQLite file (rollback journal, no
// WAL), so it can be copied, mirrored and opened read-only anywhere.
import type Database from "better-sqlite3";
import { createRequire } from "node:module";

import { VigilError } from "../errors.js";

/**
 * Bump on any change a reader of the old layout would misread, and add the
 * step from the previous version to MIGRATIONS.
 */
export const SCHEMA_VERSION = 2;

/** The oldest layout this code still reads (read-only; writers migrate it). */
export const MIN_READABLE_VERSION = 1;

// Columns and tables added by version 2, shared by SCHEMA and the migration.
const FEEDS_V2_COLUMNS = [
  "source        TEXT", // URL (or path) of what was downloaded or read
  "sha256        TEXT", // of the file the rows came from
  "etag          TEXT", // validators for the next conditional request
  "last_modified TEXT",
  "checked_at    TEXT", // last success: rows written, or the source confirmed unchanged
  "sync          TEXT", // "full" | "incremental" | "import"
];
const FEEDS_V2 = FEEDS_V2_COLUMNS.join(",\n  ");

const ENRICHMENT_V2 = `
-- CISA KEV: known exploited vulnerabilities, by CVE.
CREATE TABLE kev (
  cve        TEXT PRIMARY KEY,
  date_added TEXT NOT NULL,
  due_date   TEXT,
  ransomware TEXT,                      -- knownRansomwareCampaignUse: "Known" | "Unknown"
  name       TEXT
) WITHOUT ROWID;

-- FIRST EPSS: probability of exploitation in the next 30 days, by CVE.
CREATE TABLE epss (
  cve        TEXT PRIMARY KEY,
  score      REAL NOT NULL,
  percentile REAL NOT NULL
) WITHOUT ROWID;

-- Every schema version this file went through, and which vigil made it so.
CREATE TABLE schema_history (
  version    INTEGER PRIMARY KEY,
  applied_at TEXT NOT NULL,
  applied_by TEXT NOT NULL
);
`;

export const SCHEMA = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE feeds (
  name            TEXT PRIMARY KEY,     -- "osv:npm", "alpine-secdb:v3.10/main", "kev"
  kind            TEXT NOT NULL,        -- "osv" | "alpine-secdb" | "debian-tracker" | "kev" | "epss"
  origin          TEXT NOT NULL,        -- the file or directory it was read from
  imported_at     TEXT NOT NULL,        -- RFC 3339, UTC: when its rows were last written
  records         INTEGER NOT NULL,
  skipped         INTEGER NOT NULL,
  newest_modified TEXT,                 -- max(modified) of its records: the data's own age
  ${FEEDS_V2}
);

CREATE TABLE advisories (
  pk         INTEGER PRIMARY KEY,
  feed       TEXT NOT NULL REFERENCES feeds(name),
  id         TEXT NOT NULL,
  modified   TEXT,
  published  TEXT,
  withdrawn  TEXT,
  summary    TEXT,
  details    TEXT,
  aliases    TEXT NOT NULL,             -- JSON string[]
  related    TEXT,                      -- JSON string[]
  upstream   TEXT,                      -- JSON string[]
  refs       TEXT,                      -- JSON OsvReference[]
  UNIQUE (feed, id)
);
CREATE INDEX advisories_by_id ON advisories (id);

-- One row per advisory and package: every affected entry of the record for
-- that (ecosystem, name), and the severity worked out for that package.
CREATE TABLE affected (
  advisory        INTEGER NOT NULL REFERENCES advisories(pk),
  ecosystem       TEXT NOT NULL,
  name            TEXT NOT NULL,        -- normalizeName(ecosystem, package.name)
  entries         TEXT NOT NULL,        -- JSON OsvAffected[]
  severity        TEXT NOT NULL,        -- SeverityLabel
  severity_source TEXT NOT NULL,
  cvss_type       TEXT,
  cvss_vector     TEXT,
  cvss_score      REAL,
  severity_raw    TEXT
);
CREATE INDEX affected_by_package ON affected (ecosystem, name);
CREATE INDEX affected_by_advisory ON affected (advisory);
${ENRICHMENT_V2}`;

/** The vigil version that writes a DB, read from the package.json beside dist/. */
export function vigilVersion(): string {
  const require = createRequire(import.meta.url);
  const pkg = require("../../package.json") as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

/**
 * Checks that `db` is a vigil DB this code can read, and returns its schema
 * version. Throws DB_CORRUPT (naming `file`) otherwise.
 */
export function checkSchema(db: Database.Database, file: string): number {
  let version: number;
  try {
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as
      | { value: string }
      | undefined;
    version = Number(row?.value);
  } catch (err) {
    throw new VigilError("DB_CORRUPT", `${file} is not a vigil vulnerability DB`, {
      cause: err,
      hint: "remove it and run `vigil db import` again",
    });
  }

  if (!Number.isInteger(version) || version < 1) {
    throw new VigilError("DB_CORRUPT", `${file} has no valid schema version`, {
      hint: "remove it and run `vigil db import` again",
    });
  }
  if (version > SCHEMA_VERSION) {
    throw new VigilError(
      "DB_CORRUPT",
      `${file} has schema version ${version}, newer than this vigil reads (${SCHEMA_VERSION})`,
      { hint: "upgrade vigil, or import the feeds again into a new DB file" },
    );
  }
  if (version < MIN_READABLE_VERSION) {
    throw new VigilError("DB_CORRUPT", `${file} has old schema version ${version}`, {
      hint: "remove it and run `vigil db update` or `vigil db import` again",
    });
  }
  return version;
}

/** One step from `to - 1` to `to`. Steps run in one transaction with the caller's writes. */
interface Migration {
  to: number;
  sql: string;
}

const MIGRATIONS: Migration[] = [
  {
    to: 2,
    sql:
      FEEDS_V2_COLUMNS.map((c) => `ALTER TABLE feeds ADD COLUMN ${c};`).join("\n") +
      ENRICHMENT_V2 +
      // Feeds imported before version 2 were last confirmed when they were imported.
      "UPDATE feeds SET checked_at = imported_at, sync = 'import';",
  },
];

/** Creates the current layout in an empty DB. */
export function createSchema(db: Database.Database): void {
  db.exec(SCHEMA);
  writeMeta(db, { schema_version: String(SCHEMA_VERSION) });
  recordVersion(db, SCHEMA_VERSION);
}

/**
 * Brings a DB this code can read up to SCHEMA_VERSION, one step at a time.
 * Returns the versions it went through (empty when it was current).
 */
export function migrate(db: Database.Database, file: string): number[] {
  const from = checkSchema(db, file);
  const applied: number[] = [];
  for (const step of MIGRATIONS) {
    if (step.to <= from) continue;
    db.exec(step.sql);
    writeMeta(db, { schema_version: String(step.to) });
    recordVersion(db, step.to);
    applied.push(step.to);
  }
  return applied;
}

function recordVersion(db: Database.Database, version: number): void {
  db.prepare(
    "INSERT OR REPLACE INTO schema_history (version, applied_at, applied_by) VALUES (?, ?, ?)",
  ).run(version, new Date().toISOString(), `vigil ${vigilVersion()}`);
}

export function writeMeta(db: Database.Database, values: Record<string, string>): void {
  const upsert = db.prepare(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  for (const [key, value] of Object.entries(values)) upsert.run(key, value);
}
