#!/usr/bin/env node
// The bench's baseline: decompress every layer of one OCI layout and throw the
// bytes away, with the decoders vigil uses and as many layers at a time. What
// vigil spends beyond this is tar parsing, hashing, analyzers and matching.
//
//   node scripts/bench-floor.mjs DIR [TAG]   → one line of JSON on stdout
import { Buffer } from "node:buffer";
import { createReadStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { Decompress } from "fzstd";

const [dir, tag = "latest"] = process.argv.slice(2);
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

/** node:zlib with vigil's chunk size, into a sink that only counts. */
async function gunzip(file) {
  let bytes = 0;
  const sink = new Writable({
    write(chunk, _enc, cb) {
      bytes += chunk.length;
      cb();
    },
  });
  await pipeline(createReadStream(file), createGunzip({ chunkSize: 256 * 1024 }), sink);
  return bytes;
}

/** fzstd's streaming decoder, as vigil drives it (minus vigil's copy of each piece). */
async function unzstd(file) {
  let bytes = 0;
  const decoder = new Decompress((data) => {
    bytes += data.length;
  });
  for await (const chunk of createReadStream(file)) decoder.push(chunk);
  decoder.push(new Uint8Array(0), true);
  return bytes;
}

async function plain(file) {
  let bytes = 0;
  for await (const chunk of createReadStream(file)) bytes += chunk.length;
  return bytes;
}

const DECODERS = { gzip: gunzip, zstd: unzstd, none: plain };

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
    compressedBytes: sum(layers.map((l) => l.size)),
    uncompressedBytes: sum(decoded.map((d) => d.bytes)),
  }),
);
