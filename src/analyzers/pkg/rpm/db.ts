// Which of rpm's three database formats a file is, told from its bytes: the
// file name alone lies (an image may keep an empty or foreign `Packages`).
import { BDB_BTREE_MAGIC, BDB_HASH_MAGIC, bdbBlobs } from "./bdb.js";
import { NDB_MAGIC, ndbBlobs } from "./ndb.js";
import { SQLITE_MAGIC, sqliteBlobs } from "./sqlite.js";

/** Receives one problem found while reading; the reader goes on if it can. */
export type Warn = (message: string) => void;

export type RpmDbFormat = "bdb" | "ndb" | "sqlite";

export function detectFormat(db: Buffer): RpmDbFormat | undefined {
  if (db.length >= 16 && db.subarray(0, 16).equals(SQLITE_MAGIC)) return "sqlite";
  if (db.length >= 4 && db.readUInt32LE(0) === NDB_MAGIC) return "ndb";
  if (db.length >= 16) {
    const le = db.readUInt32LE(12);
    const be = db.readUInt32BE(12);
    if (le === BDB_HASH_MAGIC || be === BDB_HASH_MAGIC) return "bdb";
    // A btree is not a Packages database, but hand it on for a precise warning.
    if (le === BDB_BTREE_MAGIC || be === BDB_BTREE_MAGIC) return "bdb";
  }
  return undefined;
}

/** The header blobs of every package in the database, in storage order. */
export function headerBlobs(format: RpmDbFormat, db: Buffer, warn: Warn): Iterable<Buffer> {
  switch (format) {
    case "bdb":
      return bdbBlobs(db, warn);
    case "ndb":
      return ndbBlobs(db, warn);
    case "sqlite":
      return sqliteBlobs(db, warn);
  }
}
