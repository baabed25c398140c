import { availableParallelism } from "node:os";
import path from "node:path";
import { analyzers as allAnalyzers } from "../analyzers/index.js";
import { LayerCache } from "../cache/layer-cache.js";
import type { AnyAnalyzer } from "../analyzers/types.js";
import { cacheDir } from "../config/paths.js";
import { VigilError } from "../errors.js";
import { buildInventory } from "../inventory/build.js";
import type { Inventory } from "../inventory/types.js";
import type { ContentScanner, LayerAnalysis } from "../layers/types.js";
import { DEFAULT_SPILL_ABOVE_BYTES } from "../layers/spill.js";
import { walkLayer } from "../layers/walk.js";
import { decodeAnalysis, encodeAnalysis, moveToIndex } from "../cache/serialize.js";
import { openImage } from "../source/index.js";
import type { ImageSource, LayerBlob, SourceOptions } from "../source/types.js";

export interface InventoryOptions {
  platform?: string;
  maxLayerBytes?: number;
  analyzers?: readonly AnyAnalyzer[];
  /** Where files too big for memory are copied while analysed (default `<cache dir>/tmp`). */
  spillDir?: string;
  /** Files bigger than this are spilled rather than held in memory (default 32 MiB). */
  spillAboveBytes?: number;
  /** Called with uncompressed bytes as layers are read, for progress display. */
  onProgress?: (event: { layer: number; layers: number; bytes: number }) => void;
  /** Run over every text file of every layer (the secret scanner); none when absent. */
  contentScanners?: readonly ContentScanner[];
  /** Layer analyses kept between scans; none when absent (`--no-cache`). */
  cache?: LayerCache;
  /** Called once per layer: whether it came from the cache or was read. */
  onLayer?: (event: { layer: number; diffId: string; cached: boolean }) => void;
  /** Layers read in this run, by diffID: images of one index read a shared layer once. */
  shared?: SharedLayers;
}

export type SharedLayers = Map<string, Promise<LayerAnalysis>>;

export const DEFAULT_MAX_LAYER_BYTES = 16 * 1024 ** 3;

/** Opens the image, reads every layer once (several at a time), and merges. */
export async function inventoryImage(
  reference: string,
  opts: InventoryOptions & Pick<SourceOptions, "registry" | "log"> = {},
): Promise<Inventory> {
  const source = await openImage(reference, opts);
  try {
    return await inventorySource(source, opts);
  } finally {
    source.close?.();
  }
}

/** The same, for an image already resolved. */
export async function inventorySource(
  source: ImageSource,
  opts: InventoryOptions = {},
): Promise<Inventory> {
  const readers = readerSetVersion(opts.analyzers ?? allAnalyzers, opts.contentScanners);
  const analyses = await mapLimit(source.layers, concurrency(), (layer) =>
    sharedLayer(layer, opts.shared, () => analyseLayer(source, layer, readers, opts)),
  );
  await opts.cache?.trimIfWritten();
  return buildInventory(source, analyses, opts.analyzers ?? allAnalyzers);
}

/**
 * A layer another image of this run read (or is reading) is not read again;
 * each image gets its own copy, moved to the layer's index in that image.
 */
async function sharedLayer(
  layer: LayerBlob,
  shared: SharedLayers | undefined,
  read: () => Promise<LayerAnalysis>,
): Promise<LayerAnalysis> {
  if (!shared || !LayerCache.cacheable(layer.diffId)) return read();

  const earlier = shared.get(layer.diffId);
  if (!earlier) {
    const reading = read();
    shared.set(layer.diffId, reading);
    return reading;
  }
  const analysis = await earlier;
  const copy = decodeAnalysis(encodeAnalysis(analysis, ""), analysis.diffId, "");
  if (!copy) throw new Error(`layer ${layer.diffId}: the analysis did not copy`);
  copy.digest = layer.digest;
  return moveToIndex(copy, layer.index);
}

/**
 * What a read would have refused is refused from the cache too: a local blob
 * whose size is not its descriptor's (truncated or replaced since it was
 * read), and a layer bigger than --max-layer-size.
 */
async function checkCachedLayer(
  layer: LayerBlob,
  cached: LayerAnalysis,
  maxLayerBytes: number,
  source: ImageSource,
): Promise<void> {
  const where = `${source.reference}: layer ${layer.index + 1} (${layer.digest ?? layer.diffId})`;
  // A docker archive states no sizes: the one the blob had when it was verified stands in.
  const expected = layer.size ?? cached.compressedBytes;
  const stored = await layer.storedSize?.();
  if (stored !== undefined && stored !== expected) {
    throw new VigilError(
      "DIGEST_MISMATCH",
      `${where}: the blob is ${stored} bytes, ${layer.size === undefined ? "it was" : "the manifest says"} ${expected}`,
      { hint: "the layer is truncated or corrupt; fetch the image again" },
    );
  }
  if (cached.uncompressedBytes > maxLayerBytes) {
    throw new VigilError("LIMIT_EXCEEDED", `${where}: expands past ${maxLayerBytes} bytes`, {
      hint: "a decompression bomb, or raise --max-layer-size",
    });
  }
}

/**
 * The manifest names the blob the entry was made from. Another blob with the
 * same diff ID (another compression, or a manifest pointing elsewhere since)
 * is read and verified, not trusted on the config's word alone.
 */
function sameBlob(layer: LayerBlob, cached: LayerAnalysis): boolean {
  return (
    layer.digest === undefined || cached.digest === undefined || layer.digest === cached.digest
  );
}

/** A cached analysis when there is one: then the blob is not even opened. */
async function analyseLayer(
  source: ImageSource,
  layer: LayerBlob,
  readers: string,
  opts: InventoryOptions,
): Promise<LayerAnalysis> {
  const entry = await opts.cache?.get(layer.diffId, layer.index, readers);
  // Only the blob that was verified when the entry was written is taken as read.
  const cached = entry && sameBlob(layer, entry) ? entry : undefined;
  if (cached) {
    await checkCachedLayer(layer, cached, opts.maxLayerBytes ?? DEFAULT_MAX_LAYER_BYTES, source);
    cached.compressedBytes = layer.size ?? cached.compressedBytes;
    opts.onLayer?.({ layer: layer.index, diffId: layer.diffId, cached: true });
    return cached;
  }

  const analysis = await walkLayer(layer, {
    image: source.reference,
    analyzers: opts.analyzers ?? allAnalyzers,
    scanners: opts.contentScanners,
    maxLayerBytes: opts.maxLayerBytes ?? DEFAULT_MAX_LAYER_BYTES,
    spill: {
      dir: opts.spillDir ?? path.join(cacheDir(), "tmp"),
      aboveBytes: opts.spillAboveBytes ?? DEFAULT_SPILL_ABOVE_BYTES,
    },
    onProgress: (bytes) =>
      opts.onProgress?.({ layer: layer.index, layers: source.layers.length, bytes }),
  });
  opts.onLayer?.({ layer: layer.index, diffId: layer.diffId, cached: false });
  // walkLayer has thrown unless both digests matched: only verified layers get here.
  await opts.cache?.put(analysis, readers);
  return analysis;
}

/**
 * Names everything that read a layer, with versions: a cached analysis is
 * only reused by a scan that would have produced it (a scan with custom
 * secret rules, or one without the secret scanner, keys its own entries).
 */
export function readerSetVersion(
  analyzers: readonly AnyAnalyzer[],
  scanners: readonly ContentScanner[] = [],
): string {
  return [...analyzers, ...scanners].map((r) => `${r.id}@${r.version}`).join(",");
}

/** Decompression runs on libuv's pool; a few more streams than cores keeps it busy. */
function concurrency(): number {
  return Math.max(2, availableParallelism() + 1);
}

async function mapLimit(
  layers: LayerBlob[],
  limit: number,
  fn: (layer: LayerBlob) => Promise<LayerAnalysis>,
): Promise<LayerAnalysis[]> {
  const results: LayerAnalysis[] = new Array(layers.length);
  let next = 0;
  const worker = async () => {
    while (next < layers.length) {
      const i = next++;
      results[i] = await fn(layers[i] as LayerBlob);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, layers.length) }, worker));
  return results;
}
