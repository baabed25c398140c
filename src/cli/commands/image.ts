import path from "node:path";
import { Option, type Command } from "commander";
import { cacheDir, dbPath } from "../../config/paths.js";
import { VigilError } from "../../errors.js";
import { createLogger, LOG_LEVELS, type Logger } from "../../log.js";
import { humanBytes } from "../../util/text.js";
import type { Severity } from "../../match/types.js";
import { selectReport, shownReport, type ScanResult } from "../../report/model.js";
import type { ReportFormat } from "../../report/formats.js";
import { DEFAULT_MAX_LAYER_BYTES } from "../../scan/inventory.js";
import { loadConfig } from "../../config/file.js";
import { DEFAULT_SCANNERS, SCANNERS, scanImages, type ScannerName } from "../../scan/scan.js";
import { ALL_PLATFORMS } from "../../source/index.js";
import {
  renderPlatformsJson,
  renderPlatformsTable,
  type PlatformReport,
} from "../../report/platforms.js";
import { addRegistryOptions, registryFrom, type RegistryFlags } from "../registry-options.js";
import { parseExitCode, parseFormat, parseList, parseSeverities, parseSize } from "../options.js";
import { checkWritable, emit } from "../output.js";
import { Progress } from "../progress.js";
import { addLayerCacheOptions, layerCacheFrom, type LayerCacheFlags } from "./cache.js";
import { addFreshnessOptions, freshnessFrom, type FreshnessFlags } from "./db.js";
import {
  addFormatOptions,
  addPolicyOptions,
  applyPolicy,
  exitCodeFor,
  loadPolicyFlags,
  readTemplate,
  type PolicyFlags,
} from "./policy.js";

export interface ImageOptions extends FreshnessFlags, LayerCacheFlags, RegistryFlags, PolicyFlags {
  scanners?: ScannerName[];
  matchOsOwned?: boolean;
  config?: string;
  platform?: string;
  format: ReportFormat;
  output?: string;
  severity?: Severity[];
  ignoreUnfixed?: boolean;
  exitCode: number;
  quiet?: boolean;
  db?: string;
  cacheDir?: string;
  maxLayerSize?: number;
  logLevel: string;
  logFormat: "text" | "json";
}

export function registerImageCommand(program: Command): void {
  const image = program
    .command("image")
    .description("scan an image: its OS packages and their known vulnerabilities")
    .argument(
      "<reference>",
      "REGISTRY/REPO:TAG, oci:DIR[:TAG|@DIGEST], oci-archive:FILE, docker-archive:FILE, sbom:FILE, or a path",
    )
    .option(
      "--platform <os/arch[/variant]|all>",
      "image to pick from a multi-platform index (default linux/amd64); all: every one",
    );
  addRegistryOptions(addLayerCacheOptions(addReportOptions(image)))
    .addOption(
      new Option("--max-layer-size <size>", "largest uncompressed layer, e.g. 16G")
        .argParser(parseSize)
        .default(DEFAULT_MAX_LAYER_BYTES, humanBytes(DEFAULT_MAX_LAYER_BYTES)),
    )
    .addHelpText(
      "after",
      `
Examples:
  vigil image registry.example.com/team/app:1.4 --platform all
  vigil image oci:./debian-app.oci:latest
  vigil image docker-archive:app.tar --format json --output report.json
  vigil image app.oci.tar --severity CRITICAL,HIGH --ignore-unfixed --exit-code 1
  vigil image sbom:app.cdx.json`,
    )
    .action((reference: string, opts: ImageOptions) => scanAndReport(reference, opts));
}

/** The report, filter, policy, database and logging options `image` and `sbom scan` share. */
export function addReportOptions(cmd: Command): Command {
  return addFormatOptions(addPolicyOptions(addFreshnessOptions(cmd)))
    .option("-s, --severity <list>", "only these severities, comma-separated", parseSeverities)
    .option("--ignore-unfixed", "hide vulnerabilities that have no fixed version yet")
    .option(
      "--match-os-owned",
      "also match language packages an OS package installed against upstream advisories",
    )
    .option(
      "--exit-code <n>",
      "exit with this code when anything is reported (after filters); with --policy, when it denies",
      parseExitCode,
      0,
    )
    .addOption(
      new Option("--scanners <list>", `what to look for: ${SCANNERS.join(", ")}`)
        .argParser(parseList(SCANNERS))
        .default([...DEFAULT_SCANNERS], DEFAULT_SCANNERS.join(",")),
    )
    .addOption(
      new Option("--config <file>", "vigil.yaml: custom and allowed secrets, license classes").env(
        "VIGIL_CONFIG",
      ),
    )
    .option("-q, --quiet", "no progress and no warnings on stderr")
    .option("--db <file>", "vulnerability database (default: in the cache directory)")
    .option(
      "--cache-dir <dir>",
      "cache directory (default $XDG_CACHE_HOME/vigil or ~/.cache/vigil)",
    )
    .option("--log-level <level>", "error, warn, info or debug", parseFormat(LOG_LEVELS), "warn")
    .option(
      "--log-format <format>",
      "text or json",
      parseFormat(["text", "json"] as const),
      "text",
    );
}

/** Scans, filters, renders and sets the exit code: the whole of `vigil image`. */
export async function scanAndReport(reference: string, opts: ImageOptions): Promise<void> {
  const log = createLogger({
    level: opts.quiet ? "error" : opts.logLevel,
    format: opts.logFormat,
  });
  const everyPlatform = opts.platform === ALL_PLATFORMS;
  if (opts.output) await checkWritable(opts.output);
  // Policy, exceptions, VEX and template are read first: a typo fails before the scan.
  const policy = await loadPolicyFlags(opts);
  const template = await readTemplate(opts);
  if (everyPlatform && opts.format !== "table" && opts.format !== "json") {
    throw new VigilError("BAD_OPTION", `--format ${opts.format} describes one image`, {
      hint: "with --platform all use table or json, or name one platform",
    });
  }

  const results = await scanAll(reference, opts, log);
  const reports = await Promise.all(
    results.map((scanned) =>
      applyPolicy(
        selectReport(scanned, { severities: opts.severity, ignoreUnfixed: opts.ignoreUnfixed }),
        policy,
      ),
    ),
  );
  // Renderers load on use: a warm rescan should not pay for every format's libraries.
  const { renderReport } = await import("../../report/render.js");

  const [first] = reports as [(typeof reports)[number]];
  const text = everyPlatform
    ? renderPlatforms(reference, reports, opts)
    : renderReport(opts.format, first.result, first.findings, { color: useColor(opts), template });
  await emit(text, opts.output);
  // Every platform must pass: the first that fails sets the code.
  const codes = reports.map((r) => exitCodeFor(r.result.policy, r.reported, opts));
  const code = codes.find((c) => c !== 0) ?? 0;
  if (code !== 0) process.exitCode = code;
}

/** One image's scan, for commands that compare or re-use a single result (`vigil diff`). */
export async function runScan(
  reference: string,
  opts: ImageOptions,
  log: Logger,
): Promise<ScanResult> {
  const [result] = await scanAll(reference, opts, log);
  return result as ScanResult;
}

async function scanAll(reference: string, opts: ImageOptions, log: Logger): Promise<ScanResult[]> {
  const progress = new Progress("reading layers", !opts.quiet);
  const cache = layerCacheFrom(opts);
  let cached = 0;
  try {
    const results = await scanImages(reference, {
      cache,
      scanners: opts.scanners,
      matchOsOwned: opts.matchOsOwned,
      config: opts.config ? await loadConfig(opts.config) : undefined,
      onLayer: (e) => (cached += e.cached ? 1 : 0),
      platform: opts.platform,
      registry: await registryFrom(opts),
      maxLayerBytes: opts.maxLayerSize,
      spillDir: path.join(cacheDir(opts.cacheDir), "tmp"),
      dbPath: dbPath(opts),
      log,
      freshness: freshnessFrom(opts, log),
      onProgress: (e) => progress.add(e.bytes),
    });
    progress.done();
    const layers = results.reduce((n, r) => n + r.inventory.image.layers.length, 0);
    log.info({ layers, cached }, "layers from the cache");
    if (cache?.writeError) {
      log.warn({ dir: cache.dir }, `layer cache not written: ${cache.writeError.message}`);
    }
    for (const w of results.flatMap((r) => r.inventory.warnings)) {
      log.warn(
        { layer: w.layer === undefined ? undefined : w.layer + 1, path: w.path, line: w.line },
        w.message,
      );
    }
    return results;
  } finally {
    progress.done();
  }
}

function renderPlatforms(reference: string, reports: PlatformReport[], opts: ImageOptions) {
  if (opts.format === "json") return renderPlatformsJson(reference, reports);
  // The table leaves out what an exception or VEX statement ignored, as for one image.
  const shown = reports.map((r) => shownReport(r.result, r.findings));
  return renderPlatformsTable(shown, { color: useColor(opts) });
}

function useColor(opts: ImageOptions): boolean {
  return !opts.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
}

// `sbom` and `config` write their reports the same way.
export { checkWritable, emit };
