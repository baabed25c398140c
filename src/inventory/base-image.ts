import type { ImageConfig } from "../source/types.js";
import type { BaseImage } from "./types.js";

const BASE_NAME = "org.opencontainers.image.base.name";
const BASE_DIGEST = "org.opencontainers.image.base.digest";

/**
 * Which image this one was built on, and how many of its first layers came
 * from there. The OCI base labels name it; the history tells the layers: a
 * base image ends with its own CMD or ENTRYPOINT, an entry that adds no
 * layer, and the layers after it are the build's. An image whose only CMD is
 * its last step shows no base.
 */
export function baseImageOf(config: ImageConfig): BaseImage | undefined {
  const labels = config.config?.Labels ?? {};
  const layers = baseLayerCount(config.history ?? []);
  const name = labels[BASE_NAME] || undefined;
  const digest = labels[BASE_DIGEST] || undefined;
  if (layers === undefined && !name && !digest) return undefined;

  const from: BaseImage["from"] = [];
  if (name || digest) from.push("label");
  if (layers !== undefined) from.push("history");
  return { name, digest, layers, from };
}

const RUN_SETTING = /^(?:\/bin\/sh -c #\(nop\)\s+)?(?:CMD|ENTRYPOINT)\b/;

function baseLayerCount(history: NonNullable<ImageConfig["history"]>): number | undefined {
  let layers = 0;
  for (const [i, h] of history.entries()) {
    if (!h.empty_layer) {
      layers += 1;
      continue;
    }
    const addsAfter = history.slice(i + 1).some((later) => !later.empty_layer);
    if (RUN_SETTING.test(h.created_by?.trim() ?? "") && addsAfter && layers > 0) return layers;
  }
  return undefined;
}
