// Random access to bytes held in memory, and to a window of another source
// (a zip entry stored uncompressed inside an archive). The walk's spill files
// (src/layers/spill.ts) are the third kind.
import type { ByteSource } from "../analyzers/types.js";

export function memorySource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    buffer,
    read: (offset, length) => Promise.resolve(clampedSlice(buffer, offset, length)),
  };
}

/** `size` bytes of `source` from `start`, as a source of its own; nothing is copied. */
export function sliceSource(source: ByteSource, start: number, size: number): ByteSource {
  const end = Math.min(source.size, start + size);
  const length = Math.max(0, end - start);
  if (source.buffer) return memorySource(source.buffer.subarray(start, start + length));

  return {
    size: length,
    read: (offset, want) => {
      const from = Math.min(Math.max(0, offset), length);
      return source.read(start + from, Math.max(0, Math.min(want, length - from)));
    },
  };
}

/** The whole source as one Buffer: for sources the caller knows to be small. */
export async function readAll(source: ByteSource): Promise<Buffer> {
  return source.buffer ?? source.read(0, source.size);
}

function clampedSlice(buffer: Buffer, offset: number, length: number): Buffer {
  const from = Math.min(Math.max(0, offset), buffer.length);
  return buffer.subarray(from, Math.min(buffer.length, from + Math.max(0, length)));
}
