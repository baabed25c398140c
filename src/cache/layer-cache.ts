import { createHash, randomBytes } from "node:crypto";
import {
  mkdir,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import type { LayerAnalysis } from "../layers/types.js";
import { CACHE_FORMAT_VERSION, decodeAnalysis, encodeAnalysis, moveToIndex } from "./serialize.js";

export const DEFAULT_CACHE_MAX_BYTES = 2 * 1024 ** 3;

const DIFF_ID = /^sha256:([a-f0-9]{64})$/;
const ENTRY = /^[a-f0-9]{64}-[a-f0-9]{16}\.json$/;
/** Temp files older than this were left by a process that died mid-write. */
const STALE_TEMP_MS = 60 * 60 * 1000;

export interface LayerCacheOptions {
  /** `<cache dir>/layers`. */
  dir: string;
  maxBytes?: number;
}

export interface CacheStats {
  dir: string;
  entries: number;
  bytes: number;
  maxBytes: number;
}

/**
 * Layer analyses on disk, one file per diffID and reader set (the analyzers
 * and content scanners that produced it, with their versions). Many processes
 * share it with no lock: an entry is written to a temp file and renamed into
 * place, so a reader sees a whole entry or none; two writers of one layer
 * write the same bytes, and the last rename wins. Eviction may remove an entry
 * another process is about to read: that process sees a miss and reads the
 * layer. Hits touch the file's mtime, which eviction orders by (LRU-ish).
 */
export class LayerCache {
  readonly dir: string;
  readonly maxBytes: number;
  private written = 0;
  /** The first write that failed; the scan goes on without caching that layer. */
  writeError?: Error;

  constructor(opts: LayerCacheOptions) {
    this.dir = opts.dir;
    this.maxBytes = opts.maxBytes ?? DEFAULT_CACHE_MAX_BYTES;
  }

  /** Only verified sha256 diffIDs name an entry; anything else is never cached. */
  static cacheable(diffId: string): boolean {
    return DIFF_ID.test(diffId);
  }

  /** `readers` names what must have read the layer: an entry made by others is a miss. */
  async get(diffId: string, index: number, readers: string): Promise<LayerAnalysis | undefined> {
    const file = this.fileFor(diffId, readers);
    if (!file) return undefined;

    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch {
      return undefined;
    }
    const analysis = decodeAnalysis(text, diffId, readers);
    if (!analysis) {
      await unlink(file).catch(() => undefined);
      return undefined;
    }
    const now = new Date();
    await utimes(file, now, now).catch(() => undefined);
    return moveToIndex(analysis, index);
  }

  /**
   * Stores a layer that was read whole and whose digests checked out. A cache
   * that cannot be written (full disk, read-only) never fails the scan.
   */
  async put(analysis: LayerAnalysis, readers: string): Promise<boolean> {
    const file = this.fileFor(analysis.diffId, readers);
    if (!file) return false;

    const text = encodeAnalysis(analysis, readers);
    const temp = path.join(this.dir, `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(temp, text);
      await rename(temp, file);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      this.writeError ??= err as Error;
      return false;
    }
    this.written += Buffer.byteLength(text);
    return true;
  }

  /** Evicts after a scan that wrote entries; cheap enough to do once per scan. */
  async trimIfWritten(): Promise<void> {
    if (this.written > 0) await this.trim();
  }

  /** Removes least recently used entries until the cache is under 90% of its limit. */
  async trim(maxBytes = this.maxBytes): Promise<number> {
    const entries = await this.list();
    let total = entries.reduce((sum, e) => sum + e.size, 0);
    if (total <= maxBytes) return 0;

    const target = Math.floor(maxBytes * 0.9);
    let removed = 0;
    for (const entry of entries.sort((a, b) => a.mtimeMs - b.mtimeMs)) {
      if (total <= target) break;
      await unlink(entry.file).catch(() => undefined);
      total -= entry.size;
      removed++;
    }
    return removed;
  }

  async stats(): Promise<CacheStats> {
    const entries = await this.list();
    return {
      dir: this.dir,
      entries: entries.length,
      bytes: entries.reduce((sum, e) => sum + e.size, 0),
      maxBytes: this.maxBytes,
    };
  }

  /** Removes every entry (of any analyzer set) and leftover temp files. */
  async clean(): Promise<number> {
    const entries = await this.list();
    await rm(this.dir, { recursive: true, force: true });
    return entries.length;
  }

  private fileFor(diffId: string, readers: string): string | undefined {
    const hex = DIFF_ID.exec(diffId)?.[1];
    const suffix = shortHash(`${CACHE_FORMAT_VERSION}\n${readers}`);
    return hex ? path.join(this.dir, `${hex}-${suffix}.json`) : undefined;
  }

  private async list(): Promise<{ file: string; size: number; mtimeMs: number }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: { file: string; size: number; mtimeMs: number }[] = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      const info = await stat(file).catch(() => undefined);
      if (!info) continue;
      if (ENTRY.test(name)) out.push({ file, size: info.size, mtimeMs: info.mtimeMs });
      else if (name.startsWith(".tmp-") && Date.now() - info.mtimeMs > STALE_TEMP_MS) {
        await unlink(file).catch(() => undefined);
      }
    }
    return out;
  }
}

function shortHash(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 16);
}
