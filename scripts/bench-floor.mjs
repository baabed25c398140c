#!/usr/bin/env node
// The bench's baseline: decompress every layer of one OCI layout and throw the
// bytes away, with the decoders vigil uses and as many layers at a time. What
// vigil spends beyond this is tar parsing, hashing, analyzers and matching.
// With --verify it also hashes what it reads and what it decodes (sha256), as
// vigil must to check each blob's digest and diff ID: the floor of a scan that
// trusts nothing.
//
//   node scripts/bench-floor.mjs DIR [TAG] [--verify]   → one line of JSON on stdout
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { createGunzip } from "node:zlib";

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
// The zstd decoder vigil uses (zstd-napi, else fzstd): `npm run build` made dist/.
const { zstdDecoder, zstdImplementation } = await import(
  pathToFileURL(path.join(REPO, "dist", "layers", "decompress.js")).href
);

const args = process.argv.slice(2);
const verify = args.includes("--verify");
const [dir, tag = "latest"] = args.filter((a) => a !== "--verify");
if (!dir) {
  console.error("usage: bench-floor.mjs OCI_LAYOUT_DIR [TAG]");
  process.exit(2);
}

const blobPath = (digest) => path.join(dir, "blobs", ...digest.split(":"));
const readJson = async (file) => JSON.parse(await readFile(file, "utf8"));

/** index.json → the manifest tagged TAG (or the only one) → its layers. */
async function layersOf() {
  const index = await readJson(path.join(dir, "index.json"));
  const tagged = index.manifests.find(
    (m) => m.annotations?.["org.opencontainers.image.ref.name"] === tag,
  );
  const entry = tagged ?? index.manifests[0];
  const manifest = await readJson(blobPath(entry.digest));
  return manifest.layers.map((l) => ({ file: blobPath(l.digest), size: l.size }));
}

/** Same sniffing as vigil: the first bytes decide, not the media type. */
async function codecOf(file) {
  const fh = await open(file);
  try {
    const { buffer } = await fh.read({ buffer: Buffer.alloc(4), position: 0 });
    if (buffer[0] === 0x1f && buffer[1] === 0x8b) return "gzip";
    if (buffer.readUInt32BE(0) === 0x28b52ffd) return "zstd";
    return "none";
  } finally {
    await fh.close();
  }
}

/** The blob, hashed on the way in when verifying. */
function blobStream(file) {
  const stream = createReadStream(file);
  if (!verify) return stream;
  const hash = createHash("sha256");
  stream.on("data", (chunk) => hash.update(chunk));
  return stream;
}

/** A sink that counts, and hashes when verifying. */
async function drain(file, decoder) {
  let bytes = 0;
  const hash = verify ? createHash("sha256") : undefined;
  const sink = new Writable({
    write(chunk, _enc, cb) {
      bytes += chunk.length;
      hash?.update(chunk);
      cb();
    },
  });
  await (decoder ? pipeline(blobStream(file), decoder, sink) : pipeline(blobStream(file), sink));
  return bytes;
}

const DECODERS = {
  // node:zlib with vigil's chunk size.
  gzip: (file) => drain(file, createGunzip({ chunkSize: 256 * 1024 })),
  zstd: (file) => drain(file, zstdDecoder()),
  none: (file) => drain(file),
};

/** vigil reads cores + 1 layers at a time (src/scan/inventory.ts); so does the floor. */
async function decodeAll(layers) {
  const limit = Math.max(2, availableParallelism() + 1);
  const results = new Array(layers.length);
  let next = 0;
  const worker = async () => {
    while (next < layers.length) {
      const i = next++;
      const codec = await codecOf(layers[i].file);
      results[i] = { codec, bytes: await DECODERS[codec](layers[i].file) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, layers.length) }, worker));
  return results;
}

const layers = await layersOf();
const decoded = await decodeAll(layers);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
console.log(
  JSON.stringify({
    layers: layers.length,
    codecs: [...new Set(decoded.map((d) => d.codec))],
    zstd: zstdImplementation(),
    compressedBytes: sum(layers.map((l) => l.size)),
    uncompressedBytes: sum(decoded.map((d) => d.bytes)),
  }),
);
