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

/** How much of a source not held in memory is read at a time by the searches below. */
export const WINDOW_BYTES = 2 << 20;

/**
 * Offsets of `needle` in the source, in order. A source held in memory is
 * searched in place; any other is read in windows that overlap by the
 * needle's length, so a spilled file is never held whole.
 */
export async function* occurrences(source: ByteSource, needle: Buffer): AsyncGenerator<number> {
  if (source.buffer) {
    for (let i = source.buffer.indexOf(needle); i >= 0; i = source.buffer.indexOf(needle, i + 1)) {
      yield i;
    }
    return;
  }

  const step = WINDOW_BYTES - needle.length + 1;
  for (let start = 0; start < source.size; start += step) {
    const window = await source.read(start, WINDOW_BYTES);
    // A whole match always starts before `step`; one cut by the window's end is the next one's.
    for (let i = window.indexOf(needle); i >= 0; i = window.indexOf(needle, i + 1)) {
      yield start + i;
    }
    if (start + window.length >= source.size) return;
  }
}

/** Matches longer than this may be missed where two windows meet. */
const TEXT_OVERLAP = 256;

/**
 * Every match of a global pattern over the source read as latin1 text, in
 * windows (overlapping by TEXT_OVERLAP bytes, so short matches are not cut);
 * a match inside an overlap is reported once.
 */
export async function* textMatches(source: ByteSource, pattern: RegExp): AsyncGenerator<string[]> {
  const step = WINDOW_BYTES - TEXT_OVERLAP;
  for (let start = 0; start < source.size; start += step) {
    const window = await source.read(start, WINDOW_BYTES);
    const last = start + window.length >= source.size;
    for (const m of window.toString("latin1").matchAll(pattern)) {
      if (last || m.index < step) yield [...m];
    }
    if (last) return;
  }
}
