// Reads a zip (an OSV all.zip) one entry at a time, straight from the file:
// nothing is extracted to disk and only one entry is held in memory.
//
// yauzl parses the directory and local headers; entry data is read and
// inflated here, synchronously. note: an OSV export is tens of thousands of
// 2 KiB entries, and yauzl's own path (several thread-pool reads plus a zlib
// stream per entry) spends most of its time waiting: this is 3–5 times faster.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { Readable } from "node:stream";
import { crc32, inflateRawSync } from "node:zlib";
import yauzl from "yauzl";

import { VigilError } from "../errors.js";

export interface ZipLimits {
  /** Largest uncompressed entry read; bigger ones are reported and skipped. */
  maxEntryBytes: number;
  /** More entries than this and the whole zip is refused. */
  maxEntries: number;
}

export type ZipItem =
  | { kind: "entry"; name: string; data: Buffer }
  | { kind: "too-large"; name: string; bytes: number };

const BLOCK = 256 * 1024;
const CACHED_BLOCKS = 4;

/**
 * Positional reads from a file descriptor through a few cached blocks: the
 * central directory and the local headers are read in 30- and 46-byte pieces.
 */
class BlockReader extends yauzl.RandomAccessReader {
  private readonly blocks = new Map<number, Buffer>();
  private closed = false;

  constructor(
    private readonly fd: number,
    private readonly size: number,
  ) {
    super();
  }

  readRange(position: number, length: number): Buffer {
    if (length > BLOCK) return this.direct(position, length);
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const at = position + done;
      const block = this.block(Math.floor(at / BLOCK));
      const copied = block.copy(
        out,
        done,
        at % BLOCK,
        Math.min(block.length, (at % BLOCK) + length - done),
      );
      if (copied === 0) throw new Error(`read past the end of the file at ${at}`);
      done += copied;
    }
    return out;
  }

  private block(index: number): Buffer {
    let block = this.blocks.get(index);
    if (block) return block;
    block = this.direct(index * BLOCK, Math.min(BLOCK, this.size - index * BLOCK));
    if (this.blocks.size >= CACHED_BLOCKS)
      this.blocks.delete(this.blocks.keys().next().value as number);
    this.blocks.set(index, block);
    return block;
  }

  private direct(position: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(Math.max(0, length));
    const n = length > 0 ? readSync(this.fd, buffer, 0, length, position) : 0;
    if (n !== length) throw new Error(`short read at ${position}: ${n} of ${length} bytes`);
    return buffer;
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    try {
      this.readRange(position, length).copy(buffer, offset);
    } catch (err) {
      return process.nextTick(callback, err as Error);
    }
    process.nextTick(callback, null);
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return Readable.from([this.readRange(start, end - start)]);
  }

  override close(callback: (err: Error | null) => void): void {
    this.closeNow();
    process.nextTick(callback, null);
  }

  closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** yauzl 3 API that @types/yauzl (written for 2.x) does not declare. */
interface ZipFileV3 extends yauzl.ZipFile {
  readLocalFileHeader(
    entry: yauzl.Entry,
    options: { minimal: true },
    callback: (err: Error | null, header: { fileDataStart: number }) => void,
  ): void;
}

function badZip(file: string, cause: unknown): VigilError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new VigilError("BAD_FEED", `${file}: cannot read zip: ${detail}`, {
    cause,
    hint: "the file may be truncated or damaged; download it again",
  });
}

function openZip(reader: BlockReader, size: number): Promise<ZipFileV3> {
  return new Promise((resolve, reject) => {
    const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true };
    yauzl.fromRandomAccessReader(reader, size, options, (err, zip) =>
      err ? reject(err) : resolve(zip as ZipFileV3),
    );
  });
}

function dataStart(zip: ZipFileV3, entry: yauzl.Entry): Promise<number> {
  return new Promise((resolve, reject) =>
    zip.readLocalFileHeader(entry, { minimal: true }, (err, header) =>
      err ? reject(err) : resolve(header.fileDataStart),
    ),
  );
}

/** The entry's bytes, checked against the sizes and CRC the directory records. */
function entryData(reader: BlockReader, entry: yauzl.Entry, start: number, limit: number): Buffer {
  if (entry.isEncrypted()) throw new Error(`${entry.fileName} is encrypted`);
  const raw = reader.readRange(start, entry.compressedSize);

  let data: Buffer;
  if (entry.compressionMethod === 0) data = raw;
  else if (entry.compressionMethod === 8) data = inflateRawSync(raw, { maxOutputLength: limit });
  else throw new Error(`${entry.fileName} uses compression method ${entry.compressionMethod}`);

  if (data.length !== entry.uncompressedSize) {
    throw new Error(
      `${entry.fileName} is ${data.length} bytes, its header says ${entry.uncompressedSize}`,
    );
  }
  if (crc32(data) !== entry.crc32) throw new Error(`${entry.fileName} fails its CRC check`);
  return data;
}

/** Entries in file order; directories are left out. Throws BAD_FEED on a broken zip. */
export async function* zipEntries(file: string, limits: ZipLimits): AsyncGenerator<ZipItem> {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (err) {
    throw new VigilError("IO", `cannot open ${file}`, { cause: err });
  }
  const size = fstatSync(fd).size;
  const reader = new BlockReader(fd, size);

  let zip: ZipFileV3;
  try {
    zip = await openZip(reader, size);
  } catch (err) {
    reader.closeNow();
    throw badZip(file, err);
  }

  // yauzl reports errors as events; keep the first so the next step can throw it.
  let failure: unknown;
  zip.on("error", (err) => (failure ??= err));

  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new VigilError(
        "LIMIT_EXCEEDED",
        `${file} has ${zip.entryCount} entries, more than the limit of ${limits.maxEntries}`,
      );
    }

    for (;;) {
      const entry = await nextEntry(zip, () => failure);
      if (!entry) return;
      if (entry.fileName.endsWith("/")) continue;

      const bytes = Math.max(entry.uncompressedSize, entry.compressedSize);
      if (bytes > limits.maxEntryBytes) {
        yield { kind: "too-large", name: entry.fileName, bytes };
        continue;
      }
      const start = await dataStart(zip, entry);
      yield {
        kind: "entry",
        name: entry.fileName,
        data: entryData(reader, entry, start, limits.maxEntryBytes),
      };
    }
  } catch (err) {
    throw err instanceof VigilError ? err : badZip(file, err);
  } finally {
    zip.close();
    reader.closeNow();
  }
}

function nextEntry(zip: yauzl.ZipFile, failed: () => unknown): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (entry: yauzl.Entry): void => (done(), resolve(entry));
    const onEnd = (): void => (done(), resolve(undefined));
    const onError = (err: unknown): void => (done(), reject(err));

    const earlier = failed();
    if (earlier) return reject(earlier);
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    zip.readEntry();
  });
}
