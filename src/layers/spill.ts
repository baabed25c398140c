// Files too big to hold whole in memory (a 100 MiB binary, a 1 GiB war)
// are copied, as they stream past, to a temporary file in vigil's cache
// directory; analyzers read it by random access, and it is deleted as soon
// as they are done, whatever happened.
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, rm, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { ByteSource } from "../analyzers/types.js";

const PREFIX = "spill-";
/** A spill file this old was left by a process that was killed mid-analysis. */
const STALE_MS = 60 * 60 * 1000;

export interface SpillOptions {
  /** `<cache dir>/tmp`. */
  dir: string;
  /** Files bigger than this are spilled instead of held in memory. */
  aboveBytes: number;
}

export const DEFAULT_SPILL_ABOVE_BYTES = 32 * 1024 * 1024;

/** A spilled file; `dispose()` closes and deletes it. */
export class SpillFile implements ByteSource {
  private disposed = false;

  private constructor(
    private readonly handle: FileHandle,
    readonly file: string,
    public size: number,
  ) {}

  /** Creates the file (the directory too); stale spills of killed processes are swept once. */
  static async create(dir: string): Promise<SpillFile> {
    await mkdir(dir, { recursive: true });
    await sweepOnce(dir);
    const file = path.join(dir, `${PREFIX}${process.pid}-${randomBytes(6).toString("hex")}`);
    const handle = await open(file, "wx+", 0o600);
    return new SpillFile(handle, file, 0);
  }

  async append(chunk: Buffer): Promise<void> {
    await this.handle.write(chunk, 0, chunk.length, this.size);
    this.size += chunk.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    const from = Math.min(Math.max(0, offset), this.size);
    const want = Math.max(0, Math.min(length, this.size - from));
    const buffer = Buffer.allocUnsafe(want);
    let done = 0;
    while (done < want) {
      const { bytesRead } = await this.handle.read(buffer, done, want - done, from + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buffer.subarray(0, done);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.handle.close().catch(() => undefined);
    await rm(this.file, { force: true });
  }
}

const swept = new Map<string, Promise<void>>();

function sweepOnce(dir: string): Promise<void> {
  let done = swept.get(dir);
  if (!done) swept.set(dir, (done = sweep(dir)));
  return done;
}

async function sweep(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names.filter((n) => n.startsWith(PREFIX))) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_MS) await rm(file, { force: true });
  }
}
