// Downloads one feed file to disk, the way a flaky network and a busy server
// call for: retries with exponential backoff (honouring Retry-After) on
// connection errors, timeouts, 408, 429 and 5xx; conditional requests from
// the stored copy's ETag and Last-Modified (a 304 keeps the stored copy); a
// broken download resumes from its `.part` file with Range + If-Range, or
// restarts when the server cannot resume; the length and any digest the
// server states (x-goog-hash md5, Repr-Digest / Content-Digest sha-256) are
// checked, and the sha256 of what was stored is recorded beside it.
import { createHash, type Hash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  createReadStream,
} from "node:fs";
import path from "node:path";
import type { Logger } from "pino";

import { VIGIL_VERSION } from "../about.js";
import { VigilError } from "../errors.js";
import { backoffDelay, parseRetryAfter, sleep } from "../util/retry.js";

export interface RetryPolicy {
  /** Tries per file, the first included. */
  attempts: number;
  /** First backoff; doubled per retry, with jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** From the request to the response headers. */
  headersTimeoutMs: number;
  /** Longest wait for the next body chunk. */
  idleTimeoutMs: number;
}

export const DEFAULT_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  headersTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
};

/** What is kept beside a stored copy, `<file>.meta.json`. */
export interface StoredMeta {
  url: string;
  etag?: string;
  lastModified?: string;
  sha256: string;
  bytes: number;
  fetchedAt: string;
}

export type DownloadOutcome =
  | { kind: "not-modified"; meta: StoredMeta }
  | { kind: "missing"; status: number }
  | { kind: "downloaded"; meta: StoredMeta };

export interface DownloadEvents {
  onStart?(total: number | undefined, resumedAt: number): void;
  onData?(bytes: number): void;
  onRetry?(attempt: number, delayMs: number, reason: string): void;
}

export interface DownloadRequest {
  url: string;
  /** Where the complete file goes; `.part`, `.part.json` and `.meta.json` sit beside it. */
  dest: string;
  policy: RetryPolicy;
  log: Logger;
  events?: DownloadEvents;
  /** Validators to send when there is no stored copy of our own (e.g. from the DB). */
  validators?: { etag?: string; lastModified?: string };
}

/** A failure worth another try. `retryAfterMs` comes from the server when it says. */
class Retryable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The stored copy's meta, if the file is there and has the size the meta says. */
export function readStoredMeta(dest: string): StoredMeta | undefined {
  try {
    const meta = JSON.parse(readFileSync(`${dest}.meta.json`, "utf8")) as StoredMeta;
    if (statSync(dest).size !== meta.bytes || typeof meta.sha256 !== "string") return undefined;
    return meta;
  } catch {
    return undefined;
  }
}

/** Drops a stored copy and its meta (after the DB moved past it). */
export function dropStored(dest: string): void {
  rmSync(`${dest}.meta.json`, { force: true });
  rmSync(dest, { force: true });
}

function retryAfter(header: string | null): number | undefined {
  return parseRetryAfter(header);
}

function backoff(policy: RetryPolicy, attempt: number, hinted?: number): number {
  return backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs, hinted);
}

function reasonOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}

/** Fetch and body-stream failures are network trouble: retry them. */
function isRetryable(err: unknown): boolean {
  if (err instanceof Retryable) return true;
  if (err instanceof VigilError) return false;
  return err instanceof Error;
}

/** Calls `fn` until it succeeds, a failure is not worth retrying, or the tries run out. */
async function withRetries<T>(
  url: string,
  policy: RetryPolicy,
  log: Logger,
  fn: () => Promise<T>,
  onRetry?: DownloadEvents["onRetry"],
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || attempt >= policy.attempts) {
        if (err instanceof VigilError) throw err;
        throw new VigilError("NETWORK", `cannot download ${url}: ${reasonOf(err)}`, {
          cause: err,
          hint: `gave up after ${attempt} tries; check the network or the mirror (--mirror)`,
        });
      }
      const delay = backoff(policy, attempt, (err as Retryable).retryAfterMs);
      const reason = reasonOf(err);
      // Retries are routine; the failure that ends them is the warning.
      log.info({ url, attempt, delayMs: Math.round(delay), reason }, "retrying");
      onRetry?.(attempt, delay, reason);
      await sleep(delay);
    }
  }
}

export async function download(req: DownloadRequest): Promise<DownloadOutcome> {
  mkdirSync(path.dirname(req.dest), { recursive: true });
  return withRetries(req.url, req.policy, req.log, () => attemptOnce(req), req.events?.onRetry);
}

/** A small file (one OSV record) into memory, with the same retries; undefined on 404. */
export async function fetchSmall(
  url: string,
  policy: RetryPolicy,
  log: Logger,
  maxBytes = 16 * 1024 * 1024,
): Promise<Buffer | undefined> {
  return withRetries(url, policy, log, async () => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new Retryable("no response in time")),
      policy.headersTimeoutMs + policy.idleTimeoutMs,
    );
    try {
      const res = await fetch(url, {
        headers: { "user-agent": `vigil/${VIGIL_VERSION}` },
        signal: controller.signal,
      });
      if (res.status === 404 || res.status === 410) {
        await res.body?.cancel();
        return undefined;
      }
      if (res.status === 408 || res.status === 429 || res.status >= 500) {
        await res.body?.cancel();
        throw new Retryable(`HTTP ${res.status}`, retryAfter(res.headers.get("retry-after")));
      }
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new VigilError("NETWORK", `cannot download ${url}: HTTP ${res.status}`);
      }
      const data = Buffer.from(await res.arrayBuffer());
      if (data.length > maxBytes) {
        throw new VigilError("LIMIT_EXCEEDED", `${url} is over ${maxBytes} bytes`);
      }
      return data;
    } finally {
      clearTimeout(timer);
    }
  });
}

interface PartMeta {
  url: string;
  etag?: string;
  lastModified?: string;
}

function readPartMeta(file: string, url: string): PartMeta | undefined {
  try {
    const meta = JSON.parse(readFileSync(file, "utf8")) as PartMeta;
    return meta.url === url && (meta.etag || meta.lastModified) ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** Feeds the bytes already in `file` to the hashes, for a resumed download. */
async function hashExisting(file: string, hashes: Hash[]): Promise<void> {
  for await (const chunk of createReadStream(file)) {
    for (const h of hashes) h.update(chunk as Buffer);
  }
}

/** `bytes N-M/T` → {start N, total T}. */
function contentRange(header: string | null): { start: number; total?: number } | undefined {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header ?? "");
  if (!m) return undefined;
  return { start: Number(m[1]), ...(m[2] !== "*" && { total: Number(m[2]) }) };
}

/** Digests the server vouches for, of the whole file. */
function statedDigests(res: Response, whole: boolean): { md5?: string; sha256?: string } {
  const out: { md5?: string; sha256?: string } = {};
  for (const part of (res.headers.get("x-goog-hash") ?? "").split(",")) {
    const m = /^\s*md5=(.+)$/.exec(part);
    if (m) out.md5 = Buffer.from(m[1] as string, "base64").toString("hex");
  }
  // RFC 9530: Repr-Digest is of the whole representation, Content-Digest of
  // this response's content, which is the whole file only on a 200.
  const headers = [
    res.headers.get("repr-digest"),
    whole ? res.headers.get("content-digest") : null,
  ];
  for (const header of headers) {
    const m = /sha-256=:([A-Za-z0-9+/=]+):/.exec(header ?? "");
    if (m) out.sha256 = Buffer.from(m[1] as string, "base64").toString("hex");
  }
  return out;
}

async function attemptOnce(req: DownloadRequest): Promise<DownloadOutcome> {
  const { url, dest, policy } = req;
  const part = `${dest}.part`;
  const partMetaFile = `${dest}.part.json`;
  const stored = readStoredMeta(dest);

  const headers: Record<string, string> = {
    "user-agent": `vigil/${VIGIL_VERSION}`,
    // Byte counts, ranges and digests are of the file as stored, not re-encoded.
    "accept-encoding": "identity",
  };
  const validators = stored ?? req.validators;
  if (validators?.etag) headers["if-none-match"] = validators.etag;
  if (validators?.lastModified) headers["if-modified-since"] = validators.lastModified;

  const partMeta = existsSync(part) ? readPartMeta(partMetaFile, url) : undefined;
  const resumeAt = partMeta ? statSync(part).size : 0;
  if (partMeta && resumeAt > 0) {
    headers.range = `bytes=${resumeAt}-`;
    headers["if-range"] = (partMeta.etag ?? partMeta.lastModified) as string;
  }

  const controller = new AbortController();
  let timer = setTimeout(
    () => controller.abort(new Retryable("no response in time")),
    policy.headersTimeoutMs,
  );
  const idle = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => controller.abort(new Retryable(`no data for ${policy.idleTimeoutMs} ms`)),
      policy.idleTimeoutMs,
    );
  };

  try {
    const res = await fetch(url, { headers, signal: controller.signal, redirect: "follow" });
    idle();

    if (res.status === 304 && stored) {
      await res.body?.cancel();
      rmSync(part, { force: true });
      rmSync(partMetaFile, { force: true });
      return { kind: "not-modified", meta: stored };
    }
    if (res.status === 304 && req.validators) {
      await res.body?.cancel();
      return {
        kind: "not-modified",
        meta: { url, ...req.validators, sha256: "", bytes: 0, fetchedAt: "" },
      };
    }
    if (res.status === 404 || res.status === 410) {
      await res.body?.cancel();
      return { kind: "missing", status: res.status };
    }
    if (res.status === 416) {
      await res.body?.cancel();
      rmSync(part, { force: true });
      throw new Retryable("the server cannot resume (416); starting over", 0);
    }
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      await res.body?.cancel();
      throw new Retryable(`HTTP ${res.status}`, retryAfter(res.headers.get("retry-after")));
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw new VigilError("NETWORK", `cannot download ${url}: HTTP ${res.status}`, {
        hint: "check the feed URL or mirror (--mirror, or the per-source URL options)",
      });
    }
    return await receive(req, res, resumeAt, idle);
  } finally {
    clearTimeout(timer);
  }
}

async function receive(
  req: DownloadRequest,
  res: Response,
  resumeAt: number,
  idle: () => void,
): Promise<DownloadOutcome> {
  const { url, dest } = req;
  const part = `${dest}.part`;
  const partMetaFile = `${dest}.part.json`;
  const sha256 = createHash("sha256");
  const md5 = createHash("md5");

  let start = 0;
  let total: number | undefined;
  if (res.status === 206) {
    const range = contentRange(res.headers.get("content-range"));
    if (!range || range.start !== resumeAt) {
      await res.body?.cancel();
      rmSync(part, { force: true });
      throw new Retryable("the server resumed at the wrong offset; starting over", 0);
    }
    start = resumeAt;
    total = range.total;
    await hashExisting(part, [sha256, md5]);
  } else {
    const length = res.headers.get("content-length");
    total = length === null ? undefined : Number(length);
  }

  // The validators a later try needs to resume this same version of the file.
  const etag = res.headers.get("etag") ?? undefined;
  const lastModified = res.headers.get("last-modified") ?? undefined;
  if (start === 0) {
    writeFileSync(partMetaFile, JSON.stringify({ url, etag, lastModified } satisfies PartMeta));
  }
  req.events?.onStart?.(total, start);

  let bytes = start;
  const fd = openSync(part, start === 0 ? "w" : "a");
  try {
    if (res.body) {
      for await (const chunk of res.body) {
        idle();
        const buf = chunk as Uint8Array;
        writeSync(fd, buf);
        sha256.update(buf);
        md5.update(buf);
        bytes += buf.length;
        req.events?.onData?.(buf.length);
      }
    }
  } finally {
    closeSync(fd);
  }

  if (total !== undefined && bytes !== total) {
    // Keep the part: the next try resumes from here.
    throw new Retryable(`connection closed after ${bytes} of ${total} bytes`);
  }

  const digest = sha256.digest("hex");
  const stated = statedDigests(res, res.status === 200);
  const md5Hex = md5.digest("hex");
  if ((stated.md5 && stated.md5 !== md5Hex) || (stated.sha256 && stated.sha256 !== digest)) {
    rmSync(part, { force: true });
    rmSync(partMetaFile, { force: true });
    throw new Retryable(`checksum mismatch for ${url}: the server states another digest`, 0);
  }

  // Old meta first: a kill between the steps leaves a file with no meta,
  // which the next run downloads again rather than trusts.
  const meta: StoredMeta = {
    url,
    ...(etag && { etag }),
    ...(lastModified && { lastModified }),
    sha256: digest,
    bytes,
    fetchedAt: new Date().toISOString(),
  };
  rmSync(`${dest}.meta.json`, { force: true });
  renameSync(part, dest);
  writeFileSync(`${dest}.meta.json.tmp`, JSON.stringify(meta));
  renameSync(`${dest}.meta.json.tmp`, `${dest}.meta.json`);
  rmSync(partMetaFile, { force: true });
  return { kind: "downloaded", meta };
}

/** Runs `fn` over `items` with at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
