// An image straight from a registry: the manifest (or an index, narrowed by
// platform), the config, and layers that stream from the registry when the
// scan reads them, so a layer the cache already knows is never fetched.
import { readFile } from "node:fs/promises";

import { VigilError } from "../errors.js";
import { silentLogger } from "../log.js";
import { RegistryClient, type Descriptor, type Manifest } from "../registry/client.js";
import { formatRef, type RegistryRef } from "../registry/reference.js";
import { pickPlatforms, type Platform } from "./platform.js";
import type { ImageConfig, ImageSource, LayerBlob, SourceOptions } from "./types.js";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
const SCHEMA1 = /^application\/vnd\.docker\.distribution\.manifest\.v1\+(prettyjws|json)$/;
const ACCEPT = [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST];
const INDEX_TYPES = new Set([OCI_INDEX, DOCKER_LIST]);
const CONFIG_TYPES = new Set([
  "application/vnd.oci.image.config.v1+json",
  "application/vnd.docker.container.image.v1+json",
]);
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Configs are small; a huge one is hostile or broken. */
const MAX_CONFIG_BYTES = 8 << 20;
/** Index nesting deeper than this is a loop or an attack, not an image. */
const MAX_DEPTH = 4;

interface ManifestDoc {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: (Descriptor & { platform?: Partial<Platform> })[];
}

/** A manifest to scan: fetched already (the top one), or named by an index. */
interface Candidate {
  digest: string;
  platform?: Partial<Platform>;
  fetched?: { manifest: Manifest; doc: ManifestDoc };
  config?: ImageConfig;
}

export async function resolveRegistry(
  reference: string,
  ref: RegistryRef,
  opts: SourceOptions,
): Promise<ImageSource[]> {
  const client = await clientFor(ref, opts);
  try {
    const top = await fetchManifest(client, ref, ref.digest ?? ref.tag ?? "latest");
    const chosen = await choose(client, ref, top, reference, opts);
    const sources = await Promise.all(chosen.map((c) => loadImage(client, ref, c, reference)));
    return shareClient(sources, client);
  } catch (err) {
    client.close();
    throw err;
  }
}

async function clientFor(ref: RegistryRef, opts: SourceOptions): Promise<RegistryClient> {
  const reg = opts.registry ?? {};
  let ca: string | undefined;
  if (reg.caFile) {
    ca = await readFile(reg.caFile, "utf8").catch((err: unknown) => {
      throw new VigilError("BAD_OPTION", `--ca-file ${reg.caFile} cannot be read`, { cause: err });
    });
  }
  return new RegistryClient(ref.registry, {
    log: opts.log ?? silentLogger(),
    username: reg.username,
    password: reg.password,
    insecure: reg.insecure,
    ca,
    timeoutMs: reg.timeoutMs,
    retries: reg.retries,
    dockerConfigDir: reg.dockerConfigDir,
  });
}

/** The images of one run share the client's connections, closed after the last. */
function shareClient(sources: ImageSource[], client: RegistryClient): ImageSource[] {
  let open = sources.length;
  for (const source of sources) {
    let closed = false;
    source.close = () => {
      if (closed) return;
      closed = true;
      if (--open === 0) client.close();
    };
  }
  return sources;
}

async function fetchManifest(client: RegistryClient, ref: RegistryRef, reference: string) {
  const manifest = await client.getManifest(ref.repository, reference, ACCEPT);
  const where = `${ref.registry}/${ref.repository}@${manifest.digest}`;
  let doc: ManifestDoc;
  try {
    doc = JSON.parse(manifest.data.toString("utf8")) as ManifestDoc;
  } catch (err) {
    throw new VigilError("BAD_MANIFEST", `${where} is not valid JSON`, { cause: err });
  }
  if (typeof doc !== "object" || doc === null) {
    throw new VigilError("BAD_MANIFEST", `${where} is not a manifest`);
  }
  if (doc.schemaVersion === 1 || SCHEMA1.test(manifest.mediaType)) {
    throw new VigilError("UNSUPPORTED", `${where} is a Docker schema 1 manifest`, {
      hint: "schema 1 is deprecated and unsigned here; push the image again with a current docker, skopeo or crane (they write schema 2)",
    });
  }
  return { manifest, doc };
}

function isIndex(doc: ManifestDoc, mediaType: string): boolean {
  return Array.isArray(doc.manifests) || INDEX_TYPES.has(doc.mediaType ?? mediaType);
}

/** The top manifest itself, or the images of an index that the platform picks. */
async function choose(
  client: RegistryClient,
  ref: RegistryRef,
  top: { manifest: Manifest; doc: ManifestDoc },
  reference: string,
  opts: SourceOptions,
): Promise<Candidate[]> {
  if (!isIndex(top.doc, top.manifest.mediaType)) {
    const single: Candidate = { digest: top.manifest.digest, fetched: top };
    // One image, but an explicit --platform is still checked against its config.
    if (!opts.platform) return [single];
    const platform = await platformOf(client, ref, single);
    return pickPlatforms([{ ...single, platform }], opts.platform, reference);
  }

  const seen = new Set([top.manifest.digest]);
  const children = await expandIndex(client, ref, top, 0, seen);
  const known = await Promise.all(
    children.map(async (c) => {
      c.platform ??= await platformOf(client, ref, c);
      return c;
    }),
  );
  return pickPlatforms(known, opts.platform, reference);
}

async function expandIndex(
  client: RegistryClient,
  ref: RegistryRef,
  index: { manifest: Manifest; doc: ManifestDoc },
  depth: number,
  seen: Set<string>,
): Promise<Candidate[]> {
  const where = `${ref.registry}/${ref.repository}@${index.manifest.digest}`;
  const entries = index.doc.manifests;
  if (!Array.isArray(entries) || !entries.every(isDescriptor)) {
    throw new VigilError("BAD_MANIFEST", `${where}: "manifests" is not a list of descriptors`);
  }

  const out: Candidate[] = [];
  for (const entry of entries.filter((e) => !isAttestation(e))) {
    if (seen.has(entry.digest)) {
      throw new VigilError(
        "BAD_MANIFEST",
        `${where}: the index refers to itself (${entry.digest})`,
      );
    }
    if (!INDEX_TYPES.has(entry.mediaType)) {
      out.push({ digest: entry.digest, platform: entry.platform });
      continue;
    }
    if (depth + 1 >= MAX_DEPTH) {
      throw new VigilError("BAD_MANIFEST", `${where}: image indexes nested too deep`);
    }
    seen.add(entry.digest);
    const nested = await fetchManifest(client, ref, entry.digest);
    out.push(...(await expandIndex(client, ref, nested, depth + 1, seen)));
  }
  return out;
}

/** BuildKit puts provenance and SBOM attestations in the index as `unknown/unknown`. */
function isAttestation(d: { platform?: Partial<Platform> }): boolean {
  return d.platform?.os === "unknown" && d.platform.architecture === "unknown";
}

function isDescriptor(d: unknown): d is Descriptor {
  const desc = d as Descriptor | null;
  return typeof desc?.digest === "string" && DIGEST.test(desc.digest);
}

/** An index entry without a platform: its config says. */
async function platformOf(client: RegistryClient, ref: RegistryRef, c: Candidate) {
  c.fetched ??= await fetchManifest(client, ref, c.digest);
  c.config ??= await readConfig(client, ref, c.fetched);
  return { os: c.config.os, architecture: c.config.architecture, variant: c.config.variant };
}

async function loadImage(
  client: RegistryClient,
  ref: RegistryRef,
  chosen: Candidate,
  reference: string,
): Promise<ImageSource> {
  const fetched = chosen.fetched ?? (await fetchManifest(client, ref, chosen.digest));
  const config = chosen.config ?? (await readConfig(client, ref, fetched));
  const { doc, manifest } = fetched;
  const where = `${ref.registry}/${ref.repository}@${manifest.digest}`;

  const blobs = doc.layers as Descriptor[];
  const diffIds = Array.isArray(config.rootfs?.diff_ids) ? config.rootfs.diff_ids : [];
  if (diffIds.length !== blobs.length) {
    throw new VigilError(
      "BAD_MANIFEST",
      `${where}: ${blobs.length} layers but ${diffIds.length} diff_ids in the config`,
    );
  }

  // note: foreign layers live at URLs outside the registry; not fetched (issue 9).
  const foreign = blobs.find((l) => l.mediaType?.includes(".foreign."));
  if (foreign) {
    throw new VigilError("UNSUPPORTED", `${where}: layer ${foreign.digest} is a foreign layer`, {
      hint: "its content is not in the registry (Windows base images); vigil reads Linux images",
    });
  }

  const layers: LayerBlob[] = blobs.map((layer, index) => ({
    index,
    digest: layer.digest,
    diffId: diffIds[index] as string,
    mediaType: layer.mediaType,
    size: layer.size,
    location: `${ref.registry}/${ref.repository}@${layer.digest}`,
    open: () => client.openBlob(ref.repository, layer),
  }));
  return {
    reference,
    kind: "registry",
    digest: manifest.digest,
    configDigest: (doc.config as Descriptor).digest,
    config,
    tags: ref.tag && !ref.digest ? [ref.tag] : [],
    layers,
  };
}

/** The config of an image manifest, after the manifest's shape is checked. */
async function readConfig(
  client: RegistryClient,
  ref: RegistryRef,
  fetched: { manifest: Manifest; doc: ManifestDoc },
): Promise<ImageConfig> {
  const { doc, manifest } = fetched;
  const where = `${formatRef({ ...ref, tag: undefined, digest: manifest.digest })}`;
  if (isIndex(doc, manifest.mediaType)) {
    throw new VigilError("BAD_MANIFEST", `${where}: an index where an image manifest should be`);
  }
  const layersOk =
    Array.isArray(doc.layers) &&
    doc.layers.every((l) => isDescriptor(l) && Number.isSafeInteger(l.size) && l.size >= 0);
  if (!isDescriptor(doc.config) || !Number.isSafeInteger(doc.config.size) || !layersOk) {
    throw new VigilError("BAD_MANIFEST", `${where}: not an image manifest`, {
      hint: "it needs a config and layers, each with a sha256 digest and a size",
    });
  }
  if (doc.config.mediaType && !CONFIG_TYPES.has(doc.config.mediaType)) {
    throw new VigilError("UNSUPPORTED", `${where} is not a container image`, {
      hint: `its config is ${doc.config.mediaType}`,
    });
  }

  const bytes = await client.readBlob(ref.repository, doc.config, MAX_CONFIG_BYTES);
  try {
    const config = JSON.parse(bytes.toString("utf8")) as ImageConfig | null;
    if (typeof config === "object" && config !== null) return config;
  } catch {
    // reported below
  }
  throw new VigilError("BAD_MANIFEST", `${where}: its config is not an image config`);
}
