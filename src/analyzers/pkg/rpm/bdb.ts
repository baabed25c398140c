// Berkeley DB hash database, as rpm up to 4.15 wrote `Packages`: page 0 is the
// hash meta page, hash pages hold key/data pairs (key = a 4-byte header
// instance number, data = the header blob), and a blob too big for a hash page
// lives on a chain of overflow pages. We read every hash page in file order,
// which needs no hash function and finds each pair once.
import type { Warn } from "./db.js";

export const BDB_HASH_MAGIC = 0x061561;
export const BDB_BTREE_MAGIC = 0x053162;

const META_SIZE = 512;
const PAGE_HEADER = 26;
// With checksums each page header is followed by 2 bytes of padding and a checksum.
const PAGE_HEADER_CHKSUM = 32;
const DBMETA_CHKSUM = 0x01;

const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;

const H_KEYDATA = 1;
const H_OFFPAGE = 3;

interface Layout {
  db: Buffer;
  le: boolean;
  pageSize: number;
  pages: number;
  overhead: number;
}

/** Yields each package's header blob; problems go to `warn`, never thrown. */
export function* bdbBlobs(db: Buffer, warn: Warn): Generator<Buffer> {
  const layout = readMeta(db, warn);
  if (!layout) return;

  // Overflow pages already given to an item: a page in two chains is corrupt.
  const claimed = new Uint8Array(layout.pages);
  for (let pgno = 1; pgno < layout.pages; pgno++) {
    const page = pageAt(layout, pgno);
    const type = page[25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    if (u32(layout, page, 8) !== pgno) {
      warn(`hash page ${pgno} names itself page ${u32(layout, page, 8)}; it is skipped`);
      continue;
    }
    yield* pairs(layout, pgno, claimed, warn);
  }
}

function readMeta(db: Buffer, warn: Warn): Layout | undefined {
  if (db.length < META_SIZE) {
    warn(`Berkeley DB file of ${db.length} bytes is shorter than its meta page`);
    return undefined;
  }

  // The magic tells the byte order of the machine that wrote the file.
  const le = db.readUInt32LE(12) === BDB_HASH_MAGIC;
  if (!le && db.readUInt32BE(12) !== BDB_HASH_MAGIC) {
    warn("not a Berkeley DB hash database (rpm's Packages is always a hash)");
    return undefined;
  }
  if (db[25] !== P_HASHMETA) {
    warn(`Berkeley DB meta page has type ${db[25]}, not a hash meta page`);
    return undefined;
  }
  if (db[24] !== 0) {
    warn("Berkeley DB database is encrypted; it cannot be read");
    return undefined;
  }

  const pageSize = le ? db.readUInt32LE(20) : db.readUInt32BE(20);
  if (pageSize < META_SIZE || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    warn(`Berkeley DB page size ${pageSize} is not a power of two from 512 to 64 KiB`);
    return undefined;
  }

  const lastPgno = le ? db.readUInt32LE(32) : db.readUInt32BE(32);
  const pages = Math.floor(db.length / pageSize);
  if (lastPgno + 1 > pages) {
    warn(`Berkeley DB file is truncated: ${pages} pages of ${lastPgno + 1}`);
  }
  const overhead = (db[26] ?? 0) & DBMETA_CHKSUM ? PAGE_HEADER_CHKSUM : PAGE_HEADER;
  return { db, le, pageSize, pages: Math.min(pages, lastPgno + 1), overhead };
}

function pageAt(l: Layout, pgno: number): Buffer {
  return l.db.subarray(pgno * l.pageSize, (pgno + 1) * l.pageSize);
}

function u16(l: Layout, b: Buffer, at: number): number {
  return l.le ? b.readUInt16LE(at) : b.readUInt16BE(at);
}

function u32(l: Layout, b: Buffer, at: number): number {
  return l.le ? b.readUInt32LE(at) : b.readUInt32BE(at);
}

/** The key/data pairs of one hash page; items grow down from the page end. */
function* pairs(l: Layout, pgno: number, claimed: Uint8Array, warn: Warn): Generator<Buffer> {
  const page = pageAt(l, pgno);
  const entries = u16(l, page, 20);
  const indexEnd = l.overhead + entries * 2;
  if (indexEnd > l.pageSize) {
    warn(`hash page ${pgno} claims ${entries} entries, more than fit on a page`);
    return;
  }

  const offsets: number[] = [];
  for (let i = 0; i < entries; i++) {
    const off = u16(l, page, l.overhead + i * 2);
    const end = i === 0 ? l.pageSize : (offsets[i - 1] as number);
    if (off < indexEnd || off >= end) {
      warn(`hash page ${pgno} item ${i} has offset ${off} outside ${indexEnd}..${end}`);
      return;
    }
    offsets.push(off);
  }

  for (let i = 0; i + 1 < entries; i += 2) {
    const keyAt = offsets[i] as number;
    const dataAt = offsets[i + 1] as number;
    const keyEnd = i === 0 ? l.pageSize : (offsets[i - 1] as number);

    // Instance 0 is rpm's bookkeeping record, not a package.
    if (page[keyAt] === H_KEYDATA && keyEnd - keyAt === 5 && u32(l, page, keyAt + 1) === 0) {
      continue;
    }

    const value = item(l, page, pgno, dataAt, keyAt, claimed, warn);
    if (value) yield value;
  }
}

function item(
  l: Layout,
  page: Buffer,
  pgno: number,
  at: number,
  end: number,
  claimed: Uint8Array,
  warn: Warn,
): Buffer | undefined {
  const type = page[at];
  if (type === H_KEYDATA) return page.subarray(at + 1, end);
  if (type !== H_OFFPAGE) {
    warn(`hash page ${pgno} has an item of type ${type}, which rpm never writes`);
    return undefined;
  }
  if (end - at < 12) {
    warn(`hash page ${pgno} has a truncated off-page item`);
    return undefined;
  }
  return overflow(l, u32(l, page, at + 4), u32(l, page, at + 8), claimed, warn);
}

/** Reassembles an item from its overflow chain, refusing loops and shared pages. */
function overflow(
  l: Layout,
  first: number,
  total: number,
  claimed: Uint8Array,
  warn: Warn,
): Buffer | undefined {
  const room = l.pageSize - l.overhead;
  if (total === 0 || total > (l.pages - 1) * room) {
    warn(`overflow item at page ${first} claims ${total} bytes, more than the file holds`);
    return undefined;
  }

  const out = Buffer.alloc(total);
  let filled = 0;
  for (let pgno = first; pgno !== 0; ) {
    if (pgno >= l.pages) {
      warn(`overflow chain from page ${first} points to page ${pgno}, past the end`);
      return undefined;
    }
    if (claimed[pgno]) {
      warn(
        `overflow chain from page ${first} reaches page ${pgno} again (a loop or a shared page)`,
      );
      return undefined;
    }
    claimed[pgno] = 1;

    const page = pageAt(l, pgno);
    const len = u16(l, page, 22);
    const fits = u32(l, page, 8) === pgno && len <= room && filled + len <= total;
    if (page[25] !== P_OVERFLOW || !fits) {
      warn(`overflow page ${pgno} (type ${page[25]}, ${len} bytes) does not fit its chain`);
      return undefined;
    }
    page.copy(out, filled, l.overhead, l.overhead + len);
    filled += len;
    pgno = u32(l, page, 16);
  }

  if (filled !== total) {
    warn(`overflow chain from page ${first} holds ${filled} of ${total} bytes`);
    return undefined;
  }
  return out;
}
