// Reads a zip (jar, war, ear …) by random access through a ByteSource, in
// memory or spilled: yauzl parses the central directory; the few entries
// the Java analyzer needs are read here, inflated with a hard output limit.
// Nothing is extracted to disk, and entry names are never used as paths.
import { Readable } from "node:stream";
import { crc32, inflateRawSync } from "node:zlib";
import yauzl from "yauzl";
import type { ByteSource } from "../../types.js";
import { memorySource, sliceSource } from "../../../util/byte-source.js";

export interface ZipEntry {
  /** As stored (UTF-8 decoded); may be hostile: `../x`, `/etc/passwd`. */
  name: string;
  /** A `..` component, or an absolute or drive path: such an entry is never read. */
  unsafe: boolean;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  headerOffset: number;
  encrypted: boolean;
}

const STORED = 0;
const DEFLATED = 8;
const LOCAL_HEADER_BYTES = 30;

/** yauzl 3 sets `fileNameRaw` on every entry; @types/yauzl (written for 2.x) lacks it. */
interface EntryV3 extends yauzl.Entry {
  fileNameRaw: Buffer;
}

/** The entries in directory order, up to `maxEntries`; throws on a broken directory. */
export async function listEntries(
  source: ByteSource,
  maxEntries: number,
): Promise<{ entries: ZipEntry[]; total: number }> {
  const zip = await openZip(source);
  // yauzl reports errors as events; one with no listener would be thrown from nowhere.
  let failure: unknown;
  zip.on("error", (err) => (failure ??= err));
  const entries: ZipEntry[] = [];
  try {
    while (entries.length < Math.min(maxEntries, zip.entryCount)) {
      if (failure) throw failure;
      const entry = await nextEntry(zip);
      if (!entry) break;
      entries.push(describe(entry as EntryV3));
    }
  } finally {
    zip.close();
  }
  return { entries, total: zip.entryCount };
}

function describe(entry: EntryV3): ZipEntry {
  const name = entry.fileNameRaw.toString("utf8").replace(/\\/g, "/");
  return {
    name,
    unsafe: /^\/|^[A-Za-z]:|(?:^|\/)\.\.(?:\/|$)/.test(name),
    method: entry.compressionMethod,
    compressedSize: entry.compressedSize,
    size: entry.uncompressedSize,
    crc: entry.crc32,
    headerOffset: entry.relativeOffsetOfLocalHeader,
    encrypted: entry.isEncrypted(),
  };
}

/** An entry's bytes, inflated to at most `limit` bytes and checked against its CRC. */
export async function readEntry(
  source: ByteSource,
  entry: ZipEntry,
  limit: number,
): Promise<Buffer> {
  if (entry.size > limit) throw new Error(`${entry.name} is ${entry.size} bytes, over ${limit}`);
  const raw = await source.read(await dataStart(source, entry), entry.compressedSize);
  if (raw.length !== entry.compressedSize) throw new Error(`${entry.name} is cut short`);

  // Inflating stops at the size the directory states: a lying entry cannot grow past it.
  const data = entry.method === STORED ? raw : inflate(entry, raw, entry.size);
  if (data.length !== entry.size) {
    throw new Error(`${entry.name} is ${data.length} bytes, its header says ${entry.size}`);
  }
  if (crc32(data) !== entry.crc) throw new Error(`${entry.name} fails its CRC check`);
  return data;
}

/**
 * An entry as a source of its own: a stored one is a window on the archive
 * (nothing is copied, however big), a deflated one is inflated into memory.
 */
export async function entrySource(
  source: ByteSource,
  entry: ZipEntry,
  inflateLimit: number,
): Promise<ByteSource> {
  if (entry.method !== STORED) {
    return memorySource(await readEntry(source, entry, inflateLimit));
  }
  if (entry.compressedSize !== entry.size) throw new Error(`${entry.name}: stored sizes differ`);
  return sliceSource(source, await dataStart(source, entry), entry.size);
}

function inflate(entry: ZipEntry, raw: Buffer, limit: number): Buffer {
  if (entry.encrypted) throw new Error(`${entry.name} is encrypted`);
  if (entry.method !== DEFLATED) {
    throw new Error(`${entry.name} uses compression method ${entry.method}`);
  }
  try {
    return inflateRawSync(raw, { maxOutputLength: Math.max(1, limit) });
  } catch (err) {
    if (err instanceof RangeError) {
      throw new Error(`${entry.name} inflates past the ${limit} bytes its header states`);
    }
    throw err;
  }
}

/** The local header repeats the name and has its own extra field: its lengths give the data's start. */
async function dataStart(source: ByteSource, entry: ZipEntry): Promise<number> {
  const header = await source.read(entry.headerOffset, LOCAL_HEADER_BYTES);
  if (header.length < LOCAL_HEADER_BYTES || header.readUInt32LE(0) !== 0x04034b50) {
    throw new Error(`${entry.name}: no local header at ${entry.headerOffset}`);
  }
  return (
    entry.headerOffset + LOCAL_HEADER_BYTES + header.readUInt16LE(26) + header.readUInt16LE(28)
  );
}

const BLOCK_BYTES = 64 << 10;

/**
 * yauzl's reads, served from the source. The central directory is read in
 * 46-byte records and names; from a spill file those come out of one cached
 * block at a time rather than a file read each.
 */
class SourceReader extends yauzl.RandomAccessReader {
  private block?: { start: number; bytes: Buffer };

  constructor(private readonly source: ByteSource) {
    super();
  }

  private async readRange(position: number, length: number): Promise<Buffer> {
    if (this.source.buffer || length > BLOCK_BYTES / 4) return this.source.read(position, length);
    const cached = this.block;
    if (
      cached &&
      position >= cached.start &&
      position + length <= cached.start + cached.bytes.length
    ) {
      return cached.bytes.subarray(position - cached.start, position - cached.start + length);
    }
    const bytes = await this.source.read(position, BLOCK_BYTES);
    this.block = { start: position, bytes };
    return bytes.subarray(0, length);
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    this.readRange(position, length).then(
      (bytes) => {
        if (bytes.length < length) return callback(new Error(`read past the end at ${position}`));
        bytes.copy(buffer, offset);
        callback(null);
      },
      (err: Error) => callback(err),
    );
  }

  override _readStreamForRange(start: number, end: number): Readable {
    const source = this.source;
    return Readable.from(
      (async function* () {
        yield await source.read(start, end - start);
      })(),
    );
  }
}

function openZip(source: ByteSource): Promise<yauzl.ZipFile> {
  // decodeStrings off: yauzl would reject the whole zip over one `../` name; those are judged here.
  const options = {
    lazyEntries: true,
    autoClose: false,
    decodeStrings: false,
    validateEntrySizes: true,
  };
  return new Promise((resolve, reject) =>
    yauzl.fromRandomAccessReader(new SourceReader(source), source.size, options, (err, zip) =>
      err ? reject(err) : resolve(zip),
    ),
  );
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = () => {
      zip.off("entry", onEntry);
      zip.off("end", onEnd);
      zip.off("error", onError);
    };
    const onEntry = (entry: yauzl.Entry) => (done(), resolve(entry));
    const onEnd = () => (done(), resolve(undefined));
    const onError = (err: unknown) => (done(), reject(err));
    zip.on("entry", onEntry);
    zip.on("end", onEnd);
    zip.on("error", onError);
    zip.readEntry();
  });
}
