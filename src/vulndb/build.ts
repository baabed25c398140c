// Every write to the DB goes through here: the new DB is built in a private
// copy beside the old one and renamed over it only when complete, so a
// failure, a kill or a full disk at any moment leaves the previous DB as it
// was, and readers that have the old file open keep reading it.
import Database from "better-sqlite3";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { copyFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "pino";

import { VigilError } from "../errors.js";
import { acquireLock, pidAlive } from "./lock.js";
import { createSchema, migrate, vigilVersion, writeMeta } from "./schema.js";

/**
 * Runs `fn` holding `<db>.lock`, so two writers of one DB never overlap: the
 * second gets DB_LOCKED. Updates hold it across their downloads too.
 */
export async function withDbLock<T>(dbPath: string, fn: () => Promise<T>): Promise<T> {
  const target = path.resolve(dbPath);
  mkdirSync(path.dirname(target), { recursive: true });
  const lock = acquireLock(`${target}.lock`);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/** Removes temp DBs that dead writers left beside `dbPath`. */
function removeStaleTemps(dbPath: string, log: Logger): void {
  const prefix = `${path.basename(dbPath)}.tmp-`;
  for (const name of readdirSync(path.dirname(dbPath))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pid === process.pid || pidAlive(pid)) continue;
    rmSync(path.join(path.dirname(dbPath), name), { force: true });
    log.info({ file: name }, "removed a temp DB left by an interrupted import or update");
  }
}

export interface BuildOptions {
  /**
   * `off` (default): fastest, and any failure discards the whole build.
   * `rollback`: a journal beside the temp file, so SAVEPOINTs can undo one
   * feed's part and keep the rest (updates).
   */
  journal?: "off" | "rollback";
}

async function openTemp(
  dbPath: string,
  tmpPath: string,
  log: Logger,
  opts: BuildOptions,
): Promise<Database.Database> {
  rmSync(tmpPath, { force: true });
  const existed = existsSync(dbPath);
  try {
    if (existed) await copyFile(dbPath, tmpPath);
  } catch (err) {
    throw new VigilError("IO", `cannot copy ${dbPath} to build the new DB beside it`, {
      cause: err,
    });
  }

  const db = new Database(tmpPath);
  try {
    if (existed) {
      // The message must name the user's file, not the temp copy.
      const steps = migrate(db, dbPath);
      if (steps.length > 0) log.info({ to: steps }, "migrated the DB schema");
    } else {
      createSchema(db);
    }
    // Nothing reads the temp file while it is built and a failure deletes it:
    // no syncs until the end, and no journal unless savepoints must work.
    db.pragma(`journal_mode = ${opts.journal === "rollback" ? "TRUNCATE" : "OFF"}`);
    db.pragma("synchronous = OFF");
    db.pragma("foreign_keys = ON");
    db.pragma("cache_size = -65536");
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Compacts after re-imports freed much space, and returns the file to a shippable state. */
function finishDb(db: Database.Database, log: Logger): void {
  const free = db.pragma("freelist_count", { simple: true }) as number;
  const pages = db.pragma("page_count", { simple: true }) as number;
  if (free > pages / 4) {
    log.debug({ free, pages }, "vacuuming the DB");
    db.exec("VACUUM");
  }
  db.pragma("journal_mode = DELETE");
}

export function fsyncPath(file: string): void {
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable; some platforms cannot sync a directory, which is no error. */
export function fsyncDir(dir: string): void {
  try {
    fsyncPath(dir);
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync.
  }
}

/** Renames `from` over `to` durably: the data first, then the directory entry. */
export function durableRename(from: string, to: string): void {
  fsyncPath(from);
  renameSync(from, to);
  fsyncDir(path.dirname(to));
}

export interface BuildResult<T> {
  value: T;
  /** Size of the DB file written. */
  bytes: number;
}

/**
 * Builds the next DB from a copy of the current one (migrated to this
 * version's schema) in one transaction, stamps meta, and renames it in.
 * The caller holds the lock (withDbLock).
 */
export async function buildBeside<T>(
  dbPath: string,
  log: Logger,
  fill: (db: Database.Database) => Promise<T>,
  opts: BuildOptions = {},
): Promise<BuildResult<T>> {
  const target = path.resolve(dbPath);
  const tmpPath = `${target}.tmp-${process.pid}`;
  let db: Database.Database | undefined;
  try {
    removeStaleTemps(target, log);
    db = await openTemp(target, tmpPath, log, opts);

    db.exec("BEGIN");
    const value = await fill(db);
    const now = new Date().toISOString();
    writeMeta(db, { written_by: `vigil ${vigilVersion()}`, updated_at: now });
    db.exec("COMMIT");

    finishDb(db, log);
    db.close();
    db = undefined;
    durableRename(tmpPath, target);
    return { value, bytes: statSync(target).size };
  } catch (err) {
    db?.close();
    rmSync(tmpPath, { force: true });
    rmSync(`${tmpPath}-journal`, { force: true });
    throw err;
  }
}
