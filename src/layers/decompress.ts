import { createRequire } from "node:module";
import { Transform, type TransformCallback } from "node:stream";
import { createGunzip } from "node:zlib";
import { Decompress as ZstdDecompress } from "fzstd";

export type Compression = "gzip" | "zstd" | "none";

/** Decided from the first bytes, not the media type: registries and tools mislabel. */
export function detectCompression(head: Buffer): Compression {
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  return "none";
}

export function decoderFor(kind: Compression): Transform {
  if (kind === "gzip") return createGunzip({ chunkSize: 256 * 1024 });
  if (kind === "zstd") return zstdDecoder();
  return new Transform({ transform: (chunk, _enc, cb) => cb(null, chunk) });
}

type NativeZstd = { DecompressStream: new () => Transform };
let native: NativeZstd | null | undefined;

/**
 * Node 20's zlib has no zstd. zstd-napi (libzstd, built at install) decodes
 * about five times faster than fzstd; it is an optional dependency, so where
 * it could not be built, fzstd (pure JS) does the work.
 */
function nativeZstd(): NativeZstd | null {
  if (native === undefined) {
    try {
      native = createRequire(import.meta.url)("zstd-napi") as NativeZstd;
    } catch {
      native = null;
    }
  }
  return native;
}

export function zstdDecoder(prefer: "native" | "js" = "native"): Transform {
  const lib = prefer === "native" ? nativeZstd() : null;
  return lib ? new lib.DecompressStream() : new FzstdDecoder();
}

/** Which zstd decoder scans use, for the bench and the debug log. */
export function zstdImplementation(): "zstd-napi" | "fzstd" {
  return nativeZstd() ? "zstd-napi" : "fzstd";
}

class FzstdDecoder extends Transform {
  private readonly decoder = new ZstdDecompress((data) => {
    // fzstd may reuse its window buffer, so each piece is copied out.
    this.push(Buffer.from(data));
  });

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.decoder.push(chunk);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }
}
