import { shortList } from "../util/text.js";
import { createHash } from "node:crypto";
import { VigilError } from "../errors.js";
import type { BlobStore } from "./blob-store.js";
import { pickPlatforms, type Platform } from "./platform.js";
import type { ImageConfig, ImageSource, LayerBlob, SourceOptions } from "./types.js";

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  annotations?: Record<string, string>;
  platform?: Partial<Platform>;
}

interface IndexDoc {
  manifests?: Descriptor[];
}

interface ManifestDoc {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

const REF_NAME = "org.opencontainers.image.ref.name";
const CONTAINERD_NAME = "io.containerd.image.name";
const INDEX_TYPES = new Set([
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);
/** Index nesting deeper than this is a loop or an attack, not an image. */
const MAX_DEPTH = 4;

export interface LayoutSelector {
  reference: string;
  kind: "oci-layout" | "oci-archive";
  tag?: string;
  digest?: string;
}

/** Resolves the image (or with `--platform all` the images) inside an OCI image layout. */
export async function resolveLayout(
  store: BlobStore,
  sel: LayoutSelector,
  opts: SourceOptions,
): Promise<ImageSource[]> {
  if (!(await store.exists("index.json"))) {
    throw new VigilError("BAD_MANIFEST", `${store.describe("index.json")} is missing`, {
      hint: "is this an OCI image layout?",
    });
  }
  const index = await readJson<IndexDoc>(store, "index.json");
  const candidates = selectByName(descriptorsOf(index, store.describe("index.json")), sel, store);
  const chosen = await choosePlatforms(store, candidates, sel, opts);
  return Promise.all(chosen.map((d) => loadManifest(store, d, sel)));
}

function selectByName(all: Descriptor[], sel: LayoutSelector, store: BlobStore): Descriptor[] {
  if (sel.digest) {
    const byDigest = all.filter((d) => d.digest === sel.digest);
    // A digest may also name a manifest inside an index: looked up below.
    return byDigest.length > 0 ? byDigest : all;
  }
  if (!sel.tag) return all;

  const byTag = all.filter((d) => tagOf(d) === sel.tag);
  if (byTag.length === 0) {
    const tags = shortList([...new Set(all.map(tagOf).filter(Boolean))] as string[]) || "none";
    throw new VigilError("NOT_FOUND", `${sel.reference}: no image tagged "${sel.tag}"`, {
      hint: `tags in ${store.describe("index.json")}: ${tags}`,
    });
  }
  return byTag;
}

/** JSON from a file is untrusted: a wrong shape is a clear error, not a TypeError. */
function descriptorsOf(doc: unknown, where: string): Descriptor[] {
  const manifests = (doc as IndexDoc | null)?.manifests;
  const valid =
    Array.isArray(manifests) &&
    manifests.every(
      (m: unknown) =>
        typeof m === "object" && m !== null && typeof (m as Descriptor).digest === "string",
    );
  if (!valid) {
    throw new VigilError("BAD_MANIFEST", `${where}: "manifests" is not a list of descriptors`);
  }
  return manifests;
}

function tagOf(d: Descriptor): string | undefined {
  const ref = d.annotations?.[REF_NAME];
  if (ref) return ref.includes(":") ? ref.slice(ref.lastIndexOf(":") + 1) : ref;
  const name = d.annotations?.[CONTAINERD_NAME];
  return name?.slice(name.lastIndexOf(":") + 1);
}

/** Expands indexes into manifests, then picks the requested platform (or all of them). */
async function choosePlatforms(
  store: BlobStore,
  candidates: Descriptor[],
  sel: LayoutSelector,
  opts: SourceOptions,
): Promise<Descriptor[]> {
  const manifests = await expandIndexes(store, candidates, 0);
  const wanted = sel.digest ? manifests.filter((m) => m.digest === sel.digest) : manifests;
  if (sel.digest && wanted.length === 0) {
    throw new VigilError("NOT_FOUND", `${sel.reference}: no manifest ${sel.digest}`);
  }

  const unique = dedupe(wanted);
  if (unique.length === 1 && !opts.platform) return unique;

  // Layouts written by umoci and others omit the platform from the index;
  // the config always has it, so an explicit --platform is still checked.
  const known = await Promise.all(unique.map((m) => withPlatform(store, m)));
  const labelled = known.map((m) => ({ ...m, label: tagOf(m) ?? "(untagged)" }));
  return pickPlatforms(labelled, opts.platform, sel.reference);
}

async function expandIndexes(
  store: BlobStore,
  descriptors: Descriptor[],
  depth: number,
): Promise<Descriptor[]> {
  const out: Descriptor[] = [];
  for (const d of descriptors) {
    if (!isIndex(d)) {
      out.push(d);
      continue;
    }
    if (depth >= MAX_DEPTH) {
      throw new VigilError("BAD_MANIFEST", `${d.digest}: image indexes nested too deep`);
    }
    const nested = await readBlobJson<IndexDoc>(store, d.digest);
    const children = descriptorsOf(nested, d.digest).map((c) => ({
      ...c,
      annotations: { ...d.annotations, ...c.annotations },
    }));
    out.push(...(await expandIndexes(store, children, depth + 1)));
  }
  return out;
}

async function withPlatform(store: BlobStore, d: Descriptor): Promise<Descriptor> {
  if (d.platform?.os && d.platform.architecture) return d;
  const manifest = await readBlobJson<ManifestDoc>(store, d.digest);
  if (!manifest.config?.digest) return d;
  const config = await readBlobJson<ImageConfig>(store, manifest.config.digest);
  return {
    ...d,
    platform: { os: config.os, architecture: config.architecture, variant: config.variant },
  };
}

function isIndex(d: Descriptor): boolean {
  return d.mediaType !== undefined && INDEX_TYPES.has(d.mediaType);
}

function dedupe(list: Descriptor[]): Descriptor[] {
  const seen = new Map<string, Descriptor>();
  for (const d of list) if (!seen.has(d.digest)) seen.set(d.digest, d);
  return [...seen.values()];
}

async function loadManifest(
  store: BlobStore,
  desc: Descriptor,
  sel: LayoutSelector,
): Promise<ImageSource> {
  const manifest = await readBlobJson<ManifestDoc>(store, desc.digest);
  const blobs = manifest?.layers;
  const layersOk =
    Array.isArray(blobs) &&
    blobs.every((l: unknown) => typeof (l as Descriptor | null)?.digest === "string");
  if (typeof manifest?.config?.digest !== "string" || !blobs || !layersOk) {
    throw new VigilError("BAD_MANIFEST", `${desc.digest}: not an image manifest`);
  }

  const config = await readBlobJson<ImageConfig>(store, manifest.config.digest);
  const diffIds = Array.isArray(config?.rootfs?.diff_ids) ? config.rootfs.diff_ids : [];
  if (diffIds.length !== blobs.length) {
    throw new VigilError(
      "BAD_MANIFEST",
      `${desc.digest}: ${blobs.length} layers but ${diffIds.length} diff_ids in the config`,
    );
  }

  const layers: LayerBlob[] = blobs.map((layer, index) => ({
    index,
    digest: layer.digest,
    diffId: diffIds[index] as string,
    mediaType: layer.mediaType,
    size: layer.size,
    location: store.describe(blobPath(layer.digest)),
    open: () => store.stream(blobPath(layer.digest)),
    storedSize: () => store.size(blobPath(layer.digest)),
  }));

  const tag = tagOf(desc);
  return {
    reference: sel.reference,
    kind: sel.kind,
    digest: desc.digest,
    configDigest: manifest.config.digest,
    config,
    tags: tag ? [tag] : [],
    layers,
  };
}

export function blobPath(digest: string): string {
  const m = /^([a-z0-9]+):([a-f0-9]+)$/.exec(digest);
  if (!m) throw new VigilError("BAD_MANIFEST", `"${digest}" is not a valid digest`);
  return `blobs/${m[1]}/${m[2]}`;
}

/** Reads a content-addressed JSON blob and checks that its bytes match its name. */
async function readBlobJson<T>(store: BlobStore, digest: string): Promise<T> {
  const name = blobPath(digest);
  const bytes = await store.readSmall(name);
  const actual = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  if (digest.startsWith("sha256:") && actual !== digest) {
    throw new VigilError("DIGEST_MISMATCH", `${store.describe(name)}: content is ${actual}`, {
      hint: "the blob was altered or damaged; fetch the image again",
    });
  }
  return parseJson<T>(bytes, store.describe(name));
}

async function readJson<T>(store: BlobStore, name: string): Promise<T> {
  return parseJson<T>(await store.readSmall(name), store.describe(name));
}

function parseJson<T>(bytes: Buffer, where: string): T {
  try {
    return JSON.parse(bytes.toString("utf8")) as T;
  } catch (err) {
    throw new VigilError("BAD_MANIFEST", `${where} is not valid JSON`, { cause: err });
  }
}

export { readJson };
