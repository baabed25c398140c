import assert from "node:assert/strict";
import { test } from "node:test";

import Database from "better-sqlite3";

import { sqliteBlobs } from "./sqlite.js";
import { fixtures, load } from "./testdata.js";

const centos7 = () => load(fixtures[2]!.db);

function read(db: Buffer): { blobs: Buffer[]; warnings: string[] } {
  const warnings: string[] = [];
  const blobs = [...sqliteBlobs(db, (m) => warnings.push(m))];
  return { blobs, warnings };
}

/** A database made here with the given schema and rows. */
function made(sql: string): Buffer {
  const db = new Database(":memory:");
  db.exec(sql);
  const bytes = db.serialize();
  db.close();
  return bytes;
}

test("reads rpm's WAL-mode database from memory, leaving the input as it was", () => {
  const file = centos7();
  assert.equal(file[18], 2);
  const { blobs, warnings } = read(file);
  assert.equal(blobs.length, 144);
  assert.deepEqual(warnings, []);
  assert.equal(file[18], 2);
});

test("a truncated or damaged database is a warning", () => {
  const truncated = read(centos7().subarray(0, 1_000_000));
  assert.ok(truncated.blobs.length < 144);
  assert.match(truncated.warnings.join(), /corrupt|malformed/);

  const damaged = centos7();
  damaged.fill(0x5a, 4096, 40960);
  assert.ok(read(damaged).warnings.length > 0);

  const notDb = Buffer.concat([Buffer.from("SQLite format 3\0"), Buffer.alloc(100, 0xff)]);
  assert.match(read(notDb).warnings.join(), /cannot be opened|corrupt/);
});

test("a database without rpm's table, or with odd rows", () => {
  assert.match(read(made("CREATE TABLE t (x)")).warnings.join(), /no such table: Packages/);

  const odd = read(
    made("CREATE TABLE Packages (hnum INTEGER, blob); INSERT INTO Packages VALUES (1, 'x');"),
  );
  assert.deepEqual(odd.blobs, []);
  assert.deepEqual(odd.warnings, ["rpm sqlite package 1 has no blob"]);
});

test("random damage never throws", () => {
  let seed = 3;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pristine = centos7().subarray(0, 64 * 4096);
  pristine.writeUInt32BE(64, 28); // the header's page count, so the prefix is a whole database

  for (let round = 0; round < 30; round++) {
    const db = Buffer.from(pristine);
    for (let n = 0; n < 1 + round; n++) db[100 + Math.floor(random() * 8000)] = random() * 256;
    read(db);
  }
});
