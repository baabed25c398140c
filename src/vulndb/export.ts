// A built DB as one file, for air-gapped networks: `vigil db export FILE`
// writes a compact, consistent copy (gzipped when FILE ends in .gz), and
// `vigil db import FILE` takes such a file back in place of the current DB,
// checked and migrated first, swapped in with a rename like any other write.
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import {
  createReadStream,
  createWriteStream,
  openSync,
  readSync,
  closeSync,
  rmSync,
} from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import type { Logger } from "pino";

import { VigilError } from "../errors.js";
import { durableRename, withDbLock } from "./build.js";
import { checkSchema, migrate, writeMeta } from "./schema.js";

const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

export interface ExportSummary {
  file: string;
  bytes: number;
  sha256: string;
}

function head(file: string, n: number): Buffer {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** The first bytes of a gzip member, without reading the rest. */
async function gunzippedHead(file: string, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const gunzip = createGunzip();
  const input = createReadStream(file);
  try {
    for await (const chunk of input.pipe(gunzip)) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= n) break;
    }
  } catch {
    // Not gzip after all, or truncated: whatever was read decides.
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  return Buffer.concat(chunks).subarray(0, n);
}

/** Whether a file is a vigil DB export: SQLite, plain or gzipped. */
export async function isDbFile(file: string): Promise<boolean> {
  const start = head(file, 16);
  if (start.equals(SQLITE_MAGIC)) return true;
  if (start[0] !== 0x1f || start[1] !== 0x8b) return false;
  return (await gunzippedHead(file, 16)).equals(SQLITE_MAGIC);
}

export async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Writes a consistent copy of the DB (VACUUM INTO: compact, no journal) to `file`. */
export async function exportDb(dbPath: string, file: string, log: Logger): Promise<ExportSummary> {
  const target = path.resolve(file);
  const tmp = `${target}.tmp-${process.pid}`;
  const plain = /\.gz$/i.test(target) ? `${tmp}.db` : tmp;

  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    checkSchema(db, dbPath);
    rmSync(plain, { force: true });
    db.prepare("VACUUM INTO ?").run(plain);
  } catch (err) {
    rmSync(plain, { force: true });
    if (err instanceof VigilError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw new VigilError("IO", `cannot export ${dbPath} to ${target}: ${reason}`, {
      cause: err,
      hint: "check that the directory exists and can be written",
    });
  } finally {
    db.close();
  }

  try {
    if (plain !== tmp) {
      await pipeline(createReadStream(plain), createGzip({ level: 9 }), createWriteStream(tmp));
      rmSync(plain, { force: true });
    }
    durableRename(tmp, target);
  } catch (err) {
    rmSync(plain, { force: true });
    rmSync(tmp, { force: true });
    throw new VigilError("IO", `cannot write ${target}`, { cause: err });
  }
  const summary = {
    file: target,
    bytes: (await stat(target)).size,
    sha256: await sha256Of(target),
  };
  log.info(summary, "vulnerability DB exported");
  return summary;
}

/**
 * Replaces the DB at `dbPath` with the exported DB in `file` (plain or
 * gzipped). The copy is unpacked beside the target, checked, migrated to this
 * version's schema, and renamed in; a bad file leaves the current DB alone.
 */
export async function importDbFile(
  dbPath: string,
  file: string,
  log: Logger,
  origin = file,
): Promise<{ bytes: number }> {
  const target = path.resolve(dbPath);
  return withDbLock(target, async () => {
    const tmp = `${target}.tmp-${process.pid}`;
    try {
      const gz = head(file, 2);
      const input = createReadStream(file);
      if (gz[0] === 0x1f && gz[1] === 0x8b) {
        await pipeline(input, createGunzip(), createWriteStream(tmp));
      } else {
        await pipeline(input, createWriteStream(tmp));
      }

      const db = new Database(tmp, { fileMustExist: true });
      try {
        const integrity = db.pragma("quick_check", { simple: true });
        if (integrity !== "ok")
          throw new VigilError("DB_CORRUPT", `${origin}: ${String(integrity)}`);
        const steps = migrate(db, origin);
        if (steps.length > 0) log.info({ to: steps }, "migrated the imported DB's schema");
        writeMeta(db, { imported_from: origin, imported_at: new Date().toISOString() });
        db.pragma("journal_mode = DELETE");
      } finally {
        db.close();
      }
      durableRename(tmp, target);
    } catch (err) {
      rmSync(tmp, { force: true });
      if (err instanceof VigilError) throw err;
      throw new VigilError("DB_CORRUPT", `${origin} is not a usable vigil DB export`, {
        cause: err,
        hint: "export it again with `vigil db export`, and check the copy is complete",
      });
    }
    const bytes = (await stat(target)).size;
    log.info({ from: origin, bytes }, "vulnerability DB imported from an export");
    return { bytes };
  });
}
