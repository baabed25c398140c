// How one tar entry's bytes are read, once, for everything that wants them:
// the first bytes decide the claims that depend on content (an ELF header),
// then the file is kept in memory, or spilled to disk when it is big and
// only random-access analyzers want it, or passed to the content scanners,
// or drained unread.
import type { Readable } from "node:stream";
import type { AnyAnalyzer } from "../analyzers/types.js";
import { looksBinary } from "../util/binary.js";
import { SpillFile, type SpillOptions } from "./spill.js";
import type { ContentScanner, LayerAnalysis } from "./types.js";

/** How many first bytes `claimsHead` is shown (fewer when the file is smaller). */
export const HEAD_BYTES = 64;

export interface EntryPlan {
  path: string;
  size: number;
  claimers: readonly AnyAnalyzer[];
  scanners: readonly ContentScanner[];
  spill?: SpillOptions;
  /** One layer's reusable buffer for files only random-access analyzers read. */
  scratch?: Scratch;
}

/**
 * A buffer reused from one file to the next. Random-access analyzers may not
 * keep their source past analyze(), so the executables of a layer (hundreds,
 * each read only to find a section) share one allocation instead of leaving
 * a trail of garbage buffers behind them.
 */
export class Scratch {
  private buffer = Buffer.alloc(0);

  take(size: number): Buffer {
    if (this.buffer.length < size) {
      this.buffer = Buffer.allocUnsafe(Math.max(size, Math.min(2 * this.buffer.length, 32 << 20)));
    }
    return this.buffer.subarray(0, size);
  }
}

/** What was kept of one file, and for which claimers (those its first bytes did not refuse). */
export interface EntryContent {
  claimers: readonly AnyAnalyzer[];
  buffer?: Buffer;
  spilled?: SpillFile;
}

type Chunks = AsyncIterator<Buffer>;

export async function readEntryContent(
  entry: Readable,
  plan: EntryPlan,
  result: LayerAnalysis,
): Promise<EntryContent> {
  const chunks = entry[Symbol.asyncIterator]() as Chunks;
  const head: Buffer[] = [];
  let claimers = plan.claimers;

  if (claimers.some((a) => a.claimsHead)) {
    await fillHead(chunks, head);
    const first = firstBytes(head);
    claimers = claimers.filter((a) => a.claimsHead?.(first, plan.path) ?? true);
  }

  if (claimers.length > 0)
    return { claimers, ...(await keepClaimed(chunks, head, plan, claimers, result)) };
  return { claimers, buffer: await keepScanned(chunks, head, plan, result) };
}

async function keepClaimed(
  chunks: Chunks,
  head: Buffer[],
  plan: EntryPlan,
  claimers: readonly AnyAnalyzer[],
  result: LayerAnalysis,
): Promise<Omit<EntryContent, "claimers">> {
  const limit = Math.max(...claimers.map((a) => a.maxBytes));
  if (plan.size > limit) {
    await drain(chunks);
    result.warnings.push({
      code: "FILE_TOO_LARGE",
      message: `skipped: ${plan.size} bytes is over the ${limit}-byte limit for this file`,
      layer: result.index,
      path: `/${plan.path}`,
    });
    return {};
  }

  // A buffer analyzer needs the bytes in memory whatever their size (its maxBytes bounds it).
  const spill = plan.spill;
  const randomOnly = claimers.every((a) => a.access === "random");
  if (spill && plan.size > spill.aboveBytes && randomOnly) {
    return { spilled: await spillRest(chunks, head, spill.dir, plan, result) };
  }
  const into = randomOnly ? plan.scratch?.take(plan.size) : undefined;
  return { buffer: await collect(chunks, head, plan.size, into) };
}

/**
 * Reads an unclaimed file for the content scanners. Skips, with the reason
 * counted: files over their size limit, and binaries (a NUL in the first
 * chunk), which are drained without being kept.
 */
async function keepScanned(
  chunks: Chunks,
  head: Buffer[],
  plan: EntryPlan,
  result: LayerAnalysis,
): Promise<Buffer | undefined> {
  const { size, scanners } = plan;
  if (size === 0 || scanners.length === 0) return drain(chunks);
  if (size > Math.max(...scanners.map((s) => s.maxBytes))) {
    countSkip(result, "too-large");
    return drain(chunks);
  }

  if (head.length === 0) await fillHead(chunks, head);
  if (looksBinary(firstBytes(head, Infinity))) {
    countSkip(result, "binary");
    return drain(chunks);
  }
  return collect(chunks, head, size);
}

/** Spill failures (a full disk) cost this file its analysis, not the scan. */
async function spillRest(
  chunks: Chunks,
  head: Buffer[],
  dir: string,
  plan: EntryPlan,
  result: LayerAnalysis,
): Promise<SpillFile | undefined> {
  let file: SpillFile | undefined;
  let failure: unknown;
  try {
    file = await SpillFile.create(dir);
    for (const chunk of head) await file.append(chunk);
  } catch (err) {
    failure = err;
  }

  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    if (failure || !file) continue;
    await file.append(next.value).catch((err: unknown) => (failure = err));
  }
  if (!failure) return file;

  await file?.dispose();
  const reason = failure instanceof Error ? failure.message : String(failure);
  result.warnings.push({
    code: "SPILL_FAILED",
    message: `not analysed: a temporary copy in ${dir} could not be written (${reason})`,
    layer: result.index,
    path: `/${plan.path}`,
  });
  return undefined;
}

/** Reads whole chunks until at least HEAD_BYTES are in `head`, or the file ends. */
async function fillHead(chunks: Chunks, head: Buffer[]): Promise<void> {
  let bytes = head.reduce((n, c) => n + c.length, 0);
  while (bytes < HEAD_BYTES) {
    const next = await chunks.next();
    if (next.done) return;
    head.push(next.value);
    bytes += next.value.length;
  }
}

function firstBytes(head: readonly Buffer[], limit = HEAD_BYTES): Buffer {
  const first = head[0] ?? Buffer.alloc(0);
  if (head.length === 1 || first.length >= limit) return first.subarray(0, limit);
  return Buffer.concat(head).subarray(0, limit);
}

/** The rest of the file after `head`, in one buffer of the size the header states. */
async function collect(
  chunks: Chunks,
  head: Buffer[],
  size: number,
  into?: Buffer,
): Promise<Buffer> {
  const out = into ?? Buffer.allocUnsafe(size);
  let at = 0;
  const put = (chunk: Buffer) => {
    // note: a tar entry yields exactly its header's size; the guard keeps a bug from overrunning.
    at += chunk.copy(out, at);
  };
  head.forEach(put);
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) put(next.value);
  return out.subarray(0, at);
}

/** Read to the end rather than left early, which would destroy the entry. */
async function drain(chunks: Chunks): Promise<undefined> {
  while (!(await chunks.next()).done);
  return undefined;
}

export function countSkip(result: LayerAnalysis, reason: string): void {
  const skipped = result.contentScan.skipped;
  skipped[reason] = (skipped[reason] ?? 0) + 1;
}
