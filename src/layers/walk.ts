import { createHash, type Hash } from "node:crypto";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";
import type {
  Analyzer,
  AnalyzerOutput,
  AnyAnalyzer,
  EntryFacts,
  FileAnalyzer,
  FileInput,
} from "../analyzers/types.js";
import { VigilError } from "../errors.js";
import type { LayerBlob } from "../source/types.js";
import { memorySource } from "../util/byte-source.js";
import { countSkip, readEntryContent, Scratch, type EntryContent } from "./content.js";
import { decoderFor, detectCompression } from "./decompress.js";
import { basename, dirname, joinPath, normalizeEntryPath } from "./paths.js";
import type { SpillOptions } from "./spill.js";
import type { ContentScanner, EntryKind, LayerAnalysis } from "./types.js";

export interface WalkOptions {
  image: string;
  analyzers: readonly AnyAnalyzer[];
  /**
   * Where big files claimed only by random-access analyzers go instead of
   * memory; they are kept in memory when this is absent.
   */
  spill?: SpillOptions;
  /** Run over every regular text file, claimed or not (secrets). */
  scanners?: readonly ContentScanner[];
  /** Uncompressed bytes one layer may expand to before it is treated as a bomb. */
  maxLayerBytes: number;
  onProgress?: (bytes: number) => void;
}

const OPAQUE = ".wh..wh..opq";
const WHITEOUT = ".wh.";
/** AUFS bookkeeping (`.wh..wh.plnk`, `.wh..wh.aufs`): not deletions. */
const AUFS_META = ".wh..wh.";

/**
 * Streams one layer once: checks both digests, records every entry's kind,
 * whiteouts and links, and hands claimed files to their analyzers.
 */
export async function walkLayer(layer: LayerBlob, opts: WalkOptions): Promise<LayerAnalysis> {
  const result = emptyAnalysis(layer);
  const where = `${opts.image}: layer ${layer.index + 1} (${layer.digest ?? layer.diffId})`;
  const compressedHash = createHash("sha256");
  const meter = new Meter(opts.maxLayerBytes, where, opts.onProgress);

  const extract = tar.extract();
  let raw: Awaited<ReturnType<typeof sniffed>> | undefined;
  try {
    // Opening is inside: a missing or unreadable blob is this layer's error too.
    raw = await sniffed(layer.open(), compressedHash, result);
    const flowing = pipeline(raw.stream, decoderFor(raw.kind), meter, extract);
    await Promise.all([flowing, readEntries(extract, result, opts, where)]);
  } catch (err) {
    raw?.stream.destroy();
    extract.destroy();
    throw asLayerError(err, where);
  }

  result.uncompressedBytes = meter.bytes;
  verifyDigests(layer, compressedHash, meter.hash, where);
  return result;
}

function emptyAnalysis(layer: LayerBlob): LayerAnalysis {
  return {
    index: layer.index,
    diffId: layer.diffId,
    digest: layer.digest,
    entries: new Map(),
    links: new Map(),
    whiteouts: [],
    opaqueDirs: [],
    findings: [],
    secrets: [],
    contentScan: { files: 0, bytes: 0, skipped: {} },
    notableModes: [],
    warnings: [],
    compressedBytes: 0,
    uncompressedBytes: 0,
  };
}

/** Reads the first chunk to pick the decoder, then replays it ahead of the rest. */
async function sniffed(source: Readable, hash: Hash, result: LayerAnalysis) {
  const chunks = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  const head = first.done ? Buffer.alloc(0) : first.value;

  async function* replay(): AsyncGenerator<Buffer> {
    let next = first;
    while (!next.done) {
      hash.update(next.value);
      result.compressedBytes += next.value.length;
      yield next.value;
      next = await chunks.next();
    }
  }
  return { kind: detectCompression(head), stream: Readable.from(replay()) };
}

async function readEntries(
  extract: tar.Extract,
  result: LayerAnalysis,
  opts: WalkOptions,
  where: string,
): Promise<void> {
  const captured = new Map<string, Buffer>();
  const scratch = new Scratch();
  for await (const entry of extract) {
    const header = entry.header;
    const checked = normalizeEntryPath(header.name);
    if (!checked.ok) {
      throw new VigilError("UNSAFE_PATH", `${where}: entry "${header.name}": ${checked.reason}`, {
        hint: "the layer was crafted or damaged; vigil does not read such images",
      });
    }

    const path = checked.path;
    if (path === "" || recordWhiteout(path, result)) {
      entry.resume();
      continue;
    }

    const kind = entryKind(header.type);
    result.entries.set(path, kind);
    noteMode(path, kind, header.mode ?? 0, result);
    if (kind === "l") result.links.set(path, header.linkname ?? "");
    if (kind === "h") recordHardLink(path, header.linkname ?? "", result, where);

    const named = opts.analyzers.filter((a) => a.claims(path));
    if (named.length > 0 && kind === "o") {
      // A fifo, device or sparse file where a database should be: say so.
      result.warnings.push(notRegular(path, header.type, result.index));
    }
    if (kind === "h") {
      analyseHardLink(path, named, captured, result);
      entry.resume();
      continue;
    }

    const facts = { path, size: header.size ?? 0, mode: header.mode ?? 0 };
    const claimers =
      kind === "f" ? [...named, ...claimedByFacts(opts.analyzers, named, facts)] : [];
    const scanners = kind === "f" ? (opts.scanners ?? []) : [];
    if (claimers.length === 0 && scanners.length === 0) {
      entry.resume();
      continue;
    }

    const plan = { path, size: facts.size, claimers, scanners, spill: opts.spill, scratch };
    const content = await readEntryContent(entry, plan, result);
    try {
      if (content.buffer && content.claimers.some(isBufferAnalyzer)) {
        captured.set(path, content.buffer);
      }
      await runAnalyzers(path, content, result);
      await runScanners(path, content, scanners, result);
    } finally {
      await content.spilled?.dispose();
    }
  }
}

/** Claims by mode or size are asked only of analyzers the name did not already win. */
function claimedByFacts(
  analyzers: readonly AnyAnalyzer[],
  named: readonly AnyAnalyzer[],
  facts: EntryFacts,
): AnyAnalyzer[] {
  return analyzers.filter(
    (a) => a.claimsEntry !== undefined && !named.includes(a) && a.claimsEntry(facts),
  );
}

const isBufferAnalyzer = (a: AnyAnalyzer): a is Analyzer => a.access !== "random";

/**
 * A hard link has no data of its own in the tar; buffer analyzers read its
 * target's content when that was itself a claimed file of this layer.
 * note: random-access analyzers skip hard links: their target is a file of
 * this layer, analysed under its own name, and is not kept in memory; the
 * link's own path is not reported (issue 2).
 */
function analyseHardLink(
  path: string,
  named: readonly AnyAnalyzer[],
  captured: Map<string, Buffer>,
  result: LayerAnalysis,
): void {
  const claimers = named.filter(isBufferAnalyzer);
  if (claimers.length === 0) return;
  const content = linkedContent(path, captured, result);
  if (!content) return;
  for (const analyzer of claimers) {
    if (content.length > analyzer.maxBytes) continue;
    result.findings.push({
      path,
      analyzer: analyzer.id,
      output: analyzer.analyze({ path, content }),
    });
  }
}

/**
 * A hard link has no data of its own in the tar; its content is the target's,
 * which is kept when it was itself a claimed file of this layer.
 */
function linkedContent(path: string, captured: Map<string, Buffer>, result: LayerAnalysis) {
  const target = result.links.get(path) ?? "";
  const content = captured.get(target);
  if (!content) {
    result.warnings.push({
      code: "HARDLINK_UNREAD",
      message: `hard link to /${target}, whose content was not kept; not analysed`,
      layer: result.index,
      path: `/${path}`,
    });
  }
  return content;
}

function notRegular(path: string, type: string | null | undefined, layer: number) {
  return {
    code: "NOT_REGULAR_FILE",
    message: `a ${type ?? "special"} entry, not a regular file; not read`,
    layer,
    path: `/${path}`,
  };
}

/** Returns true when the entry was a whiteout marker (recorded, not a file). */
function recordWhiteout(path: string, result: LayerAnalysis): boolean {
  const name = basename(path);
  if (!name.startsWith(WHITEOUT)) return false;

  if (name === OPAQUE) result.opaqueDirs.push(dirname(path));
  else if (!name.startsWith(AUFS_META)) {
    result.whiteouts.push(joinPath(dirname(path), name.slice(WHITEOUT.length)));
  }
  return true;
}

const SETUID = 0o4000;
const SETGID = 0o2000;
const STICKY = 0o1000;
const OTHER_WRITE = 0o002;

/** Keeps the few modes the checks read, not every entry's: layers hold 100,000s of files. */
function noteMode(path: string, kind: EntryKind, mode: number, result: LayerAnalysis) {
  if (kind === "l") return;
  const special = kind === "f" && (mode & (SETUID | SETGID)) !== 0;
  const open = (mode & OTHER_WRITE) !== 0 && !(kind === "d" && (mode & STICKY) !== 0);
  if (special || open) result.notableModes.push([path, mode & 0o7777]);
}

function entryKind(type: string | null | undefined): EntryKind {
  switch (type) {
    case "file":
    case "contiguous-file":
      return "f";
    case "directory":
      return "d";
    case "symlink":
      return "l";
    case "link":
      return "h";
    default:
      return "o";
  }
}

/** A hard link names another member of the archive; it must be as safe as any name. */
function recordHardLink(path: string, target: string, result: LayerAnalysis, where: string) {
  const checked = normalizeEntryPath(target);
  if (!checked.ok) {
    throw new VigilError("UNSAFE_PATH", `${where}: hard link "${path}" → "${target}"`, {
      hint: `its target has an ${checked.reason}`,
    });
  }
  result.links.set(path, checked.path);
}

/** Spilled files are far over any scanner's limit unless a test set the threshold lower. */
async function runScanners(
  path: string,
  content: EntryContent,
  scanners: readonly ContentScanner[],
  result: LayerAnalysis,
): Promise<void> {
  const size = content.buffer?.length ?? content.spilled?.size;
  if (size === undefined) return;
  for (const scanner of scanners) {
    if (size > scanner.maxBytes) {
      countSkip(result, "too-large");
      continue;
    }
    const bytes = content.buffer ?? (await content.spilled?.read(0, size));
    if (!bytes) return;
    const output = scanner.scan(path, bytes);
    if (output.skipped) countSkip(result, output.skipped);
    else {
      result.contentScan.files += 1;
      result.contentScan.bytes += bytes.length;
    }
    result.secrets.push(...(output.secrets ?? []));
  }
}

/**
 * The one place analyzers run. Buffer analyzers get the bytes; random-access
 * ones get a source over memory or the spill file, and what they throw (a
 * parser bug on a hostile binary) becomes a warning on that file.
 */
async function runAnalyzers(path: string, content: EntryContent, result: LayerAnalysis) {
  const source = content.spilled ?? (content.buffer && memorySource(content.buffer));
  if (!source) return;

  for (const analyzer of content.claimers) {
    if (source.size > analyzer.maxBytes) continue;
    let output: AnalyzerOutput;
    if (analyzer.access === "random") output = await analyzeFile(analyzer, { path, source });
    else if (content.buffer) output = analyzer.analyze({ path, content: content.buffer });
    else continue;
    result.findings.push({ path, analyzer: analyzer.id, output });
  }
}

async function analyzeFile(analyzer: FileAnalyzer, input: FileInput): Promise<AnalyzerOutput> {
  try {
    return await analyzer.analyze(input);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { warnings: [{ code: "ANALYZER_FAILED", message: `${analyzer.id}: ${reason}` }] };
  }
}

/** Counts and hashes the uncompressed bytes; stops a decompression bomb early. */
class Meter extends Transform {
  bytes = 0;
  readonly hash = createHash("sha256");

  constructor(
    private readonly limit: number,
    private readonly where: string,
    private readonly onProgress?: (bytes: number) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      cb(
        new VigilError("LIMIT_EXCEEDED", `${this.where}: expands past ${this.limit} bytes`, {
          hint: "a decompression bomb, or raise --max-layer-size",
        }),
      );
      return;
    }
    this.hash.update(chunk);
    this.onProgress?.(chunk.length);
    cb(null, chunk);
  }
}

function verifyDigests(layer: LayerBlob, compressed: Hash, uncompressed: Hash, where: string) {
  const stored = `sha256:${compressed.digest("hex")}`;
  if (layer.digest?.startsWith("sha256:") && layer.digest !== stored) {
    throw new VigilError("DIGEST_MISMATCH", `${where}: blob digest is ${stored}`, {
      hint: "the layer was altered or damaged; fetch the image again",
    });
  }
  const diffId = `sha256:${uncompressed.digest("hex")}`;
  if (layer.diffId.startsWith("sha256:") && layer.diffId !== diffId) {
    throw new VigilError("DIGEST_MISMATCH", `${where}: uncompressed digest is ${diffId}`, {
      hint: `the config says ${layer.diffId}; the layer was altered, truncated or mislabelled`,
    });
  }
}

/** Decoder and tar errors arrive bare; the user needs to know which layer. */
function asLayerError(err: unknown, where: string): VigilError {
  if (err instanceof VigilError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "EISDIR" || code === "EACCES") {
    return new VigilError("NOT_FOUND", `${where}: the layer blob cannot be read (${code})`, {
      cause: err,
      hint: "the image is incomplete; copy or export it again",
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new VigilError("CORRUPT_LAYER", `${where}: ${message}`, {
    cause: err,
    hint: "the layer is truncated or corrupt; fetch the image again",
  });
}
