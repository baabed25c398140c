import { open, type FileHandle } from "node:fs/promises";
import { VigilError } from "../errors.js";

/** One member of an uncompressed tar file, located by byte range. */
export interface TarMember {
  name: string;
  type: "file" | "dir" | "symlink" | "hardlink" | "other";
  offset: number;
  size: number;
  linkname?: string;
}

const BLOCK = 512;
/** Archives that hold images have a handful of members; this bounds a hostile one. */
const MAX_MEMBERS = 1_000_000;
const MAX_META_BYTES = 1 << 20;

/**
 * Lists the members of an uncompressed tar file by reading only its headers,
 * so image archives are indexed without reading the layers they hold. Handles
 * ustar prefixes, pax `path`/`linkpath`/`size` and GNU long names.
 */
export async function indexTar(file: string): Promise<Map<string, TarMember>> {
  const fh = await open(file, "r");
  try {
    const { size } = await fh.stat();
    return await readMembers(fh, size, file);
  } finally {
    await fh.close();
  }
}

async function readMembers(fh: FileHandle, fileSize: number, file: string) {
  const members = new Map<string, TarMember>();
  const header = Buffer.alloc(BLOCK);
  let offset = 0;
  let pending: { path?: string; linkpath?: string; size?: number } = {};

  while (offset + BLOCK <= fileSize) {
    await readExactly(fh, header, offset);
    if (header.every((b) => b === 0)) break;
    if (!checksumOk(header)) {
      throw new VigilError("CORRUPT_LAYER", `${file}: bad tar header at byte ${offset}`);
    }

    const typeflag = String.fromCharCode(header[156] ?? 0);
    const size = pending.size ?? parseNumber(header.subarray(124, 136));
    const dataOffset = offset + BLOCK;
    if (dataOffset + size > fileSize) {
      throw new VigilError("CORRUPT_LAYER", `${file}: truncated tar member at byte ${offset}`, {
        hint: "the archive is incomplete; copy or export it again",
      });
    }

    if (typeflag === "x" || typeflag === "L" || typeflag === "K") {
      pending = { ...pending, ...(await readMeta(fh, typeflag, dataOffset, size, file)) };
    } else if (typeflag !== "g") {
      const member = memberFrom(header, typeflag, dataOffset, size, pending);
      members.set(member.name, member);
      pending = {};
      if (members.size > MAX_MEMBERS) {
        throw new VigilError("LIMIT_EXCEEDED", `${file}: more than ${MAX_MEMBERS} tar members`);
      }
    }
    offset = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
  }

  // A header cut short at the end: the archive was truncated mid-copy.
  if (offset < fileSize && fileSize - offset < BLOCK) {
    throw new VigilError(
      "CORRUPT_LAYER",
      `${file}: truncated inside the tar header at byte ${offset}`,
      {
        hint: "the archive is incomplete; copy or export it again",
      },
    );
  }
  return members;
}

function memberFrom(
  header: Buffer,
  typeflag: string,
  offset: number,
  size: number,
  pending: { path?: string; linkpath?: string },
): TarMember {
  const rawName = pending.path ?? ustarName(header);
  const name = rawName.replace(/^(\.\/)+/, "").replace(/\/+$/, "");
  const linkname = pending.linkpath ?? cString(header.subarray(157, 257));
  return { name, type: memberType(typeflag), offset, size, linkname: linkname || undefined };
}

function memberType(typeflag: string): TarMember["type"] {
  switch (typeflag) {
    case "0":
    case "\0":
    case "7":
      return "file";
    case "5":
      return "dir";
    case "2":
      return "symlink";
    case "1":
      return "hardlink";
    default:
      return "other";
  }
}

async function readMeta(fh: FileHandle, typeflag: string, at: number, size: number, file: string) {
  if (size > MAX_META_BYTES) {
    throw new VigilError("LIMIT_EXCEEDED", `${file}: tar extended header of ${size} bytes`);
  }
  const data = Buffer.alloc(size);
  await readExactly(fh, data, at);
  if (typeflag === "L") return { path: cString(data) };
  if (typeflag === "K") return { linkpath: cString(data) };
  return parsePax(data);
}

/** pax records are `LEN key=value\n`; only the keys that locate members matter here. */
export function parsePax(data: Buffer): { path?: string; linkpath?: string; size?: number } {
  const out: { path?: string; linkpath?: string; size?: number } = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = Number.parseInt(data.toString("ascii", pos, space), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const record = data.toString("utf8", space + 1, pos + len - 1);
    const eq = record.indexOf("=");
    const key = record.slice(0, eq);
    const value = record.slice(eq + 1);
    if (key === "path") out.path = value;
    else if (key === "linkpath") out.linkpath = value;
    else if (key === "size") out.size = Number.parseInt(value, 10);
    pos += len;
  }
  return out;
}

function ustarName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const isUstar = header.toString("ascii", 257, 262) === "ustar";
  const prefix = isUstar ? cString(header.subarray(345, 500)) : "";
  return prefix ? `${prefix}/${name}` : name;
}

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.toString("utf8", 0, end < 0 ? buf.length : end);
}

/** Octal, or GNU base-256 when the high bit of the first byte is set. */
function parseNumber(field: Buffer): number {
  if ((field[0] ?? 0) & 0x80) {
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = cString(field).trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  const stored = parseNumber(header.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  return sum === stored;
}

async function readExactly(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  const { bytesRead } = await fh.read(buf, 0, buf.length, position);
  if (bytesRead !== buf.length) {
    throw new VigilError("CORRUPT_LAYER", `unexpected end of archive at byte ${position}`);
  }
}
