// `vigil db import`: reads OSV exports, Alpine secdb files, the Debian
// security tracker's JSON, CISA KEV and FIRST EPSS files into the local DB.
// The new DB is built beside the old one (a copy of it, so feeds add up) and
// renamed over it only when complete (build.ts); a failure leaves the old one
// as it was. `vigil db update` downloads the same files and imports them here.
import type Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { pino, type Logger } from "pino";

import { VigilError } from "../errors.js";
import { isAlpineSecdb, parseAlpineSecdb } from "./alpine-secdb.js";
import { buildBeside, withDbLock } from "./build.js";
import { DEBIAN_TRACKER_FEED, isDebianTracker, parseDebianTracker } from "./debian-tracker.js";
import {
  isKevCatalog,
  looksLikeEpss,
  parseEpss,
  parseKev,
  writeEpss,
  writeKev,
} from "./enrichment.js";
import { isOsvIndex, looksLikeOsvRecord, parseOsvRecord } from "./osv-record.js";
import type { FetchedRecord } from "./osv-incremental.js";
import { discoverSources, type FeedSource } from "./sources.js";
import {
  EnrichmentSink,
  FeedWriter,
  type FeedKind,
  type FeedSink,
  type Provenance,
} from "./writer.js";
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

export interface Limits {
  maxEntryBytes: number;
  maxEntries: number;
  maxFileBytes: number;
}

/**
 * State of one import run, shared by the per-source readers below. `vigil db
 * update` drives one too, inside its own build of the DB.
 */
export class ImportRun {
  readonly writers = new Map<string, FeedSink>();
  readonly warnings: ImportWarning[] = [];
  readonly importedAt = new Date().toISOString();
  /** The source being read, whose provenance its feeds take. */
  private current: FeedSource | undefined;

  constructor(
    readonly db: Database.Database,
    readonly log: Logger,
    readonly limits: Limits,
  ) {}

  private claim(name: string, origin: string): void {
    const taken = this.writers.get(name);
    if (taken) {
      throw new VigilError("BAD_FEED", `${origin} and ${taken.origin} would both be feed ${name}`, {
        hint: "import them in separate runs, or from directories with different names",
      });
    }
  }

  /** A new advisory feed; two sources of one run that map to the same name are refused. */
  feed(name: string, kind: FeedKind, origin: string, mode?: "replace" | "merge"): FeedWriter {
    this.claim(name, origin);
    const writer = new FeedWriter(this.db, name, kind, origin, mode);
    return this.register(writer);
  }

  /** A KEV or EPSS feed. */
  enrichment(name: string, kind: FeedKind, origin: string): EnrichmentSink {
    this.claim(name, origin);
    return this.register(new EnrichmentSink(this.db, name, kind, origin));
  }

  private register<T extends FeedSink>(sink: T): T {
    if (this.current?.provenance) sink.provenance = this.current.provenance;
    this.writers.set(sink.name, sink);
    return sink;
  }

  /** Reads one source into its feeds. */
  async read(source: FeedSource): Promise<void> {
    const started = Date.now();
    this.current = source;
    try {
      if (source.kind === "zip") await importZip(this, source);
      else if (source.kind === "dir") await importDir(this, source);
      else await importFile(this, source);
    } finally {
      this.current = undefined;
    }
    this.log.debug({ source: source.name, ms: Date.now() - started }, "feed source read");
  }

  /**
   * Reads one source inside a savepoint: if it fails, its rows and feeds are
   * rolled back and the feed keeps what the DB had. Needs a build with a
   * rollback journal.
   */
  async readIsolated(source: FeedSource): Promise<void> {
    await this.isolated(() => this.read(source));
  }

  /** Merges fetched OSV records into a feed (an incremental sync), isolated the same way. */
  async readIsolatedRecords(
    name: string,
    origin: string,
    records: FetchedRecord[],
    provenance: Provenance,
  ): Promise<void> {
    await this.isolated(async () => {
      const writer = this.feed(name, "osv", origin, "merge");
      writer.provenance = provenance;
      for (const r of records) {
        const entry = `${r.id}.json`;
        if (r.error !== undefined) this.warn(writer, { file: origin, entry, reason: r.error });
        else addOsv(this, writer, r.value, origin, entry);
      }
    });
  }

  private async isolated(fn: () => Promise<void>): Promise<void> {
    const before = new Set(this.writers.keys());
    this.db.exec("SAVEPOINT source");
    try {
      await fn();
      this.db.exec("RELEASE source");
    } catch (err) {
      this.db.exec("ROLLBACK TO source");
      this.db.exec("RELEASE source");
      for (const name of [...this.writers.keys()]) if (!before.has(name)) this.writers.delete(name);
      throw err;
    }
  }

  /** Writes every feed's row; call once, after the last source. */
  finish(): FeedSummary[] {
    for (const writer of this.writers.values()) writer.finish(this.importedAt);
    return [...this.writers.values()].map((w) => ({
      name: w.name,
      kind: w.kind,
      origin: w.origin,
      records: w.counts.records,
      skipped: w.counts.skipped,
      duplicates: w.counts.duplicates,
    }));
  }

  warn(writer: FeedSink | undefined, warning: ImportWarning): void {
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
function addOsv(
  run: ImportRun,
  writer: FeedWriter,
  value: unknown,
  file: string,
  entry?: string,
): void {
  const parsed = parseOsvRecord(value);
  if (parsed.ok) writer.add(parsed.record);
  else run.warn(writer, { file, ...(entry && { entry }), reason: parsed.reason });
}

function importSecdb(
  run: ImportRun,
  value: Parameters<typeof parseAlpineSecdb>[0],
  file: string,
): void {
  const feed = parseAlpineSecdb(value);
  const writer = run.feed(feed.name, "alpine-secdb", file);
  for (const record of feed.records) writer.add(record);
  for (const w of feed.warnings) run.warn(writer, { file, entry: w.entry, reason: w.reason });
}

async function importZip(run: ImportRun, source: FeedSource & { kind: "zip" }): Promise<void> {
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
 * that does not parse, or is JSON of no known shape, is skipped with a warning.
 */
async function importDir(run: ImportRun, source: FeedSource & { kind: "dir" }): Promise<void> {
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
    classify(run, value, file, osvFeed, "skip");
  }
}

function importTracker(run: ImportRun, value: Record<string, unknown>, file: string): void {
  const feed = parseDebianTracker(value);
  const writer = run.feed(DEBIAN_TRACKER_FEED, "debian-tracker", file);
  for (const record of feed.records) writer.add(record);
  for (const w of feed.warnings) run.warn(writer, { file, entry: w.entry, reason: w.reason });
}

function importKev(run: ImportRun, value: Record<string, unknown>, file: string): void {
  const catalog = parseKev(value);
  const sink = run.enrichment("kev", "kev", file);
  writeKev(run.db, catalog.entries);
  sink.counts.records = catalog.entries.length;
  for (const w of catalog.warnings) run.warn(sink, { file, entry: w.entry, reason: w.reason });
}

function importEpss(run: ImportRun, text: string, file: string): void {
  const scores = parseEpss(text);
  const sink = run.enrichment("epss", "epss", file);
  writeEpss(run.db, scores.entries);
  sink.counts.records = scores.entries.length;
  // note: a missing score_date is worth a warning, not a skipped record.
  if (!scores.scoreDate) run.log.warn({ file }, "EPSS data carries no score_date");
  const rows = scores.warnings.filter((w) => w.entry !== "line 1");
  for (const w of rows.slice(0, 20)) run.warn(sink, { file, entry: w.entry, reason: w.reason });
  for (let i = 20; i < rows.length; i++) sink.skip();
}

/** What a file of no known shape does: a file named alone fails; one in a directory is skipped. */
type Unknown = "error" | "skip";

function classify(
  run: ImportRun,
  value: unknown,
  file: string,
  osvFeed: () => FeedWriter,
  unknown: Unknown = "error",
): void {
  if (isAlpineSecdb(value)) {
    importSecdb(run, value, file);
  } else if (isKevCatalog(value)) {
    importKev(run, value, file);
  } else if (isDebianTracker(value)) {
    importTracker(run, value, file);
  } else if (isOsvIndex(value)) {
    run.log.info({ file }, "OSV index file (ids only), no records to import");
  } else if (Array.isArray(value)) {
    const writer = osvFeed();
    value.forEach((v, i) => addOsv(run, writer, v, file, `[${i}]`));
  } else if (looksLikeOsvRecord(value)) {
    addOsv(run, osvFeed(), value, file);
  } else if (unknown === "skip") {
    // A schema or a README beside the feed files (KEV ships its JSON schema).
    run.log.warn({ file }, "not a feed vigil knows; skipped");
  } else {
    throw new VigilError("BAD_FEED", `${file} is no feed vigil knows`, {
      hint: "vigil db import reads OSV JSON (files, directories, all.zip), Alpine secdb JSON, the Debian security tracker's JSON, CISA KEV JSON and EPSS CSV",
    });
  }
}

async function importFile(run: ImportRun, source: FeedSource & { kind: "file" }): Promise<void> {
  const { file } = source;
  const size = (await stat(file)).size;
  if (size > run.limits.maxFileBytes) {
    throw new VigilError("LIMIT_EXCEEDED", `${file} is ${size} bytes, over the limit`);
  }

  let data = await readFile(file);
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data, { maxOutputLength: run.limits.maxFileBytes });
    } catch (err) {
      throw new VigilError("BAD_FEED", `${file}: cannot gunzip: ${reasonOf(err)}`, {
        cause: err,
        hint: "the file may be truncated or damaged; download it again",
      });
    }
  }
  if (/\.csv(\.gz)?$/i.test(file) || looksLikeEpss(data.subarray(0, 512).toString("utf8"))) {
    importEpss(run, data.toString("utf8"), file);
    return;
  }

  let value: unknown;
  try {
    value = decode(data);
  } catch (err) {
    throw new VigilError("BAD_FEED", `${file} is not valid JSON`, { cause: err });
  }
  let writer: FeedWriter | undefined;
  classify(run, value, file, () => (writer ??= run.feed(source.name, "osv", file)));
}

/** sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** What a plain import records: the path read and, for a single file, its sha256. */
async function importProvenance(source: FeedSource): Promise<Provenance> {
  if (source.kind === "dir") return { source: source.dir, sync: "import" };
  return { source: source.file, sha256: await sha256File(source.file), sync: "import" };
}

export function limitsOf(opts: ImportOptions): Limits {
  return {
    maxEntryBytes: opts.maxEntryBytes ?? 16 * 1024 * 1024,
    maxEntries: opts.maxEntries ?? 2_000_000,
    maxFileBytes: opts.maxFileBytes ?? 512 * 1024 * 1024,
  };
}

export async function importFeeds(
  dbPath: string,
  inputs: string[],
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const started = Date.now();
  const log = opts.log ?? pino({ level: "silent" });
  if (inputs.length === 0) {
    throw new VigilError("BAD_FEED", "no feed inputs given", {
      hint: "name OSV zips, OSV JSON directories, Alpine secdb, Debian tracker, KEV or EPSS files",
    });
  }

  const target = path.resolve(dbPath);
  const sources = await discoverSources(inputs);

  return withDbLock(target, async () => {
    for (const source of sources) source.provenance ??= await importProvenance(source);
    const built = await buildBeside(target, log, async (db) => {
      const run = new ImportRun(db, log, limitsOf(opts));
      for (const source of sources) await run.read(source);
      // Skipped files alone make no DB: an empty one would pass every scan.
      if (run.writers.size === 0) {
        throw new VigilError("BAD_FEED", `no feed found in ${inputs.join(", ")}`, {
          hint: "vigil db import reads OSV JSON (files, directories, all.zip), Alpine secdb JSON, the Debian security tracker's JSON, CISA KEV JSON and EPSS CSV",
        });
      }
      return { run, feeds: run.finish() };
    });

    const { run, feeds } = built.value;
    for (const f of feeds) log.info(f, "feed imported");
    const summary: ImportSummary = {
      dbPath: target,
      feeds,
      records: feeds.reduce((n, f) => n + f.records, 0),
      skipped: feeds.reduce((n, f) => n + f.skipped, 0),
      warnings: run.warnings,
      durationMs: Date.now() - started,
      bytes: built.bytes,
    };
    const { warnings, ...counts } = summary;
    log.info(
      { ...counts, feeds: feeds.length, warnings: warnings.length },
      "vulnerability DB written",
    );
    return summary;
  });
}
