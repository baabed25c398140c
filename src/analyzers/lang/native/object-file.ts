// Just enough of ELF, PE and Mach-O to find a named section and to map a
// virtual address to its bytes in the file: what Go build info and
// cargo-auditable data need. Headers are read through a ByteSource, so a
// 2 GiB binary costs a few small reads, and every offset is checked against
// the file's size before it is trusted.
import type { ByteSource } from "../../types.js";

export interface Section {
  name: string;
  /** Mach-O segment (`__DATA`); absent for ELF and PE. */
  segment?: string;
  offset: number;
  size: number;
  addr: number;
}

/**
 * A loadable range of the file: where `fileSize` bytes from `offset` sit in
 * memory; the rest of `memSize` is zero-filled (.bss).
 */
export interface Segment {
  vaddr: number;
  offset: number;
  fileSize: number;
  memSize: number;
  writable: boolean;
}

export interface ObjectFile {
  format: "elf" | "pe" | "macho";
  littleEndian: boolean;
  /** What is missing when the headers are whole but the file is cut short. */
  damage?: string;
  /** Sections with bytes in the file (not .bss and other zero-fill ones). */
  sections: Section[];
  segments: Segment[];
}

export type ObjectResult = { ok: ObjectFile } | { error: string };

export type ObjectFormat = ObjectFile["format"];

/**
 * Which format the first bytes announce. Mach-O universal (fat) files are
 * left out: their magic is Java class files' too, and they are rare in Linux
 * images (issue 4).
 */
export function objectFormat(head: Buffer): ObjectFormat | undefined {
  if (head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46) return "elf";
  if (head.length >= 2 && head[0] === 0x4d && head[1] === 0x5a) return "pe";
  if (head.length < 4) return undefined;
  const magic = head.readUInt32LE(0);
  const swapped = head.readUInt32BE(0);
  return MACHO_MAGICS.has(magic) || MACHO_MAGICS.has(swapped) ? "macho" : undefined;
}

const MACHO_MAGICS = new Set([0xfeedface, 0xfeedfacf]);

/** Headers bigger than this are not believed: no real binary has 16 MiB of them. */
const MAX_HEADER_BYTES = 16 << 20;

export async function readObjectFile(source: ByteSource): Promise<ObjectResult> {
  const head = await source.read(0, 64);
  try {
    switch (objectFormat(head)) {
      case "elf":
        return { ok: await readElf(new Reader(source, head[5] !== 2), head) };
      case "pe":
        return { ok: await readPe(new Reader(source, true)) };
      case "macho":
        return { ok: await readMachO(source, head) };
      default:
        return { error: "not an ELF, PE or Mach-O file" };
    }
  } catch (err) {
    if (err instanceof Malformed) return { error: err.message };
    throw err;
  }
}

/**
 * Bytes at a virtual address, from the segment that maps it: zeros in its
 * zero-filled tail, undefined when no segment maps all of them.
 */
export async function readAtAddress(
  obj: ObjectFile,
  source: ByteSource,
  addr: number,
  length: number,
): Promise<Buffer | undefined> {
  const seg = obj.segments.find((s) => addr >= s.vaddr && addr + length <= s.vaddr + s.memSize);
  if (!seg) return undefined;
  if (addr >= seg.vaddr + seg.fileSize) return Buffer.alloc(length);
  if (addr + length > seg.vaddr + seg.fileSize) return undefined;
  const bytes = await source.read(seg.offset + (addr - seg.vaddr), length);
  return bytes.length === length ? bytes : undefined;
}

export function findSection(obj: ObjectFile, name: string): Section | undefined {
  return obj.sections.find((s) => s.name === name);
}

class Malformed extends Error {}

/** Checked reads: a range past the end of the file is a Malformed error naming it. */
class Reader {
  constructor(
    readonly source: ByteSource,
    readonly littleEndian: boolean,
  ) {}

  async bytes(offset: number, length: number, what: string): Promise<Buffer> {
    if (length > MAX_HEADER_BYTES) throw new Malformed(`${what}: ${length} bytes is implausible`);
    if (offset < 0 || offset + length > this.source.size) {
      throw new Malformed(
        `truncated: the file ends at ${this.source.size} bytes, ` +
          `before ${what} (${length} bytes at ${offset})`,
      );
    }
    return this.source.read(offset, length);
  }

  u16(b: Buffer, at: number): number {
    return this.littleEndian ? b.readUInt16LE(at) : b.readUInt16BE(at);
  }

  u32(b: Buffer, at: number): number {
    return this.littleEndian ? b.readUInt32LE(at) : b.readUInt32BE(at);
  }

  u64(b: Buffer, at: number): number {
    const v = this.littleEndian ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Malformed(`a 64-bit field is out of range`);
    return Number(v);
  }
}

// --- ELF -----------------------------------------------------------------------

const PT_LOAD = 1;
const PF_W = 2;
const SHT_NOBITS = 8;

async function readElf(r: Reader, head: Buffer): Promise<ObjectFile> {
  if (head.length < 52) throw new Malformed("truncated: the ELF header is incomplete");
  const is64 = head[4] === 2;
  if (is64 && head.length < 64) throw new Malformed("truncated: the ELF header is incomplete");

  const field = is64
    ? { phoff: r.u64(head, 32), shoff: r.u64(head, 40), at: 54 }
    : { phoff: r.u32(head, 28), shoff: r.u32(head, 32), at: 42 };
  const [phentsize, phnum, shentsize, shnum, shstrndx] = [0, 2, 4, 6, 8].map((d) =>
    r.u16(head, field.at + d),
  ) as [number, number, number, number, number];

  const segments = await elfSegments(r, is64, field.phoff, phentsize, phnum);
  const sections =
    field.shoff === 0 ? [] : await elfSections(r, is64, field.shoff, shentsize, shnum, shstrndx);
  const damage = pastTheEnd(segments, r.source.size);
  return {
    format: "elf",
    littleEndian: r.littleEndian,
    sections,
    segments,
    ...(damage && { damage }),
  };
}

/** Go's linker writes its section headers early: a cut file shows as a segment past the end. */
function pastTheEnd(segments: Segment[], size: number): string | undefined {
  const cut = segments.find((s) => s.offset + s.fileSize > size);
  return (
    cut &&
    `truncated: a segment at ${cut.offset}+${cut.fileSize} runs past the end of the ${size}-byte file`
  );
}

async function elfSegments(r: Reader, is64: boolean, off: number, size: number, count: number) {
  if (count === 0) return [];
  if (size < (is64 ? 56 : 32)) throw new Malformed(`program header size ${size} is too small`);
  const table = await r.bytes(off, size * count, "the program headers");

  const segments: Segment[] = [];
  for (let i = 0; i < count; i++) {
    const b = table.subarray(i * size);
    if (r.u32(b, 0) !== PT_LOAD) continue;
    const flags = r.u32(b, is64 ? 4 : 24);
    const fileSize = is64 ? r.u64(b, 32) : r.u32(b, 16);
    segments.push({
      offset: is64 ? r.u64(b, 8) : r.u32(b, 4),
      vaddr: is64 ? r.u64(b, 16) : r.u32(b, 8),
      fileSize,
      memSize: Math.max(fileSize, is64 ? r.u64(b, 40) : r.u32(b, 20)),
      writable: (flags & PF_W) !== 0,
    });
  }
  return segments;
}

async function elfSections(
  r: Reader,
  is64: boolean,
  off: number,
  size: number,
  count: number,
  namesIndex: number,
): Promise<Section[]> {
  if (size < (is64 ? 64 : 40)) throw new Malformed(`section header size ${size} is too small`);
  if (count === 0) {
    // Extended numbering: more than 0xff00 sections keep their count in section 0.
    const first = await r.bytes(off, size, "the section headers");
    count = is64 ? r.u64(first, 32) : r.u32(first, 20);
  }
  const table = await r.bytes(off, size * count, "the section headers");

  const raw = Array.from({ length: count }, (_, i) => {
    const b = table.subarray(i * size);
    return {
      nameAt: r.u32(b, 0),
      type: r.u32(b, 4),
      addr: is64 ? r.u64(b, 16) : r.u32(b, 12),
      offset: is64 ? r.u64(b, 24) : r.u32(b, 16),
      size: is64 ? r.u64(b, 32) : r.u32(b, 20),
    };
  });
  const strtab = raw[namesIndex];
  const names = strtab ? await r.bytes(strtab.offset, strtab.size, "the section names") : undefined;

  return raw
    .filter((s) => s.type !== SHT_NOBITS && s.offset + s.size <= r.source.size)
    .map((s) => ({ name: cString(names, s.nameAt), offset: s.offset, size: s.size, addr: s.addr }));
}

function cString(table: Buffer | undefined, at: number): string {
  if (!table || at >= table.length) return "";
  const end = table.indexOf(0, at);
  return table.toString("latin1", at, end < 0 ? table.length : end);
}

// --- PE ------------------------------------------------------------------------

const PE32_PLUS = 0x20b;
const SCN_MEM_WRITE = 0x80000000;

async function readPe(r: Reader): Promise<ObjectFile> {
  const dos = await r.bytes(0, 64, "the DOS header");
  const peAt = r.u32(dos, 0x3c);
  const coff = await r.bytes(peAt, 24, "the PE header");
  if (coff.readUInt32BE(0) !== 0x50450000) throw new Malformed("no PE signature");

  const sectionCount = r.u16(coff, 6);
  const symbolsAt = r.u32(coff, 12);
  const symbolCount = r.u32(coff, 16);
  const optionalSize = r.u16(coff, 20);
  const optional = await r.bytes(peAt + 24, optionalSize, "the optional header");
  if (optional.length < 32) throw new Malformed("the optional header is too short");
  const imageBase = r.u16(optional, 0) === PE32_PLUS ? r.u64(optional, 24) : r.u32(optional, 28);

  const table = await r.bytes(peAt + 24 + optionalSize, 40 * sectionCount, "the section table");
  const strings = symbolsAt === 0 ? undefined : symbolsAt + 18 * symbolCount;
  const sections: Section[] = [];
  const segments: Segment[] = [];
  let damage: string | undefined;
  for (let i = 0; i < sectionCount; i++) {
    const b = table.subarray(i * 40, i * 40 + 40);
    const virtualSize = r.u32(b, 8);
    const rawSize = r.u32(b, 16);
    const offset = r.u32(b, 20);
    const size = Math.min(virtualSize || rawSize, rawSize);
    const addr = imageBase + r.u32(b, 12);
    if (offset + size > r.source.size) {
      damage ??=
        `truncated: a section at ${offset}+${size} runs past the end ` +
        `of the ${r.source.size}-byte file`;
      continue;
    }
    const writable = (r.u32(b, 36) & SCN_MEM_WRITE) !== 0;
    sections.push({ name: await peSectionName(r, b, strings), offset, size, addr });
    segments.push({
      vaddr: addr,
      offset,
      fileSize: size,
      memSize: Math.max(virtualSize, size),
      writable,
    });
  }
  return { format: "pe", littleEndian: true, sections, segments, ...(damage && { damage }) };
}

/** Names longer than 8 bytes are `/N`, an offset into the COFF string table. */
async function peSectionName(r: Reader, header: Buffer, strings: number | undefined) {
  const short = cString(header.subarray(0, 8), 0);
  const at = /^\/(\d+)$/.exec(short);
  if (!at || strings === undefined) return short;
  const offset = strings + Number(at[1]);
  if (offset >= r.source.size) return short;
  const bytes = await r.source.read(offset, 256);
  return cString(bytes, 0);
}

// --- Mach-O ---------------------------------------------------------------------

const LC_SEGMENT = 0x1;
const LC_SEGMENT_64 = 0x19;
const VM_PROT_WRITE = 2;
const ZEROFILL_TYPES = new Set([0x1, 0xc, 0x12]);

async function readMachO(source: ByteSource, head: Buffer): Promise<ObjectFile> {
  const littleEndian = MACHO_MAGICS.has(head.readUInt32LE(0));
  const r = new Reader(source, littleEndian);
  const is64 = (littleEndian ? head.readUInt32LE(0) : head.readUInt32BE(0)) === 0xfeedfacf;
  const header = await r.bytes(0, is64 ? 32 : 28, "the Mach-O header");
  const commandCount = r.u32(header, 16);
  const commands = await r.bytes(header.length, r.u32(header, 20), "the load commands");

  const sections: Section[] = [];
  const segments: Segment[] = [];
  let at = 0;
  for (let i = 0; i < commandCount && at + 8 <= commands.length; i++) {
    const cmd = r.u32(commands, at);
    const cmdSize = r.u32(commands, at + 4);
    if (cmdSize < 8 || at + cmdSize > commands.length)
      throw new Malformed("a load command is cut short");
    if (cmd === LC_SEGMENT_64 || cmd === LC_SEGMENT) {
      machoSegment(
        r,
        commands.subarray(at, at + cmdSize),
        cmd === LC_SEGMENT_64,
        sections,
        segments,
      );
    }
    at += cmdSize;
  }
  return { format: "macho", littleEndian, sections, segments };
}

function machoSegment(
  r: Reader,
  b: Buffer,
  is64: boolean,
  sections: Section[],
  segments: Segment[],
): void {
  const word = (at: number) => (is64 ? r.u64(b, at) : r.u32(b, at));
  const step = is64 ? 8 : 4;
  const vaddr = word(24);
  const memSize = word(24 + step);
  const offset = word(24 + 2 * step);
  const fileSize = word(24 + 3 * step);
  const fixed = 24 + 4 * step;
  const initprot = r.u32(b, fixed + 4);
  const count = r.u32(b, fixed + 8);
  if (fileSize > 0 && offset + fileSize <= r.source.size) {
    const writable = (initprot & VM_PROT_WRITE) !== 0;
    segments.push({ vaddr, offset, fileSize, memSize: Math.max(memSize, fileSize), writable });
  }

  const size = is64 ? 80 : 68;
  for (let i = 0; i < count; i++) {
    const s = b.subarray(fixed + 16 + i * size, fixed + 16 + (i + 1) * size);
    if (s.length < size) throw new Malformed("a segment's section list is cut short");
    const sectionSize = is64 ? r.u64(s, 40) : r.u32(s, 36);
    const sectionOffset = r.u32(s, is64 ? 48 : 40);
    const flags = r.u32(s, is64 ? 64 : 56);
    if (ZEROFILL_TYPES.has(flags & 0xff) || sectionOffset + sectionSize > r.source.size) continue;
    sections.push({
      name: cString(s.subarray(0, 16), 0),
      segment: cString(s.subarray(16, 32), 0),
      offset: sectionOffset,
      size: sectionSize,
      addr: is64 ? r.u64(s, 32) : r.u32(s, 32),
    });
  }
}
