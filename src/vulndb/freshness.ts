// Feed freshness as a scan sees it: a missing or stale DB is updated before
// the scan (unless offline), and data older than the threshold is said out
// loud rather than silently trusted.
import { existsSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";

import { VigilError } from "../errors.js";
import { VulnDb, type FeedStatus } from "./db.js";
import { lockHeld } from "./lock.js";
import type { UpdateOptions } from "./update.js";

/** The updater (and with it the importers) loads only when a scan must update. */
async function update(dbPath: string, opts: UpdateOptions) {
  const { updateDb } = await import("./update.js");
  return updateDb(dbPath, opts);
}

/** How long a scan waits for another vigil's update of the same DB. */
const WAIT_FOR_UPDATE_MS = 15 * 60_000;

/**
 * Parallel CI jobs on one cache all find the DB missing or stale at once: one
 * updates, the others wait for its lock to go and then scan with its DB.
 * True when another process updated it, false when this one did.
 */
async function updateOrWait(dbPath: string, opts: FreshnessOptions): Promise<boolean> {
  try {
    // Feeds that failed while others worked are the update's own warning.
    await update(dbPath, { ...opts.update, log: opts.log });
    return false;
  } catch (err) {
    if (!(err instanceof VigilError) || err.code !== "DB_LOCKED") throw err;
  }

  const lock = `${path.resolve(dbPath)}.lock`;
  opts.log.info({ db: dbPath }, "another vigil is updating the vulnerability DB; waiting for it");
  const deadline = Date.now() + WAIT_FOR_UPDATE_MS;
  while (lockHeld(lock)) {
    if (Date.now() > deadline) {
      throw new VigilError(
        "DB_LOCKED",
        `the vulnerability DB at ${dbPath} is still being updated`,
        {
          hint: "waited 15 minutes for the other update; try again, or scan with --offline",
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

export const DEFAULT_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

export interface FreshnessOptions {
  /** Never download: use what is there (warn when stale); no DB is an error. */
  offline: boolean;
  /** Older than this is stale (default 7 days). */
  maxAgeMs: number;
  update: UpdateOptions;
  log: Logger;
}

/** "3 days", "5 hours": ages as people read them. */
export function describeAge(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  const hours = ms / 3_600_000;
  if (hours < 1) return plural(Math.max(0, Math.round(ms / 60_000)), "minute");
  if (hours < 48) return plural(Math.round(hours), "hour");
  return plural(Math.round(hours / 24), "day");
}

/**
 * When the DB was last written, from its meta. A file that is not a vigil DB
 * is an error here, before any download: it is the user's file, not ours to
 * replace, and a network round first would only delay the message.
 */
function lastUpdate(dbPath: string): number | undefined {
  const db = VulnDb.open(dbPath);
  try {
    const at = db.meta().updatedAt;
    return at ? Date.parse(at) : undefined;
  } finally {
    db.close();
  }
}

/**
 * Makes sure there is a DB to scan with: downloads one when there is none,
 * refreshes one older than maxAge, and in offline mode only warns. A failed
 * refresh of an existing DB is a warning; the scan goes on with what is there.
 * With no DB and no feed reachable the scan stops: an empty DB would pass
 * every image.
 */
export async function ensureFresh(dbPath: string, opts: FreshnessOptions): Promise<void> {
  const { log } = opts;
  if (!existsSync(dbPath)) {
    if (opts.offline) {
      throw new VigilError("DB_MISSING", `no vulnerability DB at ${dbPath}, and --offline is set`, {
        hint: "run `vigil db update` where the feeds can be reached, or `vigil db import` a DB file built elsewhere",
      });
    }
    log.info({ db: dbPath }, "no vulnerability DB yet; downloading the feeds");
    const waited = await updateOrWait(dbPath, opts);
    // Another process's update failed: its own output says why; no second round of downloads.
    if (waited && !existsSync(dbPath)) {
      throw new VigilError("DB_MISSING", `another vigil's update of ${dbPath} built no DB`, {
        hint: "run `vigil db update` to see why, or `vigil db import` a DB file built elsewhere",
      });
    }
    return;
  }

  const updatedAt = lastUpdate(dbPath);
  const age = updatedAt === undefined ? Infinity : Date.now() - updatedAt;
  if (age <= opts.maxAgeMs) return;

  const told = Number.isFinite(age) ? `${describeAge(age)} old` : "of unknown age";
  if (opts.offline) {
    log.warn({ db: dbPath }, `vulnerability data is ${told}; --offline, so it is used as it is`);
    return;
  }
  log.info({ db: dbPath }, `vulnerability data is ${told}; updating`);
  try {
    await updateOrWait(dbPath, opts);
  } catch (err) {
    log.warn(
      { reason: err instanceof Error ? err.message : String(err) },
      `cannot update the vulnerability DB; scanning with data ${told}`,
    );
  }
}

/** Feeds whose last success is older than maxAge, for the scan's warning. */
export function staleFeeds(feeds: FeedStatus[], maxAgeMs: number, now = Date.now()): FeedStatus[] {
  return feeds.filter((f) => now - Date.parse(f.checkedAt) > maxAgeMs);
}
