// The rpm header blob as the package database stores it (the "header image",
// without the lead and magic of a .rpm file): two big-endian counts, `il`
// index entries of 16 bytes (tag, type, offset, count), then `dl` bytes of
// data. The first entry may be a region tag whose 16-byte trailer in the data
// says how many entries the immutable region holds; entries after it were
// added at install time and win over region entries of the same tag.

const ENTRY_SIZE = 16;

// rpm's own import limits (header_internal.h): hostile counts stop here.
const MAX_ENTRIES = 0xffff;
const MAX_DATA = 0x0fffffff;

const enum TagType {
  Null = 0,
  Char = 1,
  Int8 = 2,
  Int16 = 3,
  Int32 = 4,
  Int64 = 5,
  String = 6,
  Bin = 7,
  StringArray = 8,
  I18nString = 9,
}

const TYPE_SIZE: Record<number, number> = {
  [TagType.Null]: 0,
  [TagType.Char]: 1,
  [TagType.Int8]: 1,
  [TagType.Int16]: 2,
  [TagType.Int32]: 4,
  [TagType.Int64]: 8,
  [TagType.Bin]: 1,
};

export const Tag = {
  HeaderImage: 61,
  HeaderSignatures: 62,
  HeaderImmutable: 63,
  Name: 1000,
  Version: 1001,
  Release: 1002,
  Epoch: 1003,
  Vendor: 1011,
  License: 1014,
  Arch: 1022,
  OldFilenames: 1027,
  SourceRpm: 1044,
  DirIndexes: 1116,
  Basenames: 1117,
  Dirnames: 1118,
  ModularityLabel: 5096,
} as const;

interface Entry {
  type: number;
  offset: number;
  count: number;
}

/** The facts vigil needs from one installed package's header. */
export interface RpmHeader {
  name: string;
  /** Absent when the package has no Epoch tag (rpm's EPOCHNUM is then 0). */
  epoch?: number;
  version: string;
  release: string;
  arch?: string;
  /** The SOURCERPM file name, e.g. `bash-4.2.46-30.el7.src.rpm`. */
  sourceRpm?: string;
  /** Name, version and release read from the SOURCERPM file name. */
  source?: SourceRpm;
  license?: string;
  vendor?: string;
  /** Module stream of a modular package, `name:stream:version:context`. */
  modularityLabel?: string;
  /** Installed paths; only filled when asked for. */
  files?: string[];
}

export type HeaderResult = { ok: true; header: RpmHeader } | { ok: false; problem: string };

export interface ParseOptions {
  /** Also assemble the installed file list (dirnames + basenames). */
  files?: boolean;
}

/** Parses one header blob; never throws, a malformed blob gives a problem. */
export function parseHeader(blob: Buffer, options: ParseOptions = {}): HeaderResult {
  const index = readIndex(blob);
  if (typeof index === "string") return { ok: false, problem: index };
  const reader = new TagReader(index.data, index.entries);

  const name = reader.string(Tag.Name);
  const version = reader.string(Tag.Version);
  const release = reader.string(Tag.Release);
  if (name === undefined || version === undefined || release === undefined) {
    return { ok: false, problem: "header lacks a name, version or release" };
  }

  const header: RpmHeader = { name, version, release };
  const epoch = reader.int32(Tag.Epoch);
  if (epoch !== undefined) header.epoch = epoch;
  assign(header, "arch", reader.string(Tag.Arch));
  assign(header, "sourceRpm", reader.string(Tag.SourceRpm));
  assign(header, "source", parseSourceRpm(header.sourceRpm ?? ""));
  assign(header, "license", reader.string(Tag.License));
  assign(header, "vendor", reader.string(Tag.Vendor));
  assign(header, "modularityLabel", reader.string(Tag.ModularityLabel));

  if (options.files) {
    const files = fileList(reader);
    if (typeof files === "string") return { ok: false, problem: `${name}: ${files}` };
    header.files = files;
  }
  return { ok: true, header };
}

function assign<K extends keyof RpmHeader>(h: RpmHeader, key: K, value: RpmHeader[K]) {
  if (value !== undefined) h[key] = value;
}

function readIndex(blob: Buffer): { entries: Map<number, Entry>; data: Buffer } | string {
  if (blob.length < 8) return `header blob of ${blob.length} bytes is truncated`;
  const il = blob.readUInt32BE(0);
  const dl = blob.readUInt32BE(4);
  if (il < 1 || il > MAX_ENTRIES) return `header claims ${il} index entries`;
  if (dl > MAX_DATA) return `header claims ${dl} bytes of data`;

  const dataStart = 8 + il * ENTRY_SIZE;
  if (dataStart + dl > blob.length) {
    return `header truncated: needs ${dataStart + dl} bytes, blob has ${blob.length}`;
  }
  const data = blob.subarray(dataStart, dataStart + dl);

  const entries = new Map<number, Entry>();
  for (let i = 0; i < il; i++) {
    const at = 8 + i * ENTRY_SIZE;
    const tag = blob.readUInt32BE(at);
    const entry = {
      type: blob.readUInt32BE(at + 4),
      offset: blob.readUInt32BE(at + 8),
      count: blob.readUInt32BE(at + 12),
    };
    const problem = checkEntry(tag, entry, dl);
    if (problem) return problem;
    if (i === 0 && isRegionTag(tag)) {
      const regionProblem = checkRegion(tag, entry, data, il);
      if (regionProblem) return regionProblem;
      continue;
    }
    // A later entry (an install-time "dribble") replaces the region's copy.
    entries.set(tag, entry);
  }
  return { entries, data };
}

function isRegionTag(tag: number): boolean {
  return tag === Tag.HeaderImage || tag === Tag.HeaderSignatures || tag === Tag.HeaderImmutable;
}

function checkEntry(tag: number, e: Entry, dl: number): string | undefined {
  if (e.type > TagType.I18nString) return `tag ${tag} has unknown type ${e.type}`;
  if (e.offset > dl) return `tag ${tag} points past the data (${e.offset} > ${dl})`;

  const size = TYPE_SIZE[e.type];
  if (size !== undefined && e.offset + size * e.count > dl) {
    return `tag ${tag} overruns the data (${e.count} items at ${e.offset})`;
  }
  // Each string takes at least its NUL byte.
  if (size === undefined && e.count > dl - e.offset) {
    return `tag ${tag} claims ${e.count} strings in ${dl - e.offset} bytes`;
  }
  return undefined;
}

/** The trailer is a copy of the region entry whose offset is -(entries * 16). */
function checkRegion(tag: number, e: Entry, data: Buffer, il: number): string | undefined {
  if (e.type !== TagType.Bin || e.count !== ENTRY_SIZE) {
    return `region tag ${tag} has type ${e.type} and count ${e.count}`;
  }
  if (e.offset + ENTRY_SIZE > data.length) return `region trailer of tag ${tag} is truncated`;

  const trailerOffset = data.readInt32BE(e.offset + 8);
  const regionEntries = -trailerOffset / ENTRY_SIZE;
  if (!Number.isInteger(regionEntries) || regionEntries < 1 || regionEntries > il) {
    return `region of tag ${tag} claims ${regionEntries} entries of ${il}`;
  }
  return undefined;
}

class TagReader {
  constructor(
    private readonly data: Buffer,
    private readonly entries: Map<number, Entry>,
  ) {}

  /** A STRING, or the first of an I18N/STRING_ARRAY (as rpm's %{TAG} shows). */
  string(tag: number): string | undefined {
    const e = this.entries.get(tag);
    if (!e || e.count < 1) return undefined;
    const text = [TagType.String, TagType.I18nString, TagType.StringArray].includes(e.type);
    return text ? this.strings(e, 1)?.[0] : undefined;
  }

  stringArray(tag: number): string[] | undefined {
    const e = this.entries.get(tag);
    if (!e || e.type !== TagType.StringArray) return undefined;
    return this.strings(e, e.count);
  }

  int32(tag: number): number | undefined {
    const e = this.entries.get(tag);
    if (!e || e.type !== TagType.Int32 || e.count < 1) return undefined;
    return this.data.readUInt32BE(e.offset);
  }

  int32Array(tag: number): Uint32Array | undefined {
    const e = this.entries.get(tag);
    if (!e || e.type !== TagType.Int32) return undefined;
    const out = new Uint32Array(e.count);
    for (let i = 0; i < e.count; i++) out[i] = this.data.readUInt32BE(e.offset + i * 4);
    return out;
  }

  /** `n` NUL-terminated strings from the entry's offset; undefined if one runs off the end. */
  private strings(e: Entry, n: number): string[] | undefined {
    const out: string[] = [];
    let at = e.offset;
    for (let i = 0; i < n; i++) {
      const end = this.data.indexOf(0, at);
      if (end < 0) return undefined;
      out.push(this.data.toString("utf8", at, end));
      at = end + 1;
    }
    return out;
  }
}

/** Paths from DIRNAMES[DIRINDEXES[i]] + BASENAMES[i], or legacy OLDFILENAMES. */
function fileList(reader: TagReader): string[] | string {
  const basenames = reader.stringArray(Tag.Basenames);
  if (basenames === undefined) return reader.stringArray(Tag.OldFilenames) ?? [];

  const dirnames = reader.stringArray(Tag.Dirnames) ?? [];
  const dirIndexes = reader.int32Array(Tag.DirIndexes);
  if (dirIndexes === undefined || dirIndexes.length !== basenames.length) {
    return "file list has mismatched basenames and dirindexes";
  }

  const files: string[] = [];
  for (let i = 0; i < basenames.length; i++) {
    const dir = dirnames[dirIndexes[i] as number];
    if (dir === undefined)
      return `file ${i} names directory ${dirIndexes[i]} of ${dirnames.length}`;
    files.push(dir + basenames[i]);
  }
  return files;
}

export interface SourceRpm {
  name: string;
  version: string;
  release: string;
}

/**
 * Splits `name-version-release.src.rpm` (or `.nosrc.rpm`) at its last two
 * dashes. note: the file name carries no epoch; rpm gives every binary
 * package the epoch of its spec, so the binary's epoch is the source's.
 */
export function parseSourceRpm(file: string): SourceRpm | undefined {
  const m = /^(.+)-([^-]+)-([^-]+)\.(?:no)?src\.rpm$/.exec(file);
  if (!m) return undefined;
  return { name: m[1] as string, version: m[2] as string, release: m[3] as string };
}
