import assert from "node:assert/strict";
import { test } from "node:test";

import { bdbBlobs } from "./bdb.js";
import { fixtures, load } from "./testdata.js";

const PAGE = 4096;
const centos5 = () => load(fixtures[1]!.db);
const dive = () => load(fixtures[3]!.db);

function read(db: Buffer): { blobs: Buffer[]; warnings: string[] } {
  const warnings: string[] = [];
  const blobs = [...bdbBlobs(db, (m) => warnings.push(m))];
  return { blobs, warnings };
}

/** Page numbers of every overflow page that continues to another one. */
function chainedOverflowPages(db: Buffer): number[] {
  const pages: number[] = [];
  for (let p = 1; (p + 1) * PAGE <= db.length; p++) {
    if (db[p * PAGE + 25] === 7 && db.readUInt32LE(p * PAGE + 16) !== 0) pages.push(p);
  }
  return pages;
}

/** Hash pages: sorted (type 13) or, before Berkeley DB 4.6, unsorted (type 2). */
function hashPages(db: Buffer): number[] {
  const pages: number[] = [];
  for (let p = 1; (p + 1) * PAGE <= db.length; p++) {
    if (db[p * PAGE + 25] === 13 || db[p * PAGE + 25] === 2) pages.push(p);
  }
  return pages;
}

/** Offsets of the off-page (H_OFFPAGE) data items on hash pages. */
function offPageItems(db: Buffer): number[] {
  const items: number[] = [];
  for (const p of hashPages(db)) {
    const page = p * PAGE;
    const entries = db.readUInt16LE(page + 20);
    for (let i = 1; i < entries; i += 2) {
      const at = page + db.readUInt16LE(page + 26 + i * 2);
      if (db[at] === 3) items.push(at);
    }
  }
  return items;
}

test("reads every package of the real databases", () => {
  assert.deepEqual(
    new Set(hashPages(centos5()).map((p) => centos5()[p * PAGE + 25])),
    new Set([2]),
  );
  assert.equal(read(centos5()).blobs.length, 110);
  assert.deepEqual(read(dive()).warnings, []);
});

test("a loop in an overflow chain is reported, not followed", () => {
  const db = centos5();
  const [page = 0] = chainedOverflowPages(db);
  db.writeUInt32LE(page, page * PAGE + 16); // points to itself

  const { blobs, warnings } = read(db);
  assert.equal(blobs.length, 109);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] ?? "", new RegExp(`reaches page ${page} again`));
});

test("a chain that loops back to its first page is reported", () => {
  const db = centos5();
  const [item = 0] = offPageItems(db);
  const first = db.readUInt32LE(item + 4);
  let last = first;
  while (db.readUInt32LE(last * PAGE + 16) !== 0) last = db.readUInt32LE(last * PAGE + 16);
  db.writeUInt32LE(first, last * PAGE + 16);

  const { blobs, warnings } = read(db);
  assert.equal(blobs.length, 109);
  assert.match(warnings.join("\n"), /again/);
});

test("two items sharing one chain: the second is refused", () => {
  const db = centos5();
  const [a = 0, b = 0] = offPageItems(db);
  db.copy(db, b + 4, a + 4, a + 12); // same first page and length

  const { blobs, warnings } = read(db);
  assert.equal(blobs.length, 109);
  assert.match(warnings.join("\n"), /again \(a loop or a shared page\)/);
});

test("hostile lengths and page numbers", () => {
  const db = centos5();
  const [a = 0, b = 0] = offPageItems(db);
  db.writeUInt32LE(0xffffffff, a + 8); // total length: no 4 GiB allocation
  db.writeUInt32LE(0xfffffff0, b + 4); // first page far past the end

  const { blobs, warnings } = read(db);
  assert.equal(blobs.length, 108);
  assert.match(warnings.join("\n"), /claims 4294967295 bytes/);
  assert.match(warnings.join("\n"), /past the end/);
});

test("a corrupt hash page loses its packages only", () => {
  const db = centos5();
  const [page = 0] = hashPages(db);
  const onPage = offPageItems(db).filter((at) => Math.floor(at / PAGE) === page).length;
  db.writeUInt16LE(7, page * PAGE + 26 + 2); // an item offset inside the index

  const { blobs, warnings } = read(db);
  assert.equal(blobs.length, 110 - onPage);
  assert.match(warnings[0] ?? "", /offset 7 outside/);
});

test("a page that is not where it says it is", () => {
  const db = centos5();
  const [page = 0] = hashPages(db);
  const item = offPageItems(db).at(-1) ?? 0; // on another hash page
  db.writeUInt32LE(page + 1, page * PAGE + 8);
  const first = db.readUInt32LE(item + 4);
  db.writeUInt32LE(first + 1, first * PAGE + 8);

  const { warnings } = read(db);
  assert.match(warnings.join("\n"), new RegExp(`hash page ${page} names itself page ${page + 1}`));
  assert.match(warnings.join("\n"), new RegExp(`overflow page ${first} .* does not fit`));
});

test("a truncated file is reported and read as far as it goes", () => {
  const db = centos5();
  const { blobs, warnings } = read(db.subarray(0, 600 * PAGE + 100));
  assert.ok(blobs.length < 110);
  assert.match(warnings[0] ?? "", /truncated: 600 pages of 1341/);
});

test("meta pages that are not rpm's", () => {
  const cases: [string, (db: Buffer) => void, RegExp][] = [
    ["btree", (db) => db.writeUInt32LE(0x053162, 12), /not a Berkeley DB hash/],
    ["encrypted", (db) => (db[24] = 1), /encrypted/],
    ["odd page size", (db) => db.writeUInt32LE(3000, 20), /page size 3000/],
    ["queue meta", (db) => (db[25] = 10), /type 10/],
  ];
  for (const [name, mutate, want] of cases) {
    const db = dive();
    mutate(db);
    const { blobs, warnings } = read(db);
    assert.equal(blobs.length, 0, name);
    assert.match(warnings.join("\n"), want, name);
  }
  assert.match(read(Buffer.alloc(100)).warnings[0] ?? "", /shorter than its meta page/);
});

test("a database written on a big-endian machine", () => {
  const le = dive();
  const db = Buffer.from(le);
  const swap32 = (at: number) => db.writeUInt32BE(le.readUInt32LE(at), at);
  const swap16 = (at: number) => db.writeUInt16BE(le.readUInt16LE(at), at);

  for (const at of [8, 12, 16, 20, 28, 32]) swap32(at);
  for (let page = PAGE; page < le.length; page += PAGE) {
    for (const at of [8, 12, 16]) swap32(page + at);
    for (const at of [20, 22]) swap16(page + at);
    if (le[page + 25] !== 13) continue;
    const entries = le.readUInt16LE(page + 20);
    for (let i = 0; i < entries; i++) {
      const item = page + le.readUInt16LE(page + 26 + i * 2);
      swap16(page + 26 + i * 2);
      if (le[item] === 1 && i % 2 === 0) swap32(item + 1); // the record number key
      if (le[item] === 3) [4, 8].forEach((at) => swap32(item + at));
    }
  }

  assert.deepEqual(read(db), read(le));
});

test("random damage never throws or hangs", () => {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pristine = dive();

  for (let round = 0; round < 300; round++) {
    const db = Buffer.from(pristine);
    for (let n = 0; n < 1 + (round % 40); n++)
      db[Math.floor(random() * db.length)] = random() * 256;
    read(db);
  }
});
