// rpm's SQLite backend (`rpmdb.sqlite`, Fedora 33+, RHEL 9): the header
// blobs are the `blob` column of the `Packages` table; the other tables are
// indexes rpm can rebuild, so we ignore them.
import Database from "better-sqlite3";

import type { Warn } from "./db.js";

export const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

// Header bytes 18 and 19 are the write and read format versions: 2 means WAL.
const WAL_VERSION = 2;

/** Yields each package's header blob; problems go to `warn`, never thrown. */
export function* sqliteBlobs(file: Buffer, warn: Warn): Generator<Buffer> {
  let db: Database.Database;
  try {
    db = new Database(inMemoryCopy(file), { readonly: true });
  } catch (err) {
    warn(`rpm sqlite database cannot be opened: ${messageOf(err)}`);
    return;
  }

  try {
    // The file is untrusted: its schema may not run functions with side effects.
    db.pragma("trusted_schema = OFF");
    const rows = db.prepare<[], { hnum: unknown; blob: unknown }>(
      "SELECT hnum, blob FROM Packages ORDER BY hnum",
    );
    for (const { hnum, blob } of rows.iterate()) {
      if (Buffer.isBuffer(blob)) yield blob;
      else warn(`rpm sqlite package ${String(hnum)} has no blob`);
    }
  } catch (err) {
    warn(`rpm sqlite database is corrupt: ${messageOf(err)}`);
  } finally {
    db.close();
  }
}

/**
 * SQLite refuses to open a WAL-mode database from memory, and rpm leaves
 * rpmdb.sqlite in WAL mode; marking the copy as a rollback-journal database
 * lets it open. note: rows still in a `-wal` file beside it are not seen.
 */
function inMemoryCopy(file: Buffer): Buffer {
  if (file.length < 20 || (file[18] !== WAL_VERSION && file[19] !== WAL_VERSION)) return file;
  const copy = Buffer.from(file);
  copy[18] = 1;
  copy[19] = 1;
  return copy;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
