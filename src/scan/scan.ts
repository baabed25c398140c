import type { VigilConfig } from "../config/file.js";
import { VigilError } from "../errors.js";
import { osCoverageWarning } from "../match/coverage.js";
import type { Inventory } from "../inventory/types.js";
import { classifyLicenses } from "../licenses/findings.js";
import type { Logger } from "../log.js";
import { matchInventory } from "../match/matcher.js";
import { dockerfileNextTo, scanDockerfile } from "../misconfig/dockerfile/scan.js";
import { imageChecks } from "../misconfig/image-checks.js";
import { runChecks } from "../misconfig/types.js";
import type { DatabaseSummary, ScanResult } from "../report/model.js";
import { finishSecrets, secretScannerFor } from "../secrets/collect.js";
import { ALL_PLATFORMS, openImages, type ImageSource } from "../source/index.js";
import type { RegistryOptions } from "../source/types.js";
// db.js, not index.js: a scan need not load the importers (zip, CVSS).
import { VulnDb } from "../vulndb/db.js";
import { ensureFresh, staleFeeds, type FreshnessOptions } from "../vulndb/freshness.js";
import { inventorySource, type InventoryOptions, type SharedLayers } from "./inventory.js";

/** `sbom:FILE`: scan an SBOM instead of an image; its packages skip the layers. */
export const SBOM_PREFIX = "sbom:";

/** What a scan looks for, as `--scanners` names them. */
export const SCANNERS = ["vuln", "secret", "misconfig", "license"] as const;
export type ScannerName = (typeof SCANNERS)[number];
export const DEFAULT_SCANNERS: readonly ScannerName[] = ["vuln", "secret", "misconfig"];

export interface ScanOptions extends InventoryOptions {
  dbPath: string;
  log: Logger;
  /** Update a missing or stale DB first (unless offline), and warn about stale feeds. */
  freshness?: FreshnessOptions;
  /** `--config`: custom and allowed secrets, license classes. */
  config?: VigilConfig;
  /** Default: vuln, secret and misconfig. */
  scanners?: readonly ScannerName[];
  /** Match language packages an OS package installed against upstream advisories too. */
  matchOsOwned?: boolean;
  /** How to reach registries. */
  registry?: RegistryOptions;
}

/** One image scan: inventory from the layers, then each scanner's judgement of it. */
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
  const wanted = new Set(opts.scanners ?? DEFAULT_SCANNERS);

  // Resolve the image, then open the DB, and only then read layers: a bad
  // reference or a missing DB fails in milliseconds, not after minutes.
  const sources = await openImages(reference, {
    platform: opts.platform,
    registry: opts.registry,
    log: opts.log,
  });
  try {
    const db = wanted.has("vuln") ? await openDb(opts) : undefined;
    try {
      const shared: SharedLayers = new Map();
      const results: ScanResult[] = [];
      for (const source of sources) {
        results.push(await scanSource(source, reference, db, wanted, shared, opts));
      }
      return results;
    } finally {
      db?.close();
    }
  } finally {
    for (const source of sources) source.close?.();
  }
}

async function scanSource(
  source: ImageSource,
  reference: string,
  db: VulnDb | undefined,
  wanted: ReadonlySet<ScannerName>,
  shared: SharedLayers,
  opts: ScanOptions,
): Promise<ScanResult> {
  const secrets = wanted.has("secret") ? secretScannerFor(opts.config) : undefined;
  const inventory = await inventorySource(source, {
    ...opts,
    contentScanners: secrets ? [secrets] : undefined,
    shared,
  });
  if (secrets) finishSecrets(inventory, source.config, secrets, opts.config?.secrets.allow ?? []);
  opts.log.info(
    { packages: inventory.packages.length, os: inventory.os?.family },
    "inventory built",
  );

  const result = judge(inventory, db, wanted, opts);
  if (wanted.has("misconfig")) {
    result.misconfigurations = await misconfigurations(source, inventory, reference);
  }
  return result;
}

/** The same matching for an SBOM's inventory; the file is read before the DB is opened. */
async function scanSbom(reference: string, opts: ScanOptions): Promise<ScanResult> {
  const file = reference.slice(SBOM_PREFIX.length);
  // The SBOM readers (XML among them) load only for `sbom:` references.
  const { readSbomFile } = await import("../sbom/read/index.js");
  const inventory = await readSbomFile(file, { reference });
  // An SBOM lists packages, not files or config: only vulnerabilities and licenses apply.
  const asked = opts.scanners ?? DEFAULT_SCANNERS;
  const wanted = new Set(asked.filter((s) => s === "vuln" || s === "license"));
  const db = wanted.has("vuln") ? VulnDb.open(opts.dbPath) : undefined;
  try {
    opts.log.info({ packages: inventory.packages.length, os: inventory.os?.family }, "SBOM read");
    return judge(inventory, db, wanted, opts);
  } finally {
    db?.close();
  }
}

async function openDb(opts: ScanOptions): Promise<VulnDb> {
  if (opts.freshness) await ensureFresh(opts.dbPath, opts.freshness);
  const db = VulnDb.open(opts.dbPath);
  if (opts.freshness) warnStale(db, opts.freshness.maxAgeMs, opts.log);
  return db;
}

/** The findings that need only the inventory: vulnerabilities and licenses. */
function judge(
  inventory: Inventory,
  db: VulnDb | undefined,
  wanted: ReadonlySet<ScannerName>,
  opts: ScanOptions,
): ScanResult {
  const scanners = SCANNERS.filter((s) => wanted.has(s));
  const result: ScanResult = { inventory, findings: [], scanners };
  if (db) {
    result.findings = matchInventory(inventory, db, { matchOsOwned: opts.matchOsOwned });
    const coverage = osCoverageWarning(inventory, db);
    if (coverage) inventory.warnings.push(coverage);
    result.database = summarize(db);
    opts.log.info({ findings: result.findings.length }, "matched against the vulnerability DB");
  }
  if (wanted.has("license")) result.licenses = classifyLicenses(inventory, opts.config?.licenses);
  return result;
}

/** The image's own checks, and a Dockerfile's when one sits next to the image on disk. */
async function misconfigurations(source: ImageSource, inventory: Inventory, reference: string) {
  const found = runChecks(imageChecks, { config: source.config, inventory });
  const dockerfile = await dockerfileNextTo(reference);
  if (!dockerfile) return found;
  try {
    found.push(...(await scanDockerfile(dockerfile)));
  } catch (err) {
    // A file that only shares the name does not stop the image's scan.
    if (!(err instanceof VigilError)) throw err;
    inventory.warnings.push({ code: "DOCKERFILE_SKIPPED", message: err.message, path: dockerfile });
  }
  return found;
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
    {
      feeds: stale
        .slice(0, 3)
        .map((f) => f.name)
        .concat(stale.length > 3 ? [`… ${stale.length - 3} more (vigil db status)`] : [])
        .join(","),
      oldest: oldest.checkedAt,
    },
    `${stale.length} feed(s) older than the --db-max-age threshold; findings may be missing (run \`vigil db update\`)`,
  );
}
