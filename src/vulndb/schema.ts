// The DB file's layout. One self-contained SQLite file (rollback journal, no
// WAL), so it can be copied, mirrored and opened read-only anywhere.
import type Database from "better-sqlite3";
import { createRequire } from "node:module";

import { VigilError } from "../errors.js";

/** Bump on any change a reader of the old layout would misread. */
export const SCHEMA_VERSION = 1;

export const SCHEMA = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE feeds (
  name            TEXT PRIMARY KEY,     -- "osv:npm", "alpine-secdb:v3.10/main"
  kind            TEXT NOT NULL,        -- "osv" | "alpine-secdb"
  origin          TEXT NOT NULL,        -- the file or directory it was read from
  imported_at     TEXT NOT NULL,        -- RFC 3339, UTC
  records         INTEGER NOT NULL,
  skipped         INTEGER NOT NULL,
  newest_modified TEXT                  -- max(modified) of its records: the data's own age
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
`;

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
  if (version < SCHEMA_VERSION) {
    throw new VigilError("DB_CORRUPT", `${file} has old schema version ${version}`, {
      hint: "remove it and run `vigil db import` again",
    });
  }
  return version;
}

export function writeMeta(db: Database.Database, values: Record<string, string>): void {
  const upsert = db.prepare(
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  );
  for (const [key, value] of Object.entries(values)) upsert.run(key, value);
}
