// `vigil db import`: reads OSV exports and Alpine secdb files into the local
// DB. The new DB is built beside the old one (a copy of it, so feeds add up)
// and renamed over it only when complete; a failure leaves the old one as it
// was.
import Database from "better-sqlite3";
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
} from "node:fs";
import { copyFile, mkdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { pino, type Logger } from "pino";

import { VigilError } from "../errors.js";
import { isAlpineSecdb, parseAlpineSecdb } from "./alpine-secdb.js";
import { acquireLock, pidAlive } from "./lock.js";
import { isOsvIndex, looksLikeOsvRecord, parseOsvRecord } from "./osv-record.js";
import { SCHEMA, SCHEMA_VERSION, checkSchema, vigilVersion, writeMeta } from "./schema.js";
import { discoverSources, type FeedSource } from "./sources.js";
import { FeedWriter, type FeedKind } from "./writer.js";
import { zipEntries } from "./zip.js";

export interface ImportOptions {
  log?: Logger;
  /** Largest zip entry or loose JSON file read (default 16 MiB); bigger ones are skipped. */
  maxEntryBytes?: number;
  /** Most entries one zip may have (default 2,000,000). */
  maxEntries?: number;
  /** Largest JSON file named on its own (default 512 MiB). */
  maxFileBytes?: number;
}

/** A record or file that was skipped; the import went on. */
export interface ImportWarning {
  file: string;
  /** The zip entry, or the spot in a secdb file (`<package>@<fixed version>`). */
  entry?: string;
  reason: string;
}

export interface FeedSummary {
  name: string;
  kind: FeedKind;
  origin: string;
  records: number;
  skipped: number;
  duplicates: number;
}

export interface ImportSummary {
  dbPath: string;
  feeds: FeedSummary[];
  records: number;
  skipped: number;
  warnings: ImportWarning[];
  durationMs: number;
  /** Size of the DB file written. */
  bytes: number;
}

interface Limits {
  maxEntryBytes: number;
  maxEntries: number;
  maxFileBytes: number;
}

/** State of one import run, shared by the per-source readers below. */
class Run {
  readonly writers = new Map<string, FeedWriter>();
  readonly warnings: ImportWarning[] = [];
  readonly importedAt = new Date().toISOString();

  constructor(
    readonly db: Database.Database,
    readonly log: Logger,
    readonly limits: Limits,
  ) {}

  /** A new feed; two sources of one run that map to the same name are refused. */
  feed(name: string, kind: FeedKind, origin: string): FeedWriter {
    const taken = this.writers.get(name);
    if (taken) {
      throw new VigilError("BAD_FEED", `${origin} and ${taken.origin} would both be feed ${name}`, {
        hint: "import them in separate runs, or from directories with different names",
      });
    }
    const writer = new FeedWriter(this.db, name, kind, origin);
    this.writers.set(name, writer);
    return writer;
  }

  warn(writer: FeedWriter | undefined, warning: ImportWarning): void {
    writer?.skip();
    this.warnings.push(warning);
    this.log.warn(warning, "skipped a feed record");
  }
}

function decode(data: Buffer): unknown {
  const text = data.toString("utf8");
  return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Adds one decoded OSV record, or warns about it. */
function addOsv(run: Run, writer: FeedWriter, value: unknown, file: string, entry?: string): void {
  const parsed = parseOsvRecord(value);
  if (parsed.ok) writer.add(parsed.record);
  else run.warn(writer, { file, ...(entry && { entry }), reason: parsed.reason });
}

function importSecdb(run: Run, value: Parameters<typeof parseAlpineSecdb>[0], file: string): void {
  const feed = parseAlpineSecdb(value);
  const writer = run.feed(feed.name, "alpine-secdb", file);
  for (const record of feed.records) writer.add(record);
  for (const w of feed.warnings) run.warn(writer, { file, entry: w.entry, reason: w.reason });
}

async function importZip(run: Run, source: FeedSource & { kind: "zip" }): Promise<void> {
  const writer = run.feed(source.name, "osv", source.file);

  for await (const item of zipEntries(source.file, run.limits)) {
    if (!/\.json$/i.test(item.name)) {
      run.log.debug({ file: source.file, entry: item.name }, "not a JSON entry, ignored");
      continue;
    }
    if (item.kind === "too-large") {
      const reason = `entry of ${item.bytes} bytes exceeds the ${run.limits.maxEntryBytes}-byte limit`;
      run.warn(writer, { file: source.file, entry: item.name, reason });
      continue;
    }

    let value: unknown;
    try {
      value = decode(item.data);
    } catch (err) {
      run.warn(writer, { file: source.file, entry: item.name, reason: reasonOf(err) });
      continue;
    }
    addOsv(run, writer, value, source.file, item.name);
  }
}

/**
 * Loose JSON files of one directory: OSV records (one per file, or a list)
 * make up the directory's feed; a secdb file is a feed of its own. A file
 * that does not parse is skipped; valid JSON of no known shape is an error.
 */
async function importDir(run: Run, source: FeedSource & { kind: "dir" }): Promise<void> {
  let writer: FeedWriter | undefined;
  const osvFeed = (): FeedWriter => (writer ??= run.feed(source.name, "osv", source.dir));

  for (const file of source.files) {
    run.log.debug({ file }, "reading feed file");
    const size = (await stat(file)).size;
    if (size > run.limits.maxEntryBytes) {
      const reason = `file of ${size} bytes exceeds the ${run.limits.maxEntryBytes}-byte limit`;
      run.warn(osvFeed(), { file, reason });
      continue;
    }

    let value: unknown;
    try {
      value = decode(await readFile(file));
    } catch (err) {
      run.warn(osvFeed(), { file, reason: reasonOf(err) });
      continue;
    }
    classify(run, value, file, osvFeed);
  }
}

function classify(run: Run, value: unknown, file: string, osvFeed: () => FeedWriter): void {
  if (isAlpineSecdb(value)) {
    importSecdb(run, value, file);
  } else if (isOsvIndex(value)) {
    run.log.info({ file }, "OSV index file (ids only), no records to import");
  } else if (Array.isArray(value)) {
    const writer = osvFeed();
    value.forEach((v, i) => addOsv(run, writer, v, file, `[${i}]`));
  } else if (looksLikeOsvRecord(value)) {
    addOsv(run, osvFeed(), value, file);
  } else {
    throw new VigilError("BAD_FEED", `${file} is neither an OSV record nor an Alpine secdb file`, {
      hint: "vigil db import reads OSV JSON (files, directories, all.zip) and Alpine secdb JSON",
    });
  }
}

async function importFile(run: Run, source: FeedSource & { kind: "file" }): Promise<void> {
  const { file } = source;
  const size = (await stat(file)).size;
  if (size > run.limits.maxFileBytes) {
    throw new VigilError("LIMIT_EXCEEDED", `${file} is ${size} bytes, over the limit`);
  }

  let value: unknown;
  try {
    value = decode(await readFile(file));
  } catch (err) {
    throw new VigilError("BAD_FEED", `${file} is not valid JSON`, { cause: err });
  }
  let writer: FeedWriter | undefined;
  classify(run, value, file, () => (writer ??= run.feed(source.name, "osv", file)));
}

async function importSource(run: Run, source: FeedSource): Promise<void> {
  const started = Date.now();
  if (source.kind === "zip") await importZip(run, source);
  else if (source.kind === "dir") await importDir(run, source);
  else await importFile(run, source);
  run.log.debug({ source: source.name, ms: Date.now() - started }, "feed source read");
}

/** Removes temp DBs that dead imports left beside `dbPath`. */
function removeStaleTemps(dbPath: string, log: Logger): void {
  const prefix = `${path.basename(dbPath)}.tmp-`;
  for (const name of readdirSync(path.dirname(dbPath))) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    if (pidAlive(pid)) continue;
    rmSync(path.join(path.dirname(dbPath), name), { force: true });
    log.info({ file: name }, "removed a temp DB left by an interrupted import");
  }
}

async function openTemp(dbPath: string, tmpPath: string): Promise<Database.Database> {
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
      checkSchema(db, dbPath);
    } else {
      db.exec(SCHEMA);
      writeMeta(db, { schema_version: String(SCHEMA_VERSION) });
    }
    // Nothing reads the temp file while it is built and a failure deletes it:
    // no journal, no syncs until the end.
    db.pragma("journal_mode = OFF");
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

function fsyncPath(file: string): void {
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes the rename durable; some platforms cannot sync a directory, which is no error. */
function fsyncDir(dir: string): void {
  try {
    fsyncPath(dir);
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync.
  }
}

export async function importFeeds(
  dbPath: string,
  inputs: string[],
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const started = Date.now();
  const log = opts.log ?? pino({ level: "silent" });
  const limits: Limits = {
    maxEntryBytes: opts.maxEntryBytes ?? 16 * 1024 * 1024,
    maxEntries: opts.maxEntries ?? 2_000_000,
    maxFileBytes: opts.maxFileBytes ?? 512 * 1024 * 1024,
  };
  if (inputs.length === 0) {
    throw new VigilError("BAD_FEED", "no feed inputs given", {
      hint: "name OSV zips, OSV JSON directories or Alpine secdb files",
    });
  }

  const target = path.resolve(dbPath);
  const sources = await discoverSources(inputs);
  await mkdir(path.dirname(target), { recursive: true });

  const lock = acquireLock(`${target}.lock`);
  const tmpPath = `${target}.tmp-${process.pid}`;
  let db: Database.Database | undefined;
  try {
    removeStaleTemps(target, log);
    db = await openTemp(target, tmpPath);
    const run = new Run(db, log, limits);

    db.exec("BEGIN");
    for (const source of sources) await importSource(run, source);
    for (const writer of run.writers.values()) writer.finish(run.importedAt);
    writeMeta(db, { written_by: `vigil ${vigilVersion()}`, updated_at: run.importedAt });
    db.exec("COMMIT");

    finishDb(db, log);
    db.close();
    db = undefined;
    fsyncPath(tmpPath);
    renameSync(tmpPath, target);
    fsyncDir(path.dirname(target));

    const feeds: FeedSummary[] = [...run.writers.values()].map((w) => ({
      name: w.name,
      kind: w.kind,
      origin: w.origin,
      records: w.counts.records,
      skipped: w.counts.skipped,
      duplicates: w.counts.duplicates,
    }));
    for (const f of feeds) log.info(f, "feed imported");
    const summary: ImportSummary = {
      dbPath: target,
      feeds,
      records: feeds.reduce((n, f) => n + f.records, 0),
      skipped: feeds.reduce((n, f) => n + f.skipped, 0),
      warnings: run.warnings,
      durationMs: Date.now() - started,
      bytes: (await stat(target)).size,
    };
    const { warnings, ...counts } = summary;
    log.info(
      { ...counts, feeds: feeds.length, warnings: warnings.length },
      "vulnerability DB written",
    );
    return summary;
  } catch (err) {
    db?.close();
    rmSync(tmpPath, { force: true });
    throw err;
  } finally {
    lock.release();
  }
}
