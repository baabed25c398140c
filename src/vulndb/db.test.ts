import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { VigilError } from "../errors.js";
import { VulnDb } from "./db.js";
import { SCHEMA, SCHEMA_VERSION } from "./schema.js";

let dir: string;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "vigil-vulndb-open-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function openError(file: string): VigilError {
  try {
    VulnDb.open(file).close();
  } catch (err) {
    assert.ok(err instanceof VigilError);
    return err;
  }
  assert.fail(`${file} opened`);
}

test("a missing DB is DB_MISSING, with a hint to import", () => {
  const err = openError(path.join(dir, "none.db"));
  assert.equal(err.code, "DB_MISSING");
  assert.match(err.hint ?? "", /vigil db import/);
});

test("a file that is not SQLite is DB_CORRUPT, naming the file", () => {
  const file = path.join(dir, "garbage.db");
  writeFileSync(file, "this is not a database\n".repeat(100));
  const err = openError(file);
  assert.equal(err.code, "DB_CORRUPT");
  assert.ok(err.message.includes(file));
});

test("an SQLite file of some other program is DB_CORRUPT", () => {
  const file = path.join(dir, "other.db");
  const other = new Database(file);
  other.exec("CREATE TABLE t (x)");
  other.close();
  assert.equal(openError(file).code, "DB_CORRUPT");
});

test("a DB from a newer vigil is DB_CORRUPT, with a hint to upgrade", () => {
  const file = path.join(dir, "newer.db");
  const newer = new Database(file);
  newer.exec(SCHEMA);
  newer.prepare("INSERT INTO meta VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION + 1));
  newer.close();
  const err = openError(file);
  assert.equal(err.code, "DB_CORRUPT");
  assert.match(err.hint ?? "", /upgrade vigil/);
});
