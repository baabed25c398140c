// Test-only: builds small OCI image layouts from entry lists, so every layer
// a test needs (including hostile ones) is made by code, not checked in.
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { tempDir } from "./tmp.js";

export interface FixtureEntry {
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "fifo";
  content?: string | Buffer;
  linkname?: string;
  /** Permission bits; 0o644 when absent. */
  mode?: number;
}

export interface FixtureLayer {
  entries: FixtureEntry[];
  compression?: "gzip" | "none";
  /** Cut the stored blob to this many bytes after digests are computed. */
  truncateTo?: number;
  /** Store a diffId that does not match the content. */
  wrongDiffId?: boolean;
}

export async function tarOf(entries: FixtureEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve) => pack.on("end", resolve));

  for (const e of entries) {
    const type = e.type ?? "file";
    const body = type === "file" ? Buffer.from(e.content ?? "") : undefined;
    // tar-stream writes special types from the header alone.
    await new Promise<void>((resolve, reject) =>
      pack.entry(
        {
          name: e.name,
          type,
          linkname: e.linkname,
          size: body?.length ?? 0,
          mode: e.mode ?? 0o644,
        },
        body,
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export interface FixtureImage {
  platform: { os: string; architecture: string; variant?: string };
  /** The same FixtureLayer object in two images is one blob, stored once. */
  layers: FixtureLayer[];
}

/**
 * Writes an OCI layout whose `latest` is an image index of several platforms;
 * returns its directory and each image's manifest digest.
 */
export async function writeImageIndex(
  images: FixtureImage[],
): Promise<{ dir: string; digests: string[] }> {
  const dir = tempDir("vigil-oci-index-");
  await mkdir(path.join(dir, "blobs", "sha256"), { recursive: true });
  const put = async (bytes: Buffer) => {
    const digest = sha(bytes);
    await writeFile(path.join(dir, "blobs", "sha256", digest.slice(7)), bytes);
    return { digest, size: bytes.length };
  };

  const built = new Map<FixtureLayer, { stored: Buffer; plain: Buffer }>();
  const manifests = [];
  for (const image of images) {
    const layers = [];
    for (const layer of image.layers) {
      if (!built.has(layer)) {
        const plain = await tarOf(layer.entries);
        built.set(layer, { plain, stored: gzipSync(plain) });
      }
      layers.push(built.get(layer) as { stored: Buffer; plain: Buffer });
    }
    const config = Buffer.from(
      JSON.stringify({
        ...image.platform,
        config: {},
        rootfs: { type: "layers", diff_ids: layers.map((l) => sha(l.plain)) },
      }),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", ...(await put(config)) },
        layers: await Promise.all(
          layers.map(async (l) => ({
            mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
            ...(await put(l.stored)),
          })),
        ),
      }),
    );
    manifests.push({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      ...(await put(manifest)),
      platform: image.platform,
    });
  }

  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests,
    }),
  );
  await writeFile(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  await writeFile(
    path.join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.index.v1+json",
          ...(await put(index)),
          annotations: { "org.opencontainers.image.ref.name": "latest" },
        },
      ],
    }),
  );
  return { dir, digests: manifests.map((m) => m.digest) };
}

/** Writes an OCI layout with one image; returns its directory. */
export async function writeOciLayout(
  layers: FixtureLayer[],
  config: Record<string, unknown> = {},
): Promise<string> {
  const dir = tempDir("vigil-oci-");
  await mkdir(path.join(dir, "blobs", "sha256"), { recursive: true });
  const put = async (bytes: Buffer) => {
    const digest = sha(bytes);
    await writeFile(path.join(dir, "blobs", "sha256", digest.slice(7)), bytes);
    return digest;
  };

  const descriptors = [];
  const diffIds = [];
  for (const layer of layers) {
    const plain = await tarOf(layer.entries);
    const stored = layer.compression === "none" ? plain : gzipSync(plain);
    const digest = sha(stored);
    const kept = layer.truncateTo === undefined ? stored : stored.subarray(0, layer.truncateTo);
    await writeFile(path.join(dir, "blobs", "sha256", digest.slice(7)), kept);
    diffIds.push(layer.wrongDiffId ? sha(Buffer.from("something else")) : sha(plain));
    const mediaType = `application/vnd.oci.image.layer.v1.tar${layer.compression === "none" ? "" : "+gzip"}`;
    descriptors.push({ mediaType, digest, size: stored.length });
  }

  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: {},
      rootfs: { type: "layers", diff_ids: diffIds },
      ...config,
    }),
  );
  const configDigest = await put(configBytes);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: configDigest,
        size: configBytes.length,
      },
      layers: descriptors,
    }),
  );
  const manifestDigest = await put(manifest);

  await writeFile(path.join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  await writeFile(
    path.join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: manifestDigest,
          size: manifest.length,
          annotations: { "org.opencontainers.image.ref.name": "latest" },
        },
      ],
    }),
  );
  return dir;
}
