import path from "node:path";
import { Option, type Command } from "commander";
import { DEFAULT_CACHE_MAX_BYTES, LayerCache } from "../../cache/layer-cache.js";
import { cacheDir } from "../../config/paths.js";
import { humanBytes } from "../../util/text.js";
import { parseSize } from "../options.js";

export interface LayerCacheFlags {
  cacheDir?: string;
  /** false with `--no-cache`. */
  cache?: boolean;
  cacheMaxSize?: number;
}

/** `--no-cache` and `--cache-max-size`, for the commands that read layers. */
export function addLayerCacheOptions(cmd: Command): Command {
  return cmd
    .option("--no-cache", "neither read nor write the layer cache")
    .addOption(cacheMaxSizeOption());
}

function cacheMaxSizeOption(): Option {
  return new Option("--cache-max-size <size>", "layer cache size limit, e.g. 2G")
    .argParser(parseSize)
    .env("VIGIL_CACHE_MAX_SIZE")
    .default(DEFAULT_CACHE_MAX_BYTES, humanBytes(DEFAULT_CACHE_MAX_BYTES));
}

/** The layer cache a scan uses, or none with `--no-cache`. */
export function layerCacheFrom(opts: LayerCacheFlags): LayerCache | undefined {
  if (opts.cache === false) return undefined;
  return new LayerCache({
    dir: path.join(cacheDir(opts.cacheDir), "layers"),
    maxBytes: opts.cacheMaxSize,
  });
}

export function registerCacheCommands(program: Command): void {
  const cache = program.command("cache").description("the layer cache: what is in it, clearing it");

  cache
    .command("info")
    .description("where the layer cache is, how many layers and bytes it holds")
    .option(
      "--cache-dir <dir>",
      "cache directory (default $XDG_CACHE_HOME/vigil or ~/.cache/vigil)",
    )
    .addOption(cacheMaxSizeOption())
    .option("--json", "print JSON")
    .action(async (opts: LayerCacheFlags & { json?: boolean }) => {
      const stats = await (layerCacheFrom(opts) as LayerCache).stats();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `layer cache: ${stats.dir}\n` +
          `${stats.entries} layer(s), ${mib(stats.bytes)} of ${humanBytes(stats.maxBytes)}\n`,
      );
    });

  cache
    .command("clean")
    .description("remove every cached layer analysis")
    .option(
      "--cache-dir <dir>",
      "cache directory (default $XDG_CACHE_HOME/vigil or ~/.cache/vigil)",
    )
    .action(async (opts: LayerCacheFlags) => {
      const removed = await (layerCacheFrom({ ...opts, cache: true }) as LayerCache).clean();
      process.stdout.write(`removed ${removed} cached layer(s)\n`);
    });
}

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
