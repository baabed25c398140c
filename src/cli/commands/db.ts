import { InvalidArgumentError, type Command } from "commander";

import { dbPath } from "../../config/paths.js";
import { VigilError } from "../../errors.js";
import { createLogger, type Logger } from "../../log.js";
import { importFeeds, VulnDb } from "../../vulndb/index.js";
import { exportDb, importDbFile, isDbFile } from "../../vulndb/export.js";
import {
  DEFAULT_MAX_AGE_MS,
  describeAge,
  staleFeeds,
  type FreshnessOptions,
} from "../../vulndb/freshness.js";
import { localInputs } from "../../vulndb/inputs.js";
import { pullDb, pushDb } from "../../vulndb/oci.js";
import {
  SOURCE_KINDS,
  updateDb,
  type SourceKind,
  type UpdateEvent,
  type UpdateOptions,
} from "../../vulndb/update.js";

interface DbOptions {
  db?: string;
  cacheDir?: string;
  logLevel: string;
  logFormat?: "text" | "json";
  quiet?: boolean;
}

/** The options `vigil db update` and an updating scan share. */
export interface FeedOptions {
  mirror?: string;
  osvUrl?: string;
  alpineSecdbUrl?: string;
  debianTrackerUrl?: string;
  kevUrl?: string;
  epssUrl?: string;
  ecosystems?: string[];
  alpineReleases?: string[];
  sources?: SourceKind[];
  full?: boolean;
  parallel?: number;
  retries?: number;
  timeout?: number;
}

const list = (text: string): string[] =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function positive(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a whole number ≥ 1");
  return n;
}

function count(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("expected a whole number ≥ 0");
  return n;
}

function sourceList(text: string): SourceKind[] {
  const kinds = list(text);
  for (const k of kinds) {
    if (!(SOURCE_KINDS as readonly string[]).includes(k)) {
      throw new InvalidArgumentError(`"${k}" is not one of ${SOURCE_KINDS.join(", ")}`);
    }
  }
  return kinds as SourceKind[];
}

/** `7d`, `12h`, `30m`, `90s`: an age threshold. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(d|h|m|s)?$/i.exec(text.trim());
  if (!m) throw new InvalidArgumentError("expected a duration such as 7d, 12h or 30m");
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 }[
    ((m[2] as string | undefined) ?? "d").toLowerCase() as "d" | "h" | "m" | "s"
  ];
  return Number(m[1]) * unit;
}

/** Adds the feed location options (and their environment variables) to a command. */
export function addFeedOptions(cmd: Command): Command {
  return cmd
    .option(
      "--mirror <url>",
      "one base URL for every feed, laid out as the public sources ($VIGIL_MIRROR)",
    )
    .option("--osv-url <url>", "OSV export base URL ($VIGIL_OSV_URL)")
    .option("--alpine-secdb-url <url>", "Alpine secdb base URL ($VIGIL_ALPINE_SECDB_URL)")
    .option(
      "--debian-tracker-url <url>",
      "Debian security tracker base URL ($VIGIL_DEBIAN_TRACKER_URL)",
    )
    .option("--kev-url <url>", "CISA KEV base URL ($VIGIL_KEV_URL)")
    .option("--epss-url <url>", "FIRST EPSS base URL ($VIGIL_EPSS_URL)")
    .option(
      "--ecosystems <list>",
      "OSV ecosystems to download ($VIGIL_ECOSYSTEMS; default: the distributions vigil matches)",
      list,
    )
    .option(
      "--alpine-releases <list>",
      "Alpine secdb releases ($VIGIL_ALPINE_RELEASES; default v3.2…v3.22,edge)",
      list,
    );
}

/** UpdateOptions from command options, then VIGIL_* variables, then the defaults. */
export function updateOptionsFrom(opts: FeedOptions): UpdateOptions {
  const env = process.env;
  const urls: UpdateOptions["urls"] = {};
  const pick = (kind: SourceKind, flag: string | undefined, name: string) => {
    const value = flag ?? env[name];
    if (value) urls[kind] = value;
  };
  pick("osv", opts.osvUrl, "VIGIL_OSV_URL");
  pick("alpine-secdb", opts.alpineSecdbUrl, "VIGIL_ALPINE_SECDB_URL");
  pick("debian-tracker", opts.debianTrackerUrl, "VIGIL_DEBIAN_TRACKER_URL");
  pick("kev", opts.kevUrl, "VIGIL_KEV_URL");
  pick("epss", opts.epssUrl, "VIGIL_EPSS_URL");

  const update: UpdateOptions = { urls };
  const mirror = opts.mirror ?? env.VIGIL_MIRROR;
  if (mirror) update.mirror = mirror;
  const ecosystems =
    opts.ecosystems ?? (env.VIGIL_ECOSYSTEMS ? list(env.VIGIL_ECOSYSTEMS) : undefined);
  if (ecosystems) update.ecosystems = ecosystems;
  const releases =
    opts.alpineReleases ??
    (env.VIGIL_ALPINE_RELEASES ? list(env.VIGIL_ALPINE_RELEASES) : undefined);
  if (releases) update.alpineReleases = releases;
  if (opts.sources) update.sources = opts.sources;
  if (opts.full) update.full = true;
  if (opts.parallel) update.parallel = opts.parallel;
  const policy: UpdateOptions["policy"] = {};
  if (opts.retries !== undefined) policy.attempts = opts.retries + 1;
  if (opts.timeout !== undefined) {
    policy.headersTimeoutMs = opts.timeout * 1000;
    policy.idleTimeoutMs = opts.timeout * 1000;
  }
  update.policy = policy;
  return update;
}

/** For `vigil image`: --offline, --db-max-age and the feed options. */
export function addFreshnessOptions(cmd: Command): Command {
  return addFeedOptions(
    cmd
      .option("--offline", "never download feeds: use the DB as it is ($VIGIL_OFFLINE=1)")
      .option(
        "--db-max-age <age>",
        "update the DB first when older than this, e.g. 7d or 12h ($VIGIL_DB_MAX_AGE)",
        parseDuration,
      ),
  );
}

/** What addFreshnessOptions adds to a command's options. */
export interface FreshnessFlags extends FeedOptions {
  offline?: boolean;
  dbMaxAge?: number;
}

export function freshnessFrom(opts: FreshnessFlags, log: Logger): FreshnessOptions {
  const envAge = process.env.VIGIL_DB_MAX_AGE;
  return {
    offline: opts.offline === true || process.env.VIGIL_OFFLINE === "1",
    maxAgeMs: opts.dbMaxAge ?? (envAge ? parseDuration(envAge) : DEFAULT_MAX_AGE_MS),
    update: updateOptionsFrom(opts),
    log,
  };
}

/**
 * Download progress: one line redrawn in place on a terminal; elsewhere the
 * logger's plain lines (one per feed) are the progress.
 */
class UpdateProgress {
  private readonly enabled = process.stderr.isTTY === true;
  private bytes = 0;
  private done = 0;
  private lastDraw = 0;
  private readonly active = new Set<string>();

  on(e: UpdateEvent): void {
    if (e.type === "start") this.active.add(e.key);
    if (e.type === "data") this.bytes += e.bytes ?? 0;
    if (e.type === "done" || e.type === "failed") {
      this.active.delete(e.key);
      this.done++;
    }
    this.draw(e.type !== "data");
  }

  private draw(force: boolean): void {
    const now = Date.now();
    if (!this.enabled || (!force && now - this.lastDraw < 100)) return;
    this.lastDraw = now;
    const current = [...this.active].slice(0, 2).join(", ");
    const mb = (this.bytes / 1e6).toFixed(1);
    const line = `${this.done} feeds done, ${mb} MB${current ? `: ${current}` : ""}`;
    process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns || 80) - 1)}`);
  }

  finish(): void {
    if (this.enabled && this.lastDraw > 0) process.stderr.write("\r\x1b[K");
  }
}

function printStatus(vulnDb: VulnDb, maxAgeMs: number, json: boolean): void {
  const meta = vulnDb.meta();
  const feeds = vulnDb.feeds();
  const now = Date.now();
  if (json) {
    const out = {
      path: vulnDb.path,
      ...meta,
      feeds: feeds.map((f) => ({
        ...f,
        ageSeconds: Math.round((now - Date.parse(f.checkedAt)) / 1000),
        stale: now - Date.parse(f.checkedAt) > maxAgeMs,
      })),
    };
    console.log(JSON.stringify(out, null, 2));
    return;
  }

  console.log(`database: ${vulnDb.path}`);
  console.log(`schema ${meta.schemaVersion}, written by ${meta.writtenBy}`);
  if (meta.updatedAt)
    console.log(`updated ${meta.updatedAt} (${describeAge(now - Date.parse(meta.updatedAt))} ago)`);
  const stale = new Set(staleFeeds(feeds, maxAgeMs, now).map((f) => f.name));
  for (const feed of feeds) {
    const age = describeAge(now - Date.parse(feed.checkedAt));
    const flag = stale.has(feed.name) ? " STALE" : "";
    console.log(
      `${feed.name}: ${feed.records} records, last success ${feed.checkedAt} (${age} ago)${flag}, ` +
        `from ${feed.source ?? feed.origin}${feed.sha256 ? `, sha256 ${feed.sha256.slice(0, 12)}…` : ""}`,
    );
  }
}

export function registerDbCommands(program: Command): void {
  const db = program
    .command("db")
    .description("manage the local vulnerability database")
    // `db import --db FILE …`: db's options are read after its subcommand too.
    .enablePositionalOptions(false)
    .option("--db <file>", "vulnerability database (default: in the cache directory)")
    .option(
      "--cache-dir <dir>",
      "cache directory (default $XDG_CACHE_HOME/vigil or ~/.cache/vigil)",
    )
    .option("--log-level <level>", "error, warn, info or debug", "info")
    .option("--log-format <format>", "text or json", "text")
    .option("-q, --quiet", "errors only on stderr (as --log-level error)");

  const logOf = (opts: DbOptions) =>
    createLogger({ level: opts.quiet ? "error" : opts.logLevel, format: opts.logFormat });

  addFeedOptions(
    db
      .command("update")
      .description("download the feeds and bring the database up to date")
      .option(
        "--sources <list>",
        `sources to update (default all: ${SOURCE_KINDS.join(",")})`,
        sourceList,
      )
      .option("--full", "download whole OSV exports, not only the records that changed")
      .option("--parallel <n>", "downloads at once (default 4)", positive)
      .option("--retries <n>", "retries per download (default 3)", count)
      .option(
        "--timeout <seconds>",
        "give up on a silent connection after this long (default 60)",
        positive,
      ),
  ).action(async (_opts: unknown, cmd: Command) => {
    const opts = cmd.optsWithGlobals<DbOptions & FeedOptions>();
    const log = logOf(opts);
    const update = updateOptionsFrom(opts);
    const progress = new UpdateProgress();
    let summary;
    try {
      summary = await updateDb(dbPath(opts), { ...update, log, onEvent: (e) => progress.on(e) });
    } finally {
      progress.finish();
    }

    const counts = new Map<string, number>();
    for (const f of summary.feeds) counts.set(f.outcome, (counts.get(f.outcome) ?? 0) + 1);
    const parts = [...counts].map(([k, n]) => `${n} ${k}`).join(", ");
    const mb = (summary.feeds.reduce((n, f) => n + f.bytes, 0) / 1e6).toFixed(1);
    console.log(`${parts}; ${mb} MB downloaded in ${summary.durationMs} ms → ${summary.dbPath}`);
    const failed = summary.feeds.filter((f) => f.outcome === "failed");
    if (failed.length > 0) {
      throw new VigilError(
        "NETWORK",
        `${failed.length} feed(s) not updated: ${failed.map((f) => `${f.feed} (${f.error})`).join("; ")}`,
        { hint: "their previous data is still in the DB; run `vigil db update` again later" },
      );
    }
  });

  db.command("status")
    .description("show the database's schema and each feed's freshness")
    .option("--json", "print JSON")
    .option("--db-max-age <age>", "call feeds older than this stale (default 7d)", parseDuration)
    .action((_opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<DbOptions & { json?: boolean; dbMaxAge?: number }>();
      const vulnDb = VulnDb.open(dbPath(opts));
      try {
        printStatus(vulnDb, opts.dbMaxAge ?? DEFAULT_MAX_AGE_MS, opts.json === true);
      } finally {
        vulnDb.close();
      }
    });

  db.command("import")
    .description(
      "load feed files (OSV directories, JSON or all.zip; Alpine secdb; Debian tracker JSON; KEV JSON; EPSS CSV) from paths or URLs, or a DB export",
    )
    .argument("<path...>", "files, directories or http(s) URLs to import")
    .action(async (paths: string[], _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<DbOptions>();
      const log = logOf(opts);
      const target = dbPath(opts);
      const inputs = await localInputs(target, paths, log);

      const single = inputs.length === 1 ? inputs[0] : undefined;
      if (single && (await isDbFile(single.path).catch(() => false))) {
        const { bytes } = await importDbFile(target, single.path, log, single.url ?? single.path);
        console.log(`DB export ${single.url ?? single.path} → ${target} (${bytes} bytes)`);
        return;
      }

      const summary = await importFeeds(
        target,
        inputs.map((i) => i.path),
        { log },
      );
      for (const feed of summary.feeds) {
        console.log(
          `${feed.name}: ${feed.records} records (${feed.skipped} skipped) from ${feed.origin}`,
        );
      }
      const rate = Math.round(summary.records / Math.max(summary.durationMs / 1000, 0.001));
      console.log(
        `${summary.records} records in ${summary.durationMs} ms (${rate}/s) → ${summary.dbPath}`,
      );
    });

  db.command("export")
    .description(
      "write the database to one file (gzipped when it ends in .gz), for `vigil db import`",
    )
    .argument("<file>", "file to write")
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<DbOptions>();
      const summary = await exportDb(dbPath(opts), file, logOf(opts));
      console.log(`${summary.file}: ${summary.bytes} bytes, sha256 ${summary.sha256}`);
    });

  db.command("push")
    .description("push the database to a registry as an OCI artifact")
    .argument("<reference>", "oci://REGISTRY/REPOSITORY:TAG")
    .option("--plain-http", "talk HTTP, not HTTPS (default only for localhost and 127.0.0.1)")
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<DbOptions & { plainHttp?: boolean }>();
      const out = await pushDb(dbPath(opts), ref, { log: logOf(opts), plainHttp: opts.plainHttp });
      console.log(`${ref}@${out.digest} (${out.bytes} bytes)`);
    });

  db.command("pull")
    .description("pull a database pushed with `vigil db push` and use it")
    .argument("<reference>", "oci://REGISTRY/REPOSITORY:TAG or …@sha256:…")
    .option("--plain-http", "talk HTTP, not HTTPS (default only for localhost and 127.0.0.1)")
    .action(async (ref: string, _opts: unknown, cmd: Command) => {
      const opts = cmd.optsWithGlobals<DbOptions & { plainHttp?: boolean }>();
      const out = await pullDb(ref, dbPath(opts), { log: logOf(opts), plainHttp: opts.plainHttp });
      console.log(`${ref}@${out.digest} → ${out.dbPath} (${out.bytes} bytes)`);
    });
}
