import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, it } from "node:test";
import { openImage } from "../source/index.js";
import { corpusDir } from "../testing/shared.js";
import { detectCompression, zstdDecoder, zstdImplementation } from "./decompress.js";

/** sha256 of what the decoder writes: a layer's diff ID when it decodes right. */
async function decodedDigest(input: Readable, prefer: "native" | "js"): Promise<string> {
  const hash = createHash("sha256");
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb();
    },
  });
  await pipeline(input, zstdDecoder(prefer), sink);
  return `sha256:${hash.digest("hex")}`;
}

describe("zstd layers", async () => {
  const layout = path.join(corpusDir(), "debian-app-zstd.oci");
  const source = await openImage(`oci:${layout}:latest`);
  // The smallest real zstd layer of the corpus keeps the test quick.
  const layer = [...source.layers].sort((a, b) => (a.size ?? 0) - (b.size ?? 0))[0];
  assert.ok(layer);
  const blob = path.join(layout, "blobs", "sha256", (layer.digest ?? "").slice("sha256:".length));

  it("are decoded by libzstd here; the package is installed with vigil", () => {
    assert.equal(zstdImplementation(), "zstd-napi");
  });

  for (const prefer of ["native", "js"] as const) {
    it(`decode to the config's diff ID (${prefer})`, async () => {
      assert.equal(detectCompression(readFileSync(blob).subarray(0, 4)), "zstd");
      assert.equal(await decodedDigest(createReadStream(blob), prefer), layer.diffId);
    });

    it(`fail on a truncated stream or a damaged frame, never end quietly (${prefer})`, async () => {
      const bytes = readFileSync(blob);
      const truncated = bytes.subarray(0, Math.floor(bytes.length / 2));
      await assert.rejects(decodedDigest(Readable.from([truncated]), prefer));

      const damaged = Buffer.from(bytes);
      damaged.fill(0xff, 4, 64);
      await assert.rejects(decodedDigest(Readable.from([damaged]), prefer));
    });
  }
});
