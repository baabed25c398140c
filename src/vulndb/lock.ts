// `<db>.lock`: created with O_EXCL and holding the owner's pid, so two imports
// into one DB fail clearly instead of racing. A lock whose process is gone is
// taken over.
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";

import { VigilError } from "../errors.js";

export interface Lock {
  path: string;
  release(): void;
}

/** Whether a process with this pid exists (on this host). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid in a lock file: undefined if the file is gone, NaN if it holds none yet. */
function readPid(file: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(file, "utf8").trim(), 10);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new VigilError("IO", `cannot create lock file ${file}`, { cause: err });
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Whether the lock's owner is gone. A lock without a pid is being written
 * right now, unless it is old: then its owner died between create and write.
 */
function isStale(file: string, pid: number | undefined): boolean {
  if (pid !== undefined && !Number.isNaN(pid)) return !pidAlive(pid);
  try {
    return Date.now() - statSync(file).mtimeMs > 60_000;
  } catch {
    return true;
  }
}

function locked(file: string, pid: number | undefined): VigilError {
  const who = pid && !Number.isNaN(pid) ? `process ${pid}` : "another process";
  return new VigilError("DB_LOCKED", `the vulnerability DB is being updated by ${who}`, {
    hint: `wait for it to finish; if no import is running, remove ${file}`,
  });
}

/**
 * Moves a dead owner's lock aside. Renaming is atomic, so of several
 * processes that saw the same stale lock only one moves it; if what was
 * moved turns out to be a live lock (a newer owner won the race), it is put
 * back.
 */
function takeOverStale(file: string): boolean {
  const aside = `${file}.stale-${process.pid}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw new VigilError("IO", `cannot remove stale lock ${file}`, { cause: err });
  }

  if (!isStale(aside, readPid(aside))) {
    try {
      linkSync(aside, file);
    } catch {
      // A third process locked in between; its lock stands, the owner of the
      // one moved aside will find it gone when it releases.
    }
    unlinkSync(aside);
    return false;
  }
  unlinkSync(aside);
  return true;
}

export function acquireLock(file: string): Lock {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file)) {
      return { path: file, release: () => releaseLock(file) };
    }
    const pid = readPid(file);
    if (!isStale(file, pid) || !takeOverStale(file)) throw locked(file, pid);
  }
  throw locked(file, readPid(file));
}

function releaseLock(file: string): void {
  // Only remove the lock if it is still ours.
  if (readPid(file) !== process.pid) return;
  try {
    unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
}

/** Whether a live process holds the lock now (a dead owner's lock does not count). */
export function lockHeld(file: string): boolean {
  const pid = readPid(file);
  return pid !== undefined && !isStale(file, pid);
}
