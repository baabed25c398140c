// HTTP for the registry client, on Node's own http and https: one keep-alive
// agent per client (with the user's CA bundle, or none checked with
// --insecure), redirects followed by hand so credentials never go to another
// host, retries with backoff on 429, 5xx and dropped connections, and time
// limits that also catch a server that sends a byte now and then.
// note: proxy settings (HTTPS_PROXY, NO_PROXY) are not read yet (issue 9).
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import { rootCertificates } from "node:tls";
import type { Readable } from "node:stream";
import type { Logger } from "pino";

import { VIGIL_VERSION } from "../about.js";
import { VigilError } from "../errors.js";
import { backoffDelay, parseRetryAfter, sleep } from "../util/retry.js";

export interface TransportOptions {
  log: Logger;
  /** Accept any certificate (and, in the client, plain HTTP to any host). */
  insecure?: boolean;
  /** PEM certificates trusted beside the system's. */
  ca?: string;
  /** Longest wait for a response, and the window a body must make progress in. */
  timeoutMs?: number;
  /** Tries after the first on 429, 5xx and connection errors. */
  retries?: number;
  /** First backoff; doubled per retry. */
  retryDelayMs?: number;
}

export interface OutgoingRequest {
  method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH";
  url: URL;
  headers?: Record<string, string>;
  /** Called once per try: a streamed body must be made afresh. */
  body?: () => Readable | Buffer;
}

export interface RegistryResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Where the response came from, after redirects. */
  url: URL;
  body: IncomingMessage;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 3;
/** A body slower than this per timeout window is a stalled or hostile server. */
export const MIN_BYTES_PER_WINDOW = 16 * 1024;
const MAX_REDIRECTS = 5;
const MAX_RETRY_DELAY_MS = 30_000;
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRY_ERRORS = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"]);

/** A failure of one try that another try may not have. */
class TransientError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export class Transport {
  readonly timeoutMs: number;
  readonly retries: number;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent: https.Agent;

  constructor(private readonly opts: TransportOptions) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retries = opts.retries ?? DEFAULT_RETRIES;
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      rejectUnauthorized: !opts.insecure,
      ...(opts.ca && { ca: [...rootCertificates, opts.ca] }),
    });
  }

  /** Sends with retries; a response that stays 429 or 5xx is returned for the caller to report. */
  async send(req: OutgoingRequest): Promise<RegistryResponse> {
    const retries = this.retries;
    for (let attempt = 1; ; attempt++) {
      let res: RegistryResponse;
      try {
        res = await this.followRedirects(req);
      } catch (err) {
        if (!(err instanceof TransientError) || attempt > retries) throw networkError(req, err);
        await this.pause(req, attempt, err.message);
        continue;
      }
      if (!RETRY_STATUS.has(res.status) || attempt > retries) return res;

      res.body.resume();
      const hinted = parseRetryAfter(header(res, "retry-after"));
      await this.pause(req, attempt, `HTTP ${res.status}`, hinted);
    }
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private async pause(req: OutgoingRequest, attempt: number, reason: string, hinted?: number) {
    const delay = backoffDelay(attempt, this.opts.retryDelayMs ?? 500, MAX_RETRY_DELAY_MS, hinted);
    this.opts.log.warn(
      { url: safeUrl(req.url), attempt, delayMs: Math.round(delay), reason },
      "registry request failed; retrying",
    );
    await sleep(delay);
  }

  /**
   * Blob storage behind a registry answers with redirects. The Authorization
   * header is for the registry alone: it is dropped when a redirect leaves
   * the registry's origin.
   */
  private async followRedirects(req: OutgoingRequest): Promise<RegistryResponse> {
    let url = req.url;
    let headers = { ...req.headers };
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const res = await this.once({ ...req, url, headers });
      const location = header(res, "location");
      if (res.status < 300 || res.status > 399 || res.status === 304 || !location) return res;

      res.body.resume();
      const next = new URL(location, url);
      if (next.protocol !== "https:" && next.protocol !== "http:") {
        throw new VigilError("NETWORK", `${safeUrl(url)}: redirected to a ${next.protocol} URL`);
      }
      if (next.origin !== req.url.origin) headers = withoutAuthorization(headers);
      url = next;
    }
    throw new VigilError("NETWORK", `${safeUrl(req.url)}: more than ${MAX_REDIRECTS} redirects`);
  }

  private once(req: OutgoingRequest): Promise<RegistryResponse> {
    const secure = req.url.protocol === "https:";
    const send = secure ? https.request : http.request;
    const headers = { "user-agent": `vigil/${VIGIL_VERSION}`, ...req.headers };
    return new Promise((resolve, reject) => {
      const outgoing = send(req.url, {
        method: req.method,
        headers,
        agent: secure ? this.httpsAgent : this.httpAgent,
      });
      const late = () => new TransientError(`no response in ${this.timeoutMs / 1000} s`);
      // A connection that never opens: the socket stays idle.
      outgoing.setTimeout(this.timeoutMs, () => outgoing.destroy(late()));
      let timer: NodeJS.Timeout | undefined;
      // The wait for an answer starts once the request is sent, not while it uploads.
      outgoing.on("finish", () => {
        timer = setTimeout(() => outgoing.destroy(late()), this.timeoutMs);
      });

      outgoing.on("response", (body) => {
        clearTimeout(timer);
        // From here the body's own guard watches progress; the reader may pause.
        outgoing.setTimeout(0);
        resolve({ status: body.statusCode ?? 0, headers: body.headers, url: req.url, body });
      });
      outgoing.on("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(classify(err));
      });
      writeBody(outgoing, req.body?.());
    });
  }
}

function writeBody(outgoing: http.ClientRequest, body: Readable | Buffer | undefined): void {
  if (!body) outgoing.end();
  else if (Buffer.isBuffer(body)) outgoing.end(body);
  else {
    body.on("error", (err) => outgoing.destroy(err));
    body.pipe(outgoing);
  }
}

function classify(err: NodeJS.ErrnoException): Error {
  if (err instanceof TransientError || err instanceof VigilError) return err;
  if (err.code && RETRY_ERRORS.has(err.code)) return new TransientError(err.message, err.code);
  return err;
}

function networkError(req: OutgoingRequest, err: unknown): VigilError {
  if (err instanceof VigilError) return err;
  const e = err as NodeJS.ErrnoException;
  const where = `${req.url.host}`;
  if (isCertificateError(e)) {
    return new VigilError("NETWORK", `TLS to ${where}: ${e.message}`, {
      cause: err,
      hint: "pass the registry's CA with --ca-file FILE, or --insecure to skip the check",
    });
  }
  return new VigilError("NETWORK", `cannot reach registry ${where}: ${e.message}`, {
    cause: err,
    hint: "check the address and the network",
  });
}

/** The peer answered, but not with TLS: a registry on plain HTTP. */
export function isNotTls(err: unknown): boolean {
  const cause = err instanceof VigilError ? err.cause : err;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? "";
  return code === "EPROTO" || code === "ERR_SSL_WRONG_VERSION_NUMBER";
}

function isCertificateError(err: NodeJS.ErrnoException): boolean {
  const code = err.code ?? "";
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT/.test(code);
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  const { authorization: _dropped, ...rest } = headers;
  return rest;
}

export function header(res: RegistryResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** A URL for logs and errors: blob storage signs its redirects in the query. */
export function safeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

const TIMED_OUT = Symbol("timed out");

/**
 * Reads a response body, failing when the time spent waiting for it in any
 * window of `timeoutMs` brings fewer than MIN_BYTES_PER_WINDOW bytes: an idle
 * server and one that trickles a byte a second both end in bounded time.
 * Only time spent waiting on the server counts, not the reader's own pauses.
 */
export async function* guardedBody(
  res: RegistryResponse,
  timeoutMs: number,
  what: string,
): AsyncGenerator<Buffer> {
  const chunks = res.body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Promise<IteratorResult<Buffer>> | undefined;
  let waited = 0;
  let windowBytes = 0;
  let finished = false;
  try {
    for (;;) {
      pending ??= chunks.next();
      const started = Date.now();
      const next = await raceTimer(pending, timeoutMs - waited);
      waited += Date.now() - started;
      if (next !== TIMED_OUT) pending = undefined;
      if (next !== TIMED_OUT && next.done) {
        finished = true;
        return;
      }
      if (next !== TIMED_OUT) windowBytes += next.value.length;

      if (waited >= timeoutMs) {
        if (windowBytes < MIN_BYTES_PER_WINDOW) throw stalled(what, windowBytes, timeoutMs);
        waited = 0;
        windowBytes = 0;
      }
      if (next !== TIMED_OUT) yield next.value;
    }
  } finally {
    // A reader that stops early, or a stall, must not leave the socket open.
    if (!finished) res.body.destroy();
  }
}

function stalled(what: string, bytes: number, timeoutMs: number): VigilError {
  return new VigilError(
    "NETWORK",
    `${what}: the registry stalled (${bytes} bytes in ${timeoutMs / 1000} s)`,
    { hint: "try again later, or raise --registry-timeout on a slow link" },
  );
}

async function raceTimer<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(0, ms));
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
