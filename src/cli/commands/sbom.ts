import path from "node:path";
import type { Command } from "commander";
import { cacheDir } from "../../config/paths.js";
import { createLogger } from "../../log.js";
import { DEFAULT_MAX_LAYER_BYTES, inventoryImage } from "../../scan/inventory.js";
import { SBOM_PREFIX } from "../../scan/scan.js";
import {
  CYCLONEDX_VERSIONS,
  SBOM_FORMATS,
  type CycloneDxVersion,
  type SbomFormat,
} from "../../sbom/formats.js";
import { documentIdentity } from "../../sbom/identity.js";
import { parseFormat, parseSize } from "../options.js";
import { Progress } from "../progress.js";
import { addRegistryOptions, registryFrom, type RegistryFlags } from "../registry-options.js";
import { addLayerCacheOptions, layerCacheFrom, type LayerCacheFlags } from "./cache.js";
import {
  addReportOptions,
  checkWritable,
  emit,
  scanAndReport,
  type ImageOptions,
} from "./image.js";

interface SbomOptions extends RegistryFlags, LayerCacheFlags {
  format: SbomFormat;
  specVersion: CycloneDxVersion;
  output?: string;
  deterministic?: boolean;
  platform?: string;
  maxLayerSize: number;
  quiet?: boolean;
  logLevel: string;
  logFormat: "text" | "json";
}

export function registerSbomCommand(program: Command): void {
  const sbom = program
    .command("sbom")
    .description("write an image's SBOM (CycloneDX or SPDX), or scan an SBOM (`sbom scan FILE`)")
    // `sbom scan FILE -f json`: options after `scan` are the scan's own.
    .enablePositionalOptions()
    .argument(
      "<image>",
      "REGISTRY/REPO:TAG, oci:DIR[:TAG|@DIGEST], oci-archive:FILE, docker-archive:FILE, or a path",
    )
    .option(
      "-f, --format <format>",
      `SBOM format: ${SBOM_FORMATS.join(", ")}`,
      parseFormat(SBOM_FORMATS),
      "cyclonedx-json",
    )
    .option(
      "--spec-version <version>",
      `CycloneDX version: ${CYCLONEDX_VERSIONS.join(", ")} (SPDX is always 2.3)`,
      parseFormat(CYCLONEDX_VERSIONS),
      "1.6",
    )
    .option("-o, --output <file>", "write the SBOM to a file instead of stdout")
    .option(
      "--deterministic",
      "fixed timestamp and content-derived serial number (also: SOURCE_DATE_EPOCH)",
    )
    .option(
      "--platform <os/arch[/variant]>",
      "image to pick from a multi-platform index (default linux/amd64)",
    )
    .option(
      "--max-layer-size <size>",
      "largest uncompressed layer, e.g. 16G",
      parseSize,
      DEFAULT_MAX_LAYER_BYTES,
    )
    .option("-q, --quiet", "no progress and no warnings on stderr")
    .option(
      "--cache-dir <dir>",
      "cache directory (default $XDG_CACHE_HOME/vigil or ~/.cache/vigil)",
    )
    .option("--log-level <level>", "error, warn, info or debug", "warn")
    .option(
      "--log-format <format>",
      "text or json",
      parseFormat(["text", "json"] as const),
      "text",
    );
  addLayerCacheOptions(addRegistryOptions(sbom))
    .addHelpText(
      "after",
      `
Examples:
  vigil sbom oci:./app.oci:latest --output app.cdx.json
  vigil sbom app.tar --format spdx-json --deterministic
  vigil sbom scan app.cdx.json --severity HIGH,CRITICAL`,
    )
    .action(async (image: string, opts: SbomOptions) => {
      const log = createLogger({
        level: opts.quiet ? "error" : opts.logLevel,
        format: opts.logFormat,
      });
      if (opts.output) await checkWritable(opts.output);
      const progress = new Progress("reading layers", !opts.quiet);
      const inventory = await inventoryImage(image, {
        cache: layerCacheFrom(opts),
        spillDir: path.join(cacheDir(opts.cacheDir), "tmp"),
        platform: opts.platform,
        registry: await registryFrom(opts),
        log,
        maxLayerBytes: opts.maxLayerSize,
        onProgress: (e) => progress.add(e.bytes),
      }).finally(() => progress.done());

      for (const w of inventory.warnings) {
        log.warn(
          { layer: w.layer === undefined ? undefined : w.layer + 1, path: w.path },
          w.message,
        );
      }
      const identity = documentIdentity(inventory.image, { deterministic: opts.deterministic });
      const { renderSbom } = await import("../../sbom/render.js");
      const text = renderSbom(inventory, {
        format: opts.format,
        specVersion: opts.specVersion,
        identity,
      });
      await emit(text, opts.output);
    });

  const scan = sbom
    .command("scan")
    .description("match an SBOM (CycloneDX 1.2-1.6, SPDX 2.2/2.3) against the vulnerability DB")
    .argument("<file>", "CycloneDX JSON or XML, SPDX JSON or tag-value");
  addReportOptions(scan).action((file: string, opts: ImageOptions) =>
    scanAndReport(`${SBOM_PREFIX}${file}`, opts),
  );
}
