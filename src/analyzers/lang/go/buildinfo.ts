// Go's build information, as the linker stores it since Go 1.13: a 32-byte
// header that starts with "\xff Go buildinf:", 16-byte aligned near the start
// of the data (ELF: its own .go.buildinfo section), then the toolchain
// version and the module list (`go version -m` prints the same). Before Go
// 1.18 the header held pointers to two Go strings elsewhere in the data;
// since then (flag bit 2) both strings follow the header, each prefixed by
// its length as a varint.
import type { ByteSource } from "../../types.js";
import { occurrences } from "../../../util/byte-source.js";
import { findSection, readAtAddress, type ObjectFile } from "../native/object-file.js";

export const BUILDINFO_MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
const HEADER_BYTES = 32;
const ALIGN = 16;
const FLAG_BIG_ENDIAN = 0x1;
const FLAG_INLINE = 0x2;

/** How far into the data region the header is looked for: the linker puts it near the start. */
const SEARCH_BYTES = 32 << 20;
/** No real module list comes near this; a longer one is a lie or damage. */
const MAX_STRING_BYTES = 16 << 20;

/** Where a raw build info blob was found, before its strings are decoded. */
export interface RawBuildInfo {
  version: string;
  modinfo: string;
}

export type RawResult = { ok: RawBuildInfo } | { error: string } | { none: true };

/**
 * Finds the header where Go's own reader looks (a build info section, else
 * the first writable segment) and decodes its two strings.
 */
export async function readRawBuildInfo(obj: ObjectFile, source: ByteSource): Promise<RawResult> {
  const region = dataRegion(obj);
  if (!region) return { none: true };

  const data = await source.read(region.offset, Math.min(region.size, SEARCH_BYTES));
  const at = findAligned(data, region.offset);
  if (at === undefined) return { none: true };

  const header = data.subarray(at, at + HEADER_BYTES);
  if (header.length < HEADER_BYTES) return { error: "the build info header is cut short" };
  if ((header[15] ?? 0) & FLAG_INLINE) return inlineStrings(data.subarray(at + HEADER_BYTES));
  return pointedStrings(obj, source, header);
}

/**
 * Without usable headers (a truncated or damaged file) the inline format can
 * still be read from the file's bytes: it holds no addresses.
 */
export async function scanForInlineBuildInfo(source: ByteSource): Promise<RawResult> {
  for await (const at of occurrences(source, BUILDINFO_MAGIC)) {
    if (at % ALIGN !== 0) continue;
    const header = await source.read(at, HEADER_BYTES);
    const ptrSize = header[14];
    if (header.length < HEADER_BYTES || (ptrSize !== 4 && ptrSize !== 8)) continue;
    if (!((header[15] ?? 0) & FLAG_INLINE)) {
      return { error: "pre-1.18 build info needs the file's segment table, which is damaged" };
    }
    return inlineStrings(await source.read(at + HEADER_BYTES, MAX_STRING_BYTES));
  }
  return { none: true };
}

function dataRegion(obj: ObjectFile): { offset: number; size: number } | undefined {
  const named =
    findSection(obj, ".go.buildinfo") ??
    findSection(obj, "__go_buildinfo") ??
    (obj.format === "pe" ? findSection(obj, ".data") : undefined);
  if (named) return named;
  const writable = obj.segments.find((s) => s.writable && s.fileSize > 0);
  return writable && { offset: writable.offset, size: writable.fileSize };
}

/**
 * The first magic at an aligned file position. Alignment in memory and in the
 * file agree for these formats, so the file offset is what is checked.
 */
function findAligned(data: Buffer, base: number): number | undefined {
  for (let from = 0; ; ) {
    const i = data.indexOf(BUILDINFO_MAGIC, from);
    if (i < 0) return undefined;
    const ptrSize = data[i + 14];
    if ((base + i) % ALIGN === 0 && (ptrSize === 4 || ptrSize === 8)) return i;
    from = i + 1;
  }
}

function inlineStrings(rest: Buffer): RawResult {
  const version = varintString(rest, 0);
  if ("error" in version) return version;
  const modinfo = varintString(rest, version.next);
  if ("error" in modinfo) return modinfo;
  return { ok: { version: version.text, modinfo: modinfo.text } };
}

function varintString(b: Buffer, at: number): { text: string; next: number } | { error: string } {
  let length = 0;
  let shift = 0;
  let i = at;
  for (; ; i++) {
    if (i >= b.length || shift > 49) return { error: "the build info length is cut short" };
    const byte = b[i] as number;
    length += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) break;
  }
  const start = i + 1;
  if (length > MAX_STRING_BYTES || start + length > b.length) {
    return { error: `a build info string claims ${length} bytes, past the end of its section` };
  }
  return { text: b.toString("utf8", start, start + length), next: start + length };
}

/** Pre-1.18: the header points at two Go string headers (data pointer, length). */
async function pointedStrings(
  obj: ObjectFile,
  source: ByteSource,
  header: Buffer,
): Promise<RawResult> {
  const ptrSize = header[14] as 4 | 8;
  const bigEndian = ((header[15] ?? 0) & FLAG_BIG_ENDIAN) !== 0;
  const pointer = (b: Buffer, at: number) => readPointer(b, at, ptrSize, bigEndian);

  const strings: string[] = [];
  for (const at of [16, 16 + ptrSize]) {
    const stringHeader = await readAtAddress(obj, source, pointer(header, at), 2 * ptrSize);
    if (!stringHeader) return { error: "a build info pointer leads outside the file's segments" };
    const length = pointer(stringHeader, ptrSize);
    if (length > MAX_STRING_BYTES) {
      return { error: `a build info string claims ${length} bytes, which is implausible` };
    }
    // A GOPATH-mode build leaves the module string empty, in zero-filled memory.
    const text =
      length === 0
        ? Buffer.alloc(0)
        : await readAtAddress(obj, source, pointer(stringHeader, 0), length);
    if (!text) return { error: `a build info string of ${length} bytes runs outside the file` };
    strings.push(text.toString("utf8"));
  }
  return { ok: { version: strings[0] ?? "", modinfo: strings[1] ?? "" } };
}

function readPointer(b: Buffer, at: number, size: 4 | 8, bigEndian: boolean): number {
  if (size === 4) return bigEndian ? b.readUInt32BE(at) : b.readUInt32LE(at);
  const v = bigEndian ? b.readBigUInt64BE(at) : b.readBigUInt64LE(at);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}
