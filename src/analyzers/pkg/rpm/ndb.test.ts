import assert from "node:assert/strict";
import { test } from "node:test";

import { adler32, ndbBlobs } from "./ndb.js";
import { fixtures, load } from "./testdata.js";

const subset = () => load(fixtures[4]!.db);
const PACKAGES = 104;

function read(db: Buffer): { blobs: Buffer[]; warnings: string[] } {
  const warnings: string[] = [];
  const blobs = [...ndbBlobs(db, (m) => warnings.push(m))];
  return { blobs, warnings };
}

/** Byte offsets of the used slots. */
function usedSlots(db: Buffer): number[] {
  const slots: number[] = [];
  for (let at = 32; at < db.readUInt32LE(12) * 4096; at += 16) {
    if (db.readUInt32LE(at + 8) !== 0) slots.push(at);
  }
  return slots;
}

test("reads every package of rpm's own ndb file", () => {
  assert.deepEqual(read(subset()).warnings, []);
  assert.equal(read(subset()).blobs.length, PACKAGES);
});

test("adler32 agrees with zlib's", () => {
  assert.equal(adler32(Buffer.from("Wikipedia")), 0x11e60398);
  assert.equal(adler32(Buffer.alloc(0)), 1);
  // Long runs of 0xff test the reduction that keeps the sums exact.
  assert.equal(adler32(Buffer.alloc(100000, 0xff)), 0x149a302c);
});

test("a damaged blob fails its checksum and is skipped", () => {
  const db = subset();
  const [slot = 0] = usedSlots(db);
  const blob = db.readUInt32LE(slot + 8) * 16;
  db.writeUInt8(db.readUInt8(blob + 100) ^ 0xff, blob + 100);

  const { blobs, warnings } = read(db);
  assert.equal(blobs.length, PACKAGES - 1);
  assert.match(warnings.join("\n"), /checksum does not match/);
});

test("slots that point into another blob or past the end", () => {
  const db = subset();
  const [a = 0, b = 0, c = 0] = usedSlots(db);
  db.copy(db, b + 8, a + 8, a + 16); // b claims a's blocks
  db.writeUInt32LE(0x7fffffff, c + 8);

  const { blobs, warnings } = read(db);
  assert.equal(blobs.length, PACKAGES - 2);
  assert.match(warnings.join("\n"), /overlaps another package's blob/);
  assert.match(warnings.join("\n"), /bad slot/);
});

test("a blob head that names another package", () => {
  const db = subset();
  const [slot = 0] = usedSlots(db);
  db.writeUInt32LE(db.readUInt32LE(slot + 4) + 1, slot + 4);

  const { blobs, warnings } = read(db);
  assert.equal(blobs.length, PACKAGES - 1);
  assert.match(warnings.join("\n"), /head does not match its slot/);
});

test("corrupt file header, slot magic and truncation", () => {
  const header = subset();
  header.writeUInt32LE(1e6, 12);
  assert.match(read(header).warnings.join(), /claims 1000000 slot pages/);

  const version = subset();
  version.writeUInt32LE(3, 4);
  assert.match(read(version).warnings.join(), /version 3/);

  const magic = subset();
  magic.write("Xlot", 32 + 16 * 10, "latin1");
  const stopped = read(magic);
  assert.equal(stopped.blobs.length, 10);
  assert.match(stopped.warnings.join(), /slots after it are skipped/);

  const truncated = read(subset().subarray(0, 500_000));
  assert.ok(truncated.blobs.length > 0 && truncated.blobs.length < PACKAGES);
  assert.ok(truncated.warnings.every((w) => /bad slot/.test(w)));
});

test("random damage never throws or hangs", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pristine = subset();
  const slotArea = pristine.readUInt32LE(12) * 4096;

  for (let round = 0; round < 40; round++) {
    const db = Buffer.from(pristine);
    // Half the rounds hit the slots, where damage changes what is read.
    const span = round % 2 ? slotArea : db.length;
    for (let n = 0; n < 1 + round; n++) db[Math.floor(random() * span)] = random() * 256;
    read(db);
  }
});
