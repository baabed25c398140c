import { shortList } from "../util/text.js";
import { createHash } from "node:crypto";
import { VigilError } from "../errors.js";
import type { TarStore } from "./blob-store.js";
import { readJson } from "./oci-layout.js";
import { ALL_PLATFORMS, formatPlatform, parsePlatform, platformMatches } from "./platform.js";
import type { ImageConfig, ImageSource, LayerBlob, SourceOptions } from "./types.js";

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
  opts: SourceOptions,
): Promise<ImageSource> {
  const entries = await readJson<DockerManifestEntry[]>(store, "manifest.json");
  if (!Array.isArray(entries) || entries.length === 0 || !entries.every(isEntry)) {
    throw new VigilError("BAD_MANIFEST", `${store.describe("manifest.json")}: no valid image list`);
  }

  const entry = chooseEntry(entries, reference, tag);
  const configBytes = await store.readSmall(entry.Config);
  const configDigest = `sha256:${createHash("sha256").update(configBytes).digest("hex")}`;
  const config = parseConfig(configBytes, store.describe(entry.Config));
  checkPlatform(config, reference, opts);

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
    storedSize: () => store.size(file),
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

function isEntry(e: unknown): e is DockerManifestEntry {
  const entry = e as DockerManifestEntry | null;
  return (
    typeof entry?.Config === "string" &&
    Array.isArray(entry.Layers) &&
    entry.Layers.every((l) => typeof l === "string")
  );
}

function parseConfig(bytes: Buffer, where: string): ImageConfig {
  try {
    const config = JSON.parse(bytes.toString("utf8")) as ImageConfig | null;
    if (typeof config === "object" && config !== null) return config;
  } catch {
    // reported below
  }
  throw new VigilError("BAD_MANIFEST", `${where} is not an image config`);
}

/** A docker-archive holds one platform per image; a --platform must agree with it. */
function checkPlatform(config: ImageConfig, reference: string, opts: SourceOptions): void {
  if (!opts.platform || opts.platform === ALL_PLATFORMS) return;
  const have = { os: config.os, architecture: config.architecture, variant: config.variant };
  if (platformMatches(parsePlatform(opts.platform), have)) return;
  throw new VigilError(
    "AMBIGUOUS_IMAGE",
    `${reference}: none for ${opts.platform}; the image here is ${formatPlatform(have)}`,
  );
}

/**
 * A RepoTag is matched exactly (`repo/name:tag`); a bare tag (`latest`)
 * matches the tag part, and must then name one image only.
 */
function chooseEntry(
  entries: DockerManifestEntry[],
  reference: string,
  tag: string | undefined,
): DockerManifestEntry {
  if (tag) {
    const tagsOf = (e: DockerManifestEntry) => e.RepoTags ?? [];
    const exact = entries.filter((e) => tagsOf(e).includes(tag));
    const byTag = tag.includes(":")
      ? []
      : entries.filter((e) => tagsOf(e).some((t) => t.slice(t.lastIndexOf(":") + 1) === tag));
    const found = exact.length > 0 ? exact : byTag;
    if (found.length === 1) return found[0] as DockerManifestEntry;
    const why = found.length === 0 ? `no image tagged "${tag}"` : `several images tagged "${tag}"`;
    throw new VigilError(
      found.length === 0 ? "NOT_FOUND" : "AMBIGUOUS_IMAGE",
      `${reference}: ${why}`,
      {
        hint: `tags here: ${listTags(entries)}`,
      },
    );
  }
  if (entries.length === 1) return entries[0] as DockerManifestEntry;
  throw new VigilError("AMBIGUOUS_IMAGE", `${reference} holds ${entries.length} images`, {
    hint: `choose one as docker-archive:FILE:TAG; tags here: ${listTags(entries)}`,
  });
}

function listTags(entries: DockerManifestEntry[]): string {
  return shortList(entries.flatMap((e) => e.RepoTags ?? ["(untagged)"]));
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
