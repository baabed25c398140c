// rpm's own "ndb" format (`Packages.db`, SUSE since 15 SP3 and others). All
// numbers are little-endian. A 32-byte file header is followed by slot pages
// of 4 KiB; each 16-byte slot names a package index and where its blob sits,
// counted in 16-byte blocks. A blob is a 16-byte head (magic, package index,
// generation, length), the header blob, zero padding to a block, and a
// 12-byte tail (adler32 of everything before it, length, magic).
import type { Warn } from "./db.js";

const magic = (s: string) => Buffer.from(s, "latin1").readUInt32LE(0);

export const NDB_MAGIC = magic("RpmP");
const SLOT_MAGIC = magic("Slot");
const BLOB_HEAD_MAGIC = magic("BlbS");
const BLOB_TAIL_MAGIC = magic("BlbE");

const FILE_HEADER = 32;
const SLOT_PAGE = 4096;
const SLOT_SIZE = 16;
const BLOCK = 16;
const BLOB_HEAD = 16;
const BLOB_TAIL = 12;

/** Yields each package's header blob; problems go to `warn`, never thrown. */
export function* ndbBlobs(db: Buffer, warn: Warn): Generator<Buffer> {
  if (db.length < FILE_HEADER || db.readUInt32LE(0) !== NDB_MAGIC) {
    warn("not an rpm ndb database");
    return;
  }
  const version = db.readUInt32LE(4);
  if (version !== 0) {
    warn(`rpm ndb database has version ${version}; only version 0 is known`);
    return;
  }

  const slotPages = db.readUInt32LE(12);
  const slotEnd = slotPages * SLOT_PAGE;
  if (slotPages === 0 || slotEnd > db.length) {
    warn(`rpm ndb database claims ${slotPages} slot pages in ${db.length} bytes`);
    return;
  }

  const slots = readSlots(db, slotEnd, warn);

  // Blobs never overlap; a slot that points into another's blob is corrupt
  // (and reading it again and again would cost time without bound).
  slots.sort((x, y) => x.blockOffset - y.blockOffset);
  let free = 0;
  for (const slot of slots) {
    if (slot.blockOffset < free) {
      warn(`rpm ndb package ${slot.pkgIdx} overlaps another package's blob`);
      continue;
    }
    const blob = readBlob(db, slot, slotEnd, warn);
    if (blob) yield blob;
    const end = slot.blockOffset + slot.blockCount;
    if (end * BLOCK <= db.length) free = end;
  }
}

interface Slot {
  pkgIdx: number;
  blockOffset: number;
  blockCount: number;
}

function readSlots(db: Buffer, slotEnd: number, warn: Warn): Slot[] {
  const slots: Slot[] = [];
  for (let at = FILE_HEADER; at < slotEnd; at += SLOT_SIZE) {
    if (db.readUInt32LE(at) !== SLOT_MAGIC) {
      warn(`rpm ndb slot at byte ${at} is corrupt; the slots after it are skipped`);
      break;
    }
    const blockOffset = db.readUInt32LE(at + 8);
    if (blockOffset === 0) continue; // a free slot
    slots.push({
      pkgIdx: db.readUInt32LE(at + 4),
      blockOffset,
      blockCount: db.readUInt32LE(at + 12),
    });
  }
  return slots;
}

function readBlob(db: Buffer, slot: Slot, slotEnd: number, warn: Warn): Buffer | undefined {
  const { pkgIdx, blockOffset, blockCount } = slot;
  const start = blockOffset * BLOCK;
  const end = start + blockCount * BLOCK;
  const where = `rpm ndb package ${pkgIdx}`;
  if (pkgIdx === 0 || start < slotEnd || end > db.length || end - start < BLOB_HEAD + BLOB_TAIL) {
    warn(`${where} has a bad slot (blocks ${blockOffset}+${blockCount})`);
    return undefined;
  }

  const head = db.subarray(start, start + BLOB_HEAD);
  const length = head.readUInt32LE(12);
  if (head.readUInt32LE(0) !== BLOB_HEAD_MAGIC || head.readUInt32LE(4) !== pkgIdx) {
    warn(`${where}: blob head does not match its slot`);
    return undefined;
  }
  if (Math.ceil((BLOB_HEAD + length + BLOB_TAIL) / BLOCK) !== blockCount) {
    warn(`${where}: blob of ${length} bytes does not fill its ${blockCount} blocks`);
    return undefined;
  }

  const tail = db.subarray(end - BLOB_TAIL, end);
  if (tail.readUInt32LE(8) !== BLOB_TAIL_MAGIC || tail.readUInt32LE(4) !== length) {
    warn(`${where}: blob tail is corrupt`);
    return undefined;
  }
  if (adler32(db.subarray(start, end - BLOB_TAIL)) !== tail.readUInt32LE(0)) {
    warn(`${where}: blob checksum does not match`);
    return undefined;
  }
  return db.subarray(start + BLOB_HEAD, start + BLOB_HEAD + length);
}

/** Adler-32 (RFC 1950), reduced every 5552 bytes so the sums stay exact. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; ) {
    const stop = Math.min(i + 5552, data.length);
    for (; i < stop; i++) {
      a += data[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
