import { createHash } from "node:crypto";
import { VigilError } from "../errors.js";
import type { TarStore } from "./blob-store.js";
import { readJson } from "./oci-layout.js";
import type { ImageConfig, ImageSource, LayerBlob } from "./types.js";

interface DockerManifestEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

/**
 * `docker save` / `skopeo copy docker-archive:` output: manifest.json lists
 * each image's config file and its layer files in order. There is no manifest
 * digest, so the image is identified by its config digest (Docker's image ID).
 */
export async function resolveDockerArchive(
  store: TarStore,
  reference: string,
  tag: string | undefined,
): Promise<ImageSource> {
  const entries = await readJson<DockerManifestEntry[]>(store, "manifest.json");
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new VigilError("BAD_MANIFEST", `${store.describe("manifest.json")} lists no image`);
  }

  const entry = chooseEntry(entries, reference, tag);
  const configBytes = await store.readSmall(entry.Config);
  const configDigest = `sha256:${createHash("sha256").update(configBytes).digest("hex")}`;
  const config = JSON.parse(configBytes.toString("utf8")) as ImageConfig;

  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length !== entry.Layers.length) {
    throw new VigilError(
      "BAD_MANIFEST",
      `${reference}: ${entry.Layers.length} layers but ${diffIds.length} diff_ids in the config`,
    );
  }

  const layers: LayerBlob[] = entry.Layers.map((file, index) => ({
    index,
    digest: digestFromName(file),
    diffId: diffIds[index] as string,
    location: store.describe(file),
    open: () => store.stream(file),
  }));

  return {
    reference,
    kind: "docker-archive",
    digest: configDigest,
    configDigest,
    config,
    tags: entry.RepoTags ?? [],
    layers,
  };
}

function chooseEntry(
  entries: DockerManifestEntry[],
  reference: string,
  tag: string | undefined,
): DockerManifestEntry {
  if (tag) {
    const found = entries.find((e) => (e.RepoTags ?? []).some((t) => t === tag || t.endsWith(tag)));
    if (found) return found;
    throw new VigilError("NOT_FOUND", `${reference}: no image tagged "${tag}"`, {
      hint: `tags here: ${listTags(entries)}`,
    });
  }
  if (entries.length === 1) return entries[0] as DockerManifestEntry;
  throw new VigilError("AMBIGUOUS_IMAGE", `${reference} holds ${entries.length} images`, {
    hint: `choose one as docker-archive:FILE:TAG; tags here: ${listTags(entries)}`,
  });
}

function listTags(entries: DockerManifestEntry[]): string {
  return entries.flatMap((e) => e.RepoTags ?? ["(untagged)"]).join(", ");
}

/**
 * Newer archives store layers as `blobs/sha256/<hex>` or `<hex>.tar`, naming
 * the stored bytes; the legacy `<id>/layer.tar` name is not a content digest.
 */
function digestFromName(file: string): string | undefined {
  const blob = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(file);
  if (blob) return `sha256:${blob[1]}`;
  return undefined;
}
