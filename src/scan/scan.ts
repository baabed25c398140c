import type { Logger } from "../log.js";
import { matchInventory } from "../match/matcher.js";
import type { DatabaseSummary, ScanResult } from "../report/model.js";
// db.js, not index.js: a scan need not load the importers (zip, CVSS).
import { VulnDb } from "../vulndb/db.js";
import { ensureFresh, staleFeeds, type FreshnessOptions } from "../vulndb/freshness.js";
import { VigilError } from "../errors.js";
import { ALL_PLATFORMS, openImages, type ImageSource } from "../source/index.js";
import type { RegistryOptions } from "../source/types.js";
import { readSbomFile } from "../sbom/read/index.js";
import type { VigilConfig } from "../config/file.js";
import { finishSecrets, secretScannerFor } from "../secrets/collect.js";
import { inventorySource, type InventoryOptions, type SharedLayers } from "./inventory.js";

/** `sbom:FILE`: scan an SBOM instead of an image; its packages skip the layers. */
export const SBOM_PREFIX = "sbom:";

export interface ScanOptions extends InventoryOptions {
  dbPath: string;
  log: Logger;
  /** Update a missing or stale DB first (unless offline), and warn about stale feeds. */
  freshness?: FreshnessOptions;
  /** `--config`: custom and allowed secrets. */
  config?: VigilConfig;
  /** Look for secrets in every layer and the image config (default true). */
  secrets?: boolean;
  /** How to reach registries. */
  registry?: RegistryOptions;
}

/** One image scan: inventory from the layers, then matching against the local DB. */
export async function scanImage(reference: string, opts: ScanOptions): Promise<ScanResult> {
  if (opts.platform === ALL_PLATFORMS) {
    throw new VigilError("BAD_OPTION", "--platform all gives one result per platform", {
      hint: "use scanImages",
    });
  }
  const [result] = await scanImages(reference, opts);
  return result as ScanResult;
}

/**
 * Every image the reference and `--platform` pick (one, unless `all`), each
 * with its own result; a layer the images share is read once.
 */
export async function scanImages(reference: string, opts: ScanOptions): Promise<ScanResult[]> {
  if (reference.startsWith(SBOM_PREFIX)) return [await scanSbom(reference, opts)];

  // Resolve the image, then open the DB, and only then read layers: a bad
  // reference or a missing DB fails in milliseconds, not after minutes.
  const sources = await openImages(reference, {
    platform: opts.platform,
    registry: opts.registry,
    log: opts.log,
  });
  try {
    if (opts.freshness) await ensureFresh(opts.dbPath, opts.freshness);
    const db = VulnDb.open(opts.dbPath);
    try {
      if (opts.freshness) warnStale(db, opts.freshness.maxAgeMs, opts.log);
      const shared: SharedLayers = new Map();
      const results: ScanResult[] = [];
      for (const source of sources) results.push(await scanSource(source, db, shared, opts));
      return results;
    } finally {
      db.close();
    }
  } finally {
    for (const source of sources) source.close?.();
  }
}

async function scanSource(
  source: ImageSource,
  db: VulnDb,
  shared: SharedLayers,
  opts: ScanOptions,
): Promise<ScanResult> {
  const scanner = opts.secrets === false ? undefined : secretScannerFor(opts.config);
  const scanners = scanner ? [scanner] : undefined;
  const inventory = await inventorySource(source, { ...opts, scanners, shared });
  if (scanner) finishSecrets(inventory, source.config, scanner, opts.config?.secrets.allow ?? []);
  opts.log.info(
    { packages: inventory.packages.length, os: inventory.os?.family },
    "inventory built",
  );

  const findings = matchInventory(inventory, db);
  opts.log.info({ findings: findings.length }, "matched against the vulnerability DB");
  return { inventory, findings, database: summarize(db) };
}

/** The same matching for an SBOM's inventory; the file is read before the DB is opened. */
async function scanSbom(reference: string, opts: ScanOptions): Promise<ScanResult> {
  const file = reference.slice(SBOM_PREFIX.length);
  const inventory = await readSbomFile(file, { reference });
  const db = VulnDb.open(opts.dbPath);
  try {
    opts.log.info({ packages: inventory.packages.length, os: inventory.os?.family }, "SBOM read");
    const findings = matchInventory(inventory, db);
    return { inventory, findings, database: summarize(db) };
  } finally {
    db.close();
  }
}

function summarize(db: VulnDb): DatabaseSummary {
  return {
    path: db.path,
    schemaVersion: db.meta().schemaVersion,
    feeds: db.feeds().map((f) => ({ name: f.name, importedAt: f.importedAt, records: f.records })),
  };
}

function warnStale(db: VulnDb, maxAgeMs: number, log: Logger): void {
  const stale = staleFeeds(db.feeds(), maxAgeMs);
  if (stale.length === 0) return;
  const oldest = stale.reduce((a, b) => (a.checkedAt < b.checkedAt ? a : b));
  log.warn(
    { feeds: stale.map((f) => f.name).join(","), oldest: oldest.checkedAt },
    `${stale.length} feed(s) older than the --db-max-age threshold; findings may be missing (run \`vigil db update\`)`,
  );
}
