import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { acquireLock, pidAlive } from "./lock.js";

let dir: string;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "vigil-vulndb-lock-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  assert.ok(child.pid && !pidAlive(child.pid));
  return child.pid;
}

test("the lock holds the owner's pid and is gone after release", () => {
  const file = path.join(dir, "a.lock");
  const lock = acquireLock(file);
  assert.equal(readFileSync(file, "utf8"), `${process.pid}\n`);
  assert.throws(() => acquireLock(file), { code: "DB_LOCKED" });
  lock.release();
  assert.equal(existsSync(file), false);
});

test("a lock left by a dead process is taken over", () => {
  const file = path.join(dir, "b.lock");
  writeFileSync(file, `${deadPid()}\n`);
  const lock = acquireLock(file);
  assert.equal(readFileSync(file, "utf8"), `${process.pid}\n`);
  lock.release();
});

test("a fresh lock still being written (no pid yet) counts as held", () => {
  const file = path.join(dir, "c.lock");
  writeFileSync(file, "");
  assert.throws(() => acquireLock(file), { code: "DB_LOCKED" });
  rmSync(file);
});

test("release leaves a lock that is no longer ours alone", () => {
  const file = path.join(dir, "d.lock");
  const lock = acquireLock(file);
  writeFileSync(file, "1\n");
  lock.release();
  assert.equal(readFileSync(file, "utf8"), "1\n");
});
