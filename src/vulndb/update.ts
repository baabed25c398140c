// `vigil db update`: downloads every enabled feed (in parallel, each with
// retries and conditional requests, see download.ts), then builds the next DB
// beside the current one and renames it in (build.ts). The lock is held from
// the first download to the rename. A feed that fails keeps its previous rows;
// the others are still brought up to date.
import Database from "better-sqlite3";
import { existsSync, readdirSync, rmdirSync } from "node:fs";
import path from "node:path";
import { pino, type Logger } from "pino";

import { VigilError } from "../errors.js";
import { buildBeside, withDbLock } from "./build.js";
import { DEBIAN_TRACKER_FEED } from "./debian-tracker.js";
import {
  DEFAULT_POLICY,
  download,
  dropStored,
  mapLimit,
  type DownloadEvents,
  type RetryPolicy,
  type StoredMeta,
} from "./download.js";
import { ImportRun, limitsOf, sha256File, type ImportWarning } from "./import.js";
import {
  fetchOsvRecords,
  planIncremental,
  type FetchedRecord,
  type IncrementalPlan,
} from "./osv-incremental.js";
import { checkSchema } from "./schema.js";
import type { FeedSource } from "./sources.js";
import type { Provenance } from "./writer.js";

export type SourceKind = "osv" | "alpine-secdb" | "debian-tracker" | "kev" | "epss";

export const SOURCE_KINDS: readonly SourceKind[] = [
  "osv",
  "alpine-secdb",
  "debian-tracker",
  "kev",
  "epss",
];

/** Where each source lives publicly. A per-source URL option replaces one of these. */
export const PUBLIC_URLS: Record<SourceKind, string> = {
  osv: "https://osv-vulnerabilities.storage.googleapis.com",
  "alpine-secdb": "https://secdb.alpinelinux.org",
  "debian-tracker": "https://security-tracker.debian.org/tracker",
  kev: "https://www.cisa.gov/sites/default/files/feeds",
  epss: "https://epss.empiricalsecurity.com",
};

/** Under a mirror (--mirror URL), each source keeps its public layout below its own folder. */
export const MIRROR_DIRS: Record<SourceKind, string> = {
  osv: "osv",
  "alpine-secdb": "alpine-secdb",
  "debian-tracker": "debian-security-tracker",
  kev: "kev",
  epss: "epss",
};

/**
 * The OSV ecosystems a scan matches: the distributions vigil detects
 * (README, Distributions) and the language ecosystems it catalogues.
 */
export const DEFAULT_ECOSYSTEMS = [
  "crates.io",
  "Go",
  "Maven",
  "npm",
  "NuGet",
  "Packagist",
  "PyPI",
  "RubyGems",
  "AlmaLinux",
  "Alpine",
  "Azure Linux",
  "Chainguard",
  "Debian",
  "Photon OS",
  "Red Hat",
  "Rocky Linux",
  "SUSE",
  "Ubuntu",
  "Wolfi",
  "openSUSE",
];

/** Alpine releases whose secdb files are fetched; a release the server lacks is passed over. */
export const DEFAULT_ALPINE_RELEASES = [
  ...Array.from({ length: 21 }, (_, i) => `v3.${i + 2}`),
  "edge",
];

export interface UpdateConfig {
  mirror?: string;
  /** Per-source base URLs; they win over the mirror. */
  urls?: Partial<Record<SourceKind, string>>;
  ecosystems?: string[];
  alpineReleases?: string[];
  sources?: SourceKind[];
  /** Always download whole OSV exports, never just what changed. */
  full?: boolean;
  /** How recent the last OSV sync must be for an incremental one (default 7 days). */
  incrementalWindowMs?: number;
  /** More changed records than this and the whole export is downloaded (default 5,000). */
  maxIncrementalRecords?: number;
  /** Downloads at once (default 4). */
  parallel?: number;
  policy?: Partial<RetryPolicy>;
}

export interface UpdateEvent {
  key: string;
  type: "start" | "data" | "retry" | "done" | "failed";
  bytes?: number;
  total?: number;
  resumedAt?: number;
  message?: string;
}

export interface UpdateOptions extends UpdateConfig {
  log?: Logger;
  onEvent?: (event: UpdateEvent) => void;
  /** Where downloads are kept between runs (default `<db>.downloads`). */
  downloadDir?: string;
}

export type FeedOutcome = "downloaded" | "incremental" | "unchanged" | "absent" | "failed";

export interface FeedResult {
  key: string;
  feed: string;
  url: string;
  outcome: FeedOutcome;
  /** Bytes transferred for this feed in this run. */
  bytes: number;
  records?: number;
  error?: string;
}

export interface UpdateSummary {
  dbPath: string;
  feeds: FeedResult[];
  warnings: ImportWarning[];
  durationMs: number;
  bytes: number;
  failed: number;
}

/** One file to fetch and the feed it fills. */
interface Job {
  key: string;
  kind: SourceKind;
  feed: string;
  url: string;
  dest: string;
  /** An absent file is normal for this job (an Alpine release the server never had). */
  optional: boolean;
  ecosystem?: string;
}

/** What a job brought back, for the build step. */
interface Fetched {
  job: Job;
  result: FeedResult;
  source?: FeedSource;
  incremental?: { plan: IncrementalPlan; records: FetchedRecord[]; provenance: Provenance };
  /** Confirmed unchanged: only its checked_at and validators move. */
  touch?: { etag?: string; lastModified?: string };
}

interface PreviousFeed {
  name: string;
  source: string | null;
  sha256: string | null;
  etag: string | null;
  last_modified: string | null;
  checked_at: string | null;
  newest_modified: string | null;
  records: number;
  sync: string | null;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

export function sourceUrl(config: UpdateConfig, kind: SourceKind): string {
  const own = config.urls?.[kind];
  if (own) return trimSlash(own);
  if (config.mirror) return `${trimSlash(config.mirror)}/${MIRROR_DIRS[kind]}`;
  return PUBLIC_URLS[kind];
}

function planJobs(config: UpdateConfig, downloadDir: string): Job[] {
  const enabled = new Set(config.sources ?? SOURCE_KINDS);
  const jobs: Job[] = [];
  const add = (kind: SourceKind, rel: string, feed: string, extra: Partial<Job> = {}) => {
    jobs.push({
      key: `${MIRROR_DIRS[kind]}/${rel}`,
      kind,
      feed,
      url: `${sourceUrl(config, kind)}/${rel.split("/").map(encodeURIComponent).join("/")}`,
      dest: path.join(downloadDir, MIRROR_DIRS[kind], ...rel.split("/")),
      optional: false,
      ...extra,
    });
  };

  if (enabled.has("osv")) {
    for (const eco of config.ecosystems ?? DEFAULT_ECOSYSTEMS) {
      add("osv", `${eco}/all.zip`, `osv:${eco}`, { ecosystem: eco });
    }
  }
  if (enabled.has("alpine-secdb")) {
    for (const release of config.alpineReleases ?? DEFAULT_ALPINE_RELEASES) {
      for (const repo of ["main", "community"]) {
        add("alpine-secdb", `${release}/${repo}.json`, `alpine-secdb:${release}/${repo}`, {
          optional: true,
        });
      }
    }
  }
  if (enabled.has("debian-tracker")) add("debian-tracker", "data/json", DEBIAN_TRACKER_FEED);
  if (enabled.has("kev")) add("kev", "known_exploited_vulnerabilities.json", "kev");
  if (enabled.has("epss")) add("epss", "epss_scores-current.csv.gz", "epss");
  return jobs;
}

/** The feeds table of the current DB, read before the lock-protected build. */
function previousFeeds(db: Database.Database | undefined): Map<string, PreviousFeed> {
  if (!db) return new Map();
  const rows = db
    .prepare(
      `SELECT name, source, sha256, etag, last_modified, checked_at, newest_modified, records, sync
       FROM feeds`,
    )
    .all() as PreviousFeed[];
  return new Map(rows.map((r) => [r.name, r]));
}

/** The current DB as the download step sees it; closed before the build. */
interface Previous {
  feeds: Map<string, PreviousFeed>;
  /** The `modified` of a record the DB holds in a feed. */
  modified(feed: string, id: string): string | undefined;
  close(): void;
}

function openPrevious(dbPath: string, log: Logger): Previous {
  const none: Previous = { feeds: new Map(), modified: () => undefined, close: () => {} };
  if (!existsSync(dbPath)) return none;
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    if (checkSchema(db, dbPath) < 2) {
      db.close();
      return none;
    }
    const open = db;
    const find = open.prepare<[string, string], { modified: string | null }>(
      "SELECT modified FROM advisories WHERE feed = ? AND id = ?",
    );
    return {
      feeds: previousFeeds(open),
      modified: (feed, id) => find.get(feed, id)?.modified ?? undefined,
      close: () => open.close(),
    };
  } catch (err) {
    // A broken DB is rebuilt from scratch below; the build step says why.
    db?.close();
    log.warn({ err: String(err) }, "cannot read the current DB's feed state");
    return none;
  }
}

function downloadEvents(job: Job, opts: UpdateOptions, result: FeedResult): DownloadEvents {
  const emit = (e: Omit<UpdateEvent, "key">) => opts.onEvent?.({ key: job.key, ...e });
  return {
    onStart: (total, resumedAt) => emit({ type: "start", total, resumedAt }),
    onData: (bytes) => {
      result.bytes += bytes;
      emit({ type: "data", bytes });
    },
    onRetry: (_attempt, _delay, reason) => emit({ type: "retry", message: reason }),
  };
}

function provenanceOf(meta: StoredMeta, sync: Provenance["sync"]): Provenance {
  return {
    source: meta.url,
    sha256: meta.sha256,
    ...(meta.etag && { etag: meta.etag }),
    ...(meta.lastModified && { lastModified: meta.lastModified }),
    sync,
  };
}

function feedSource(job: Job, meta: StoredMeta, sync: Provenance["sync"]): FeedSource {
  const provenance = provenanceOf(meta, sync);
  if (job.kind === "osv") return { kind: "zip", file: job.dest, name: job.feed, provenance };
  return { kind: "file", file: job.dest, name: job.feed, provenance };
}

interface JobContext {
  opts: UpdateOptions;
  log: Logger;
  policy: RetryPolicy;
  previous: Map<string, PreviousFeed>;
  modified: Previous["modified"];
  /** Hosts a feed could not connect to, with why: their other feeds are not tried. */
  unreachable: Map<string, string>;
}

// Errors that say the host cannot be reached at all, as opposed to one bad response.
const CONNECTION_ERRORS = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
]);

function connectionError(err: unknown): string | undefined {
  for (let e = err; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_ERRORS.has(code)) return code;
  }
  return undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** Validators from the DB row, when it came from this very URL. */
function dbValidators(prev: PreviousFeed | undefined, url: string) {
  if (!prev || prev.source !== url || (!prev.etag && !prev.last_modified)) return undefined;
  return {
    ...(prev.etag && { etag: prev.etag }),
    ...(prev.last_modified && { lastModified: prev.last_modified }),
  };
}

/** Downloads a job's file and decides what the build does with it. */
async function fetchFull(job: Job, ctx: JobContext, result: FeedResult): Promise<Fetched> {
  const prev = ctx.previous.get(job.feed);
  const outcome = await download({
    url: job.url,
    dest: job.dest,
    policy: ctx.policy,
    log: ctx.log,
    events: downloadEvents(job, ctx.opts, result),
    validators: dbValidators(prev, job.url),
  });

  if (outcome.kind === "missing") {
    if (job.optional) {
      result.outcome = "absent";
      return { job, result };
    }
    throw new VigilError("NETWORK", `${job.url}: HTTP ${outcome.status}`, {
      hint: `the source has no such file; check the ecosystem name and the ${job.kind} URL`,
    });
  }

  const meta = outcome.meta;
  const current = prev?.sha256 && (meta.sha256 === "" || meta.sha256 === prev.sha256);
  if (current) {
    result.outcome = "unchanged";
    return {
      job,
      result,
      touch: {
        ...(meta.etag && { etag: meta.etag }),
        ...(meta.lastModified && { lastModified: meta.lastModified }),
      },
    };
  }
  result.outcome = "downloaded";
  return { job, result, source: feedSource(job, meta, "full") };
}

async function fetchJob(job: Job, ctx: JobContext): Promise<Fetched> {
  const result: FeedResult = {
    key: job.key,
    feed: job.feed,
    url: job.url,
    outcome: "failed",
    bytes: 0,
  };
  const host = hostOf(job.url);
  const down = ctx.unreachable.get(host);
  if (down !== undefined) {
    // One unreachable host fails all its feeds at once, not after minutes of retries each.
    result.error = `not tried: ${host} could not be reached (${down})`;
    ctx.log.debug({ feed: job.feed, url: job.url }, result.error);
    ctx.opts.onEvent?.({ key: job.key, type: "failed", message: result.error });
    return { job, result };
  }
  try {
    if (job.kind === "osv" && !ctx.opts.full) {
      const incremental = await tryIncremental(job, ctx, result);
      if (incremental) return incremental;
    }
    const fetched = await fetchFull(job, ctx, result);
    ctx.opts.onEvent?.({ key: job.key, type: "done", bytes: result.bytes });
    return fetched;
  } catch (err) {
    result.outcome = "failed";
    result.error = err instanceof Error ? err.message : String(err);
    const code = connectionError(err);
    if (code) ctx.unreachable.set(host, code);
    // One warning sums the failures up once all feeds are tried (failureSummary).
    ctx.log.info({ feed: job.feed, url: job.url, error: result.error }, "feed not updated");
    ctx.opts.onEvent?.({ key: job.key, type: "failed", message: result.error });
    return { job, result };
  }
}

/**
 * An OSV feed synced recently enough is brought up to date from
 * modified_id.csv and the records that changed; undefined means "download
 * the whole export instead".
 */
async function tryIncremental(
  job: Job,
  ctx: JobContext,
  result: FeedResult,
): Promise<Fetched | undefined> {
  const prev = ctx.previous.get(job.feed);
  const window = ctx.opts.incrementalWindowMs ?? 7 * 24 * 3600 * 1000;
  if (!prev || !prev.checked_at || (prev.sync !== "full" && prev.sync !== "incremental")) {
    return undefined;
  }
  if (Date.now() - Date.parse(prev.checked_at) > window) return undefined;
  if (!prev.newest_modified || prev.newest_modified.startsWith("0001-")) return undefined;

  const csvUrl = job.url.replace(/all\.zip$/, "modified_id.csv");
  const csvDest = path.join(path.dirname(job.dest), "modified_id.csv");
  let plan: IncrementalPlan | undefined;
  try {
    const outcome = await download({
      url: csvUrl,
      dest: csvDest,
      policy: ctx.policy,
      log: ctx.log,
      events: downloadEvents(job, ctx.opts, result),
      validators: dbValidators(prev, csvUrl),
    });
    if (outcome.kind === "missing") return undefined;
    const meta = outcome.meta;
    if (
      prev.source === csvUrl &&
      prev.sha256 &&
      (meta.sha256 === "" || meta.sha256 === prev.sha256)
    ) {
      result.outcome = "unchanged";
      ctx.opts.onEvent?.({ key: job.key, type: "done", bytes: result.bytes });
      return { job, result, touch: { ...(meta.etag && { etag: meta.etag }) } };
    }

    plan = await planIncremental(csvDest, prev.newest_modified, {
      maxRecords: Math.min(ctx.opts.maxIncrementalRecords ?? 5000, Math.max(prev.records / 2, 100)),
      known: (id) => ctx.modified(job.feed, id),
    });
    if (!plan) {
      ctx.log.info({ feed: job.feed }, "too many changes for an incremental sync; downloading all");
      return undefined;
    }
    if (plan.ids.length === 0) {
      result.outcome = "unchanged";
      ctx.opts.onEvent?.({ key: job.key, type: "done", bytes: result.bytes });
      return { job, result, touch: {} };
    }
    const base = job.url.replace(/all\.zip$/, "");
    const records = await fetchOsvRecords(base, plan.ids, {
      policy: ctx.policy,
      parallel: ctx.opts.parallel ?? 4,
      onBytes: (n) => (result.bytes += n),
    });
    result.outcome = "incremental";
    result.records = records.length;
    ctx.opts.onEvent?.({ key: job.key, type: "done", bytes: result.bytes });
    return {
      job,
      result,
      incremental: { plan, records, provenance: provenanceOf(meta, "incremental") },
    };
  } catch (err) {
    ctx.log.warn(
      { feed: job.feed, reason: err instanceof Error ? err.message : String(err) },
      "incremental sync failed; downloading the whole export",
    );
    return undefined;
  }
}

/** Writes what the jobs fetched into the DB under construction. */
async function applyFetched(run: ImportRun, fetched: Fetched[], log: Logger): Promise<void> {
  const touch = run.db.prepare(
    `UPDATE feeds SET checked_at = ?, etag = coalesce(?, etag),
       last_modified = coalesce(?, last_modified) WHERE name = ?`,
  );

  for (const f of fetched) {
    if (f.touch) {
      touch.run(run.importedAt, f.touch.etag ?? null, f.touch.lastModified ?? null, f.job.feed);
      continue;
    }
    try {
      if (f.source) {
        // The stored copy may predate a kill; hash what is imported, not what was meant to be.
        const sha256 = await sha256File(f.job.dest);
        if (f.source.provenance) f.source.provenance.sha256 = sha256;
        await run.readIsolated(f.source);
      } else if (f.incremental) {
        const { records, provenance } = f.incremental;
        await run.readIsolatedRecords(f.job.feed, f.job.url, records, provenance);
      }
    } catch (err) {
      f.result.outcome = "failed";
      f.result.error = err instanceof Error ? err.message : String(err);
      log.error(
        { feed: f.job.feed, error: f.result.error },
        "feed not imported; its previous data stays",
      );
    }
  }
}

/** Why feeds failed, in a few words: unreachable hosts by name, other failures by error. */
function failureSummary(failed: readonly Fetched[], unreachable: Map<string, string>): string {
  const others = failed.filter((f) => !unreachable.has(hostOf(f.job.url)));
  const reasons = [
    ...[...unreachable].map(([host, code]) => `${host} unreachable (${code})`),
    ...new Set(others.map((f) => f.result.error ?? "unknown error")),
  ];
  return reasons.slice(0, 3).join("; ") + (reasons.length > 3 ? "; …" : "");
}

/** Download directories that nothing was kept in are not left behind. */
function removeIfEmpty(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // never made
  }
  for (const e of entries) if (e.isDirectory()) removeIfEmpty(path.join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch {
    // Not empty: it keeps what later updates resume or revalidate.
  }
}

/**
 * Feeds that could not be fetched keep their previous data, and one warning
 * says why. When none could be there is nothing new to build: the DB stays
 * as it was (or absent), rather than an empty one that makes every scan clean.
 */
function reportFailures(
  fetched: readonly Fetched[],
  unreachable: Map<string, string>,
  log: Logger,
): void {
  const failed = fetched.filter((f) => f.result.outcome === "failed");
  if (failed.length === 0) return;
  const why = failureSummary(failed, unreachable);
  if (fetched.some((f) => f.result.outcome !== "failed" && f.result.outcome !== "absent")) {
    log.warn(
      { failed: failed.length, of: fetched.length },
      `feeds not updated, their previous data kept: ${why}`,
    );
    return;
  }
  throw new VigilError(
    "NETWORK",
    `no feed could be downloaded (${failed.length} tried: ${why}); the vulnerability DB was not changed`,
    {
      hint: "check the network or point the feeds at a mirror (--mirror); where the feeds cannot be reached, `vigil db import` files fetched elsewhere and scan with --offline",
    },
  );
}

export async function updateDb(dbPath: string, opts: UpdateOptions = {}): Promise<UpdateSummary> {
  const started = Date.now();
  const log = opts.log ?? pino({ level: "silent" });
  const target = path.resolve(dbPath);
  const downloadDir = opts.downloadDir ?? `${target}.downloads`;
  const policy: RetryPolicy = { ...DEFAULT_POLICY, ...opts.policy };
  const jobs = planJobs(opts, downloadDir);
  if (jobs.length === 0) {
    throw new VigilError("BAD_FEED", "no feeds to update", { hint: "enable at least one source" });
  }

  return withDbLock(target, async () => {
    const previous = openPrevious(target, log);
    const ctx: JobContext = {
      opts,
      log,
      policy,
      previous: previous.feeds,
      modified: previous.modified,
      unreachable: new Map(),
    };
    log.info({ feeds: jobs.length, parallel: opts.parallel ?? 4 }, "checking feeds");
    let fetched: Fetched[];
    try {
      fetched = await mapLimit(jobs, opts.parallel ?? 4, (job) => fetchJob(job, ctx));
    } finally {
      previous.close();
    }
    removeIfEmpty(downloadDir);
    reportFailures(fetched, ctx.unreachable, log);

    const built = await buildBeside(
      target,
      log,
      async (db) => {
        const run = new ImportRun(db, log, limitsOf({}));
        await applyFetched(run, fetched, log);
        run.finish();
        return run;
      },
      { journal: "rollback" },
    );

    // An incremental sync moved the feed past its stored export: never reuse that copy.
    for (const f of fetched) if (f.result.outcome === "incremental") dropStored(f.job.dest);

    const feeds = fetched.map((f) => f.result);
    const summary: UpdateSummary = {
      dbPath: target,
      feeds,
      warnings: built.value.warnings,
      durationMs: Date.now() - started,
      bytes: built.bytes,
      failed: feeds.filter((f) => f.outcome === "failed").length,
    };
    for (const f of feeds) {
      if (f.outcome !== "absent")
        log.info({ feed: f.feed, outcome: f.outcome, bytes: f.bytes }, "feed");
    }
    log.info(
      { durationMs: summary.durationMs, failed: summary.failed },
      "vulnerability DB updated",
    );
    return summary;
  });
}
