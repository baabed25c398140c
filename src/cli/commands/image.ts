import { constants } from "node:fs";
import { access, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { Option, type Command } from "commander";
import { cacheDir, dbPath } from "../../config/paths.js";
import { VigilError } from "../../errors.js";
import { createLogger, LOG_LEVELS, type Logger } from "../../log.js";
import { humanBytes } from "../../util/text.js";
import type { Severity } from "../../match/types.js";
import { renderJson } from "../../report/json.js";
import { renderVdr } from "../../report/vdr.js";
import { selectFindings, type ScanResult } from "../../report/model.js";
import { renderTable } from "../../report/table.js";
import { DEFAULT_MAX_LAYER_BYTES } from "../../scan/inventory.js";
import { scanImage } from "../../scan/scan.js";
import { parseExitCode, parseFormat, parseSeverities, parseSize } from "../options.js";
import { Progress } from "../progress.js";
import { addLayerCacheOptions, layerCacheFrom, type LayerCacheFlags } from "./cache.js";
import { addFreshnessOptions, freshnessFrom, type FreshnessFlags } from "./db.js";

const FORMATS = ["table", "json", "cyclonedx-vdr"] as const;

export interface ImageOptions extends FreshnessFlags, LayerCacheFlags {
  platform?: string;
  format: (typeof FORMATS)[number];
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
      "oci:DIR[:TAG|@DIGEST], oci-archive:FILE, docker-archive:FILE, sbom:FILE, or a path",
    )
    .option(
      "--platform <os/arch[/variant]>",
      "image to pick from a multi-platform index (default linux/amd64)",
    );
  addLayerCacheOptions(addReportOptions(image))
    .addOption(
      new Option("--max-layer-size <size>", "largest uncompressed layer, e.g. 16G")
        .argParser(parseSize)
        .default(DEFAULT_MAX_LAYER_BYTES, humanBytes(DEFAULT_MAX_LAYER_BYTES)),
    )
    .addHelpText(
      "after",
      `
Examples:
  vigil image oci:./debian-app.oci:latest
  vigil image docker-archive:app.tar --format json --output report.json
  vigil image app.oci.tar --severity CRITICAL,HIGH --ignore-unfixed --exit-code 1
  vigil image sbom:app.cdx.json`,
    )
    .action((reference: string, opts: ImageOptions) => scanAndReport(reference, opts));
}

/** The report, filter, database and logging options `image` and `sbom scan` share. */
export function addReportOptions(cmd: Command): Command {
  return addFreshnessOptions(cmd)
    .option(
      "-f, --format <format>",
      `report format: ${FORMATS.join(", ")}`,
      parseFormat(FORMATS),
      "table",
    )
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option("-s, --severity <list>", "only these severities, comma-separated", parseSeverities)
    .option("--ignore-unfixed", "hide vulnerabilities that have no fixed version yet")
    .option(
      "--exit-code <n>",
      "exit with this code when vulnerabilities are reported",
      parseExitCode,
      0,
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
  if (opts.output) await checkWritable(opts.output);
  const result = await runScan(reference, opts, log);
  const findings = selectFindings(result.findings, {
    severities: opts.severity,
    ignoreUnfixed: opts.ignoreUnfixed,
  });

  await emit(render(result, findings, opts), opts.output);
  if (findings.length > 0 && opts.exitCode !== 0) process.exitCode = opts.exitCode;
}

async function runScan(reference: string, opts: ImageOptions, log: Logger): Promise<ScanResult> {
  const progress = new Progress("reading layers", !opts.quiet);
  const cache = layerCacheFrom(opts);
  let cached = 0;
  try {
    const result = await scanImage(reference, {
      cache,
      onLayer: (e) => (cached += e.cached ? 1 : 0),
      platform: opts.platform,
      maxLayerBytes: opts.maxLayerSize,
      spillDir: path.join(cacheDir(opts.cacheDir), "tmp"),
      dbPath: dbPath(opts),
      log,
      freshness: freshnessFrom(opts, log),
      onProgress: (e) => progress.add(e.bytes),
    });
    progress.done();
    log.info({ layers: result.inventory.image.layers.length, cached }, "layers from the cache");
    if (cache?.writeError) {
      log.warn({ dir: cache.dir }, `layer cache not written: ${cache.writeError.message}`);
    }
    for (const w of result.inventory.warnings) {
      log.warn(
        { layer: w.layer === undefined ? undefined : w.layer + 1, path: w.path, line: w.line },
        w.message,
      );
    }
    return result;
  } finally {
    progress.done();
  }
}

function render(
  result: ScanResult,
  findings: ReturnType<typeof selectFindings>,
  opts: ImageOptions,
) {
  if (opts.format === "json") return renderJson(result, findings);
  if (opts.format === "cyclonedx-vdr") return renderVdr(result, findings);
  const color = !opts.output && process.stdout.isTTY === true && !process.env.NO_COLOR;
  return renderTable(result, findings, { color });
}

export async function emit(text: string, output: string | undefined): Promise<void> {
  if (!output) {
    process.stdout.write(text);
    return;
  }
  try {
    await writeFile(output, text);
  } catch (err) {
    throw new VigilError("IO", `cannot write ${output}: ${(err as Error).message}`, { cause: err });
  }
}

/** A report that cannot be written should fail before minutes of scanning, not after. */
export async function checkWritable(output: string): Promise<void> {
  const dir = path.dirname(path.resolve(output));
  const info = await stat(output).catch(() => undefined);
  if (info?.isDirectory()) {
    throw new VigilError("IO", `--output ${output} is a directory`, { hint: "name a file" });
  }
  await access(dir, constants.W_OK).catch((err: unknown) => {
    throw new VigilError("IO", `--output ${output}: cannot write in ${dir}`, {
      cause: err,
      hint: "create the directory first, or choose another path",
    });
  });
}
