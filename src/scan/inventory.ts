import { availableParallelism } from "node:os";
import { analyzers as allAnalyzers } from "../analyzers/index.js";
import type { Analyzer } from "../analyzers/types.js";
import { buildInventory } from "../inventory/build.js";
import type { Inventory } from "../inventory/types.js";
import type { LayerAnalysis } from "../layers/types.js";
import { walkLayer } from "../layers/walk.js";
import { openImage } from "../source/index.js";
import type { ImageSource, LayerBlob } from "../source/types.js";

export interface InventoryOptions {
  platform?: string;
  maxLayerBytes?: number;
  analyzers?: readonly Analyzer[];
  /** Called with uncompressed bytes as layers are read, for progress display. */
  onProgress?: (event: { layer: number; layers: number; bytes: number }) => void;
}

export const DEFAULT_MAX_LAYER_BYTES = 16 * 1024 ** 3;

/** Opens the image, reads every layer once (several at a time), and merges. */
export async function inventoryImage(
  reference: string,
  opts: InventoryOptions = {},
): Promise<Inventory> {
  return inventorySource(await openImage(reference, { platform: opts.platform }), opts);
}

/** The same, for an image already resolved. */
export async function inventorySource(
  source: ImageSource,
  opts: InventoryOptions = {},
): Promise<Inventory> {
  const reference = source.reference;
  const analyses = await mapLimit(source.layers, concurrency(), (layer) =>
    walkLayer(layer, {
      image: reference,
      analyzers: opts.analyzers ?? allAnalyzers,
      maxLayerBytes: opts.maxLayerBytes ?? DEFAULT_MAX_LAYER_BYTES,
      onProgress: (bytes) =>
        opts.onProgress?.({ layer: layer.index, layers: source.layers.length, bytes }),
    }),
  );
  return buildInventory(source, analyses, opts.analyzers ?? allAnalyzers);
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
