// A small OCI distribution API client, for `vigil db push/pull` and for
// scanning images straight from a registry: manifests and blobs down (sizes
// capped, digests checked), blobs and manifests up, with the registry's
// challenge answered (a bearer token, anonymous or with credentials, or basic
// credentials). HTTPS everywhere but loopback, where a registry that does not
// speak TLS is talked to over HTTP; --insecure allows that for any host.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, rmSync, statSync } from "node:fs";
import { rename } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Logger } from "pino";

import { VigilError } from "../errors.js";
import { backoffDelay, sleep } from "../util/retry.js";
import {
  basicHeader,
  findCredentials,
  parseChallenge,
  type Challenge,
  type CredentialOptions,
  type Credentials,
} from "./auth.js";
import { apiHost, parseWithRegistry, type RegistryRef } from "./reference.js";
import {
  guardedBody,
  header,
  isNotTls,
  safeUrl,
  Transport,
  type OutgoingRequest,
  type RegistryResponse,
  type TransportOptions,
} from "./transport.js";

export type { RegistryRef } from "./reference.js";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

/** Registries refuse manifests over 4 MiB; anything bigger is not a manifest. */
export const MAX_MANIFEST_BYTES = 4 << 20;

/** `oci://REGISTRY/REPO[:TAG][@DIGEST]`; the tag defaults to `latest`. */
export function parseOciRef(text: string): RegistryRef {
  const ref = parseWithRegistry(text.replace(/^oci:\/\//, ""));
  if (!ref) {
    throw new VigilError("BAD_REFERENCE", `${text} is not an OCI reference`, {
      hint: "write oci://REGISTRY/REPOSITORY:TAG, e.g. oci://127.0.0.1:5000/vigil/db:latest",
    });
  }
  return ref;
}

export interface ClientOptions extends TransportOptions, CredentialOptions {
  log: Logger;
  /** Always HTTP (`db push --plain-http`). */
  plainHttp?: boolean;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface Manifest {
  data: Buffer;
  mediaType: string;
  digest: string;
}

export function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, "");
  return host === "localhost" || host.startsWith("127.") || host === "[::1]";
}

export class RegistryClient {
  private readonly transport: Transport;
  private readonly host: string;
  private scheme?: "https:" | "http:";
  private readonly tokens = new Map<string, string>();
  private credentials?: Promise<Credentials | undefined>;
  /** What must never reach a message: the password and any token. */
  private readonly secrets = new Set<string>();

  constructor(
    readonly registry: string,
    private readonly opts: ClientOptions,
  ) {
    this.host = apiHost(registry);
    this.transport = new Transport(opts);
    if (opts.plainHttp) this.scheme = "http:";
  }

  close(): void {
    this.transport.close();
  }

  /** The manifest's bytes, capped and checked against the digest asked for (or stated). */
  async getManifest(repo: string, reference: string, accept: string[]): Promise<Manifest> {
    const what = `${this.registry}/${repo}${reference.startsWith("sha256:") ? "@" : ":"}${reference}`;
    const res = await this.request(repo, {
      method: "GET",
      path: `/v2/${repo}/manifests/${reference}`,
      headers: { accept: accept.join(", ") },
    });
    if (res.status === 404) {
      res.body.resume();
      throw new VigilError("NOT_FOUND", `${what} does not exist`, {
        hint: "check the repository and tag; the registry has no such manifest",
      });
    }
    if (res.status !== 200) return this.fail(res, `cannot get manifest ${what}`);

    const data = await readCapped(res, MAX_MANIFEST_BYTES, `manifest ${what}`, this.timeoutMs);
    const digest = sha256(data);
    const stated = header(res, "docker-content-digest");
    const expected = reference.startsWith("sha256:") ? reference : stated;
    if (expected?.startsWith("sha256:") && expected !== digest) {
      throw new VigilError("DIGEST_MISMATCH", `manifest ${what} is ${digest}, not ${expected}`, {
        hint: "the registry or something between sent other bytes; nothing was scanned",
      });
    }
    return { data, mediaType: (header(res, "content-type") ?? "").split(";")[0] ?? "", digest };
  }

  /** A small blob (an image config) whole, checked against its size and digest. */
  async readBlob(repo: string, desc: Descriptor, limit: number): Promise<Buffer> {
    if (desc.size > limit) {
      throw new VigilError("LIMIT_EXCEEDED", `blob ${desc.digest} is ${desc.size} bytes`, {
        hint: `more than the ${limit}-byte limit for this kind of blob`,
      });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of this.blobChunks(repo, desc)) chunks.push(chunk);
    const data = Buffer.concat(chunks);
    if (sha256(data) !== desc.digest) throw blobMismatch(desc, sha256(data));
    return data;
  }

  /**
   * A blob as a stream that starts when first read. Its size is enforced as
   * it arrives (a server may not send more, or fewer, bytes than the
   * manifest says); the digest is for the reader to check as it hashes.
   */
  openBlob(repo: string, desc: Descriptor): Readable {
    return Readable.from(this.blobChunks(repo, desc), { objectMode: false });
  }

  /**
   * A connection dropped midway is picked up where it stopped, with a Range
   * request, as often as the retries allow: the bytes already passed on
   * cannot be taken back, so a registry that cannot resume ends the read.
   */
  private async *blobChunks(repo: string, desc: Descriptor): AsyncGenerator<Buffer> {
    const what = `blob ${desc.digest} of ${this.registry}/${repo}`;
    let received = 0;
    for (let attempt = 1; ; attempt++) {
      const res = await this.openRange(repo, desc, received, what);
      try {
        for await (const chunk of guardedBody(res, this.timeoutMs, what)) {
          received += chunk.length;
          if (received > desc.size) throw wrongSize(what, desc.size, "the registry sent more");
          yield chunk;
        }
        break;
      } catch (err) {
        if (!isDropped(err) || attempt > this.transport.retries) throw dropped(what, err);
        const delay = backoffDelay(attempt, 500, 30_000);
        this.opts.log.warn({ blob: desc.digest, received, delayMs: Math.round(delay) }, "resuming");
        await sleep(delay);
      }
    }
    if (received !== desc.size) throw wrongSize(what, desc.size, `the registry sent ${received}`);
  }

  /** The blob from `offset` on: the whole of it (200), or the rest (206). */
  private async openRange(repo: string, desc: Descriptor, offset: number, what: string) {
    const res = await this.request(repo, {
      method: "GET",
      path: `/v2/${repo}/blobs/${desc.digest}`,
      headers: offset > 0 ? { range: `bytes=${offset}-` } : undefined,
    });
    if (offset > 0 && res.status !== 206) {
      res.body.resume();
      throw new VigilError("NETWORK", `${what}: cut off after ${offset} bytes`, {
        hint: `the registry cannot resume a download (HTTP ${res.status} to a Range request)`,
      });
    }
    if (offset === 0 && res.status !== 200) return this.fail(res, `cannot get ${what}`);

    const length = header(res, "content-length");
    if (length !== undefined && Number(length) !== desc.size - offset) {
      res.body.resume();
      throw wrongSize(what, desc.size, `the registry sends ${Number(length) + offset}`);
    }
    return res;
  }

  /** Streams a blob to `dest`, verifying its digest and size before it lands there. */
  async pullBlob(repo: string, desc: Descriptor, dest: string): Promise<void> {
    const tmp = `${dest}.part`;
    const hash = createHash("sha256");
    try {
      const body = this.openBlob(repo, desc);
      body.on("data", (chunk: Buffer) => hash.update(chunk));
      await pipeline(body, createWriteStream(tmp));
      const digest = `sha256:${hash.digest("hex")}`;
      if (digest !== desc.digest) throw blobMismatch(desc, digest);
      await rename(tmp, dest);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    this.opts.log.debug({ digest: desc.digest, size: desc.size }, "blob pulled");
  }

  async blobExists(repo: string, digest: string): Promise<boolean> {
    const res = await this.request(repo, { method: "HEAD", path: `/v2/${repo}/blobs/${digest}` });
    res.body.resume();
    return res.status === 200;
  }

  /** Uploads a blob (a file or bytes) in one PUT, unless the registry has it already. */
  async pushBlob(
    repo: string,
    content: { file: string } | { data: Buffer },
    digest: string,
  ): Promise<void> {
    if (await this.blobExists(repo, digest)) return;
    const start = await this.request(repo, {
      method: "POST",
      path: `/v2/${repo}/blobs/uploads/`,
      push: true,
    });
    start.body.resume();
    const location = header(start, "location");
    if (start.status !== 202 || !location) {
      return this.fail(start, `cannot start a blob upload to ${repo}`);
    }

    const url = new URL(location, start.url);
    url.searchParams.set("digest", digest);
    const size = "file" in content ? statSync(content.file).size : content.data.length;
    const res = await this.request(repo, {
      method: "PUT",
      url,
      push: true,
      headers: { "content-type": "application/octet-stream", "content-length": String(size) },
      body: () => ("file" in content ? createReadStream(content.file) : content.data),
    });
    res.body.resume();
    if (res.status !== 201) return this.fail(res, `cannot upload blob ${digest}`);
  }

  async putManifest(
    repo: string,
    reference: string,
    manifest: Buffer,
    mediaType: string,
  ): Promise<string> {
    const res = await this.request(repo, {
      method: "PUT",
      path: `/v2/${repo}/manifests/${reference}`,
      push: true,
      headers: { "content-type": mediaType },
      body: () => manifest,
    });
    res.body.resume();
    if (res.status !== 201) return this.fail(res, `cannot put manifest ${repo}:${reference}`);
    return header(res, "docker-content-digest") ?? sha256(manifest);
  }

  private get timeoutMs(): number {
    return this.transport.timeoutMs;
  }

  /** One API call: the scheme found, the challenge answered once, at most. */
  private async request(repo: string, call: ApiCall): Promise<RegistryResponse> {
    const scope = `repository:${repo}:${call.push ? "pull,push" : "pull"}`;
    let res = await this.send(call, this.tokens.get(scope));
    if (res.status !== 401) return res;

    res.body.resume();
    const challenge = parseChallenge(header(res, "www-authenticate"));
    const authorization = await this.answer(challenge, scope);
    res = await this.send(call, authorization);
    if (res.status !== 401) return res;

    res.body.resume();
    const creds = await this.credentials;
    throw new VigilError("AUTH", `registry ${this.registry} refused access to ${repo} (401)`, {
      hint: creds
        ? `the credentials from ${creds.origin} were not accepted`
        : "log in: --username with --password-stdin, VIGIL_REGISTRY_USERNAME/PASSWORD, or docker login",
    });
  }

  private async send(call: ApiCall, authorization?: string): Promise<RegistryResponse> {
    const headers = { ...call.headers, ...(authorization && { authorization }) };
    const req = (scheme: string): OutgoingRequest => ({
      method: call.method,
      url: call.url ?? new URL(`${scheme}//${this.host}${call.path ?? "/v2/"}`),
      headers,
      body: call.body,
    });
    if (this.scheme) return this.transport.send(req(this.scheme));

    try {
      const res = await this.transport.send(req("https:"));
      this.scheme = "https:";
      return res;
    } catch (err) {
      const mayUseHttp = isLoopback(this.registry) || this.opts.insecure;
      if (!mayUseHttp || !isNotTls(err)) throw err;
      this.opts.log.debug({ registry: this.registry }, "no TLS on this registry: using HTTP");
      this.scheme = "http:";
      return this.transport.send(req(this.scheme));
    }
  }

  /** The Authorization header a challenge asks for, cached per scope. */
  private async answer(challenge: Challenge | undefined, scope: string): Promise<string> {
    this.credentials ??= findCredentials(this.registry, this.opts);
    const creds = await this.credentials;
    if (creds) this.secrets.add(creds.password);

    if (challenge?.scheme === "bearer" && challenge.params.realm) {
      const token = await this.fetchToken(challenge, scope, creds);
      this.tokens.set(scope, token);
      return token;
    }
    if (challenge?.scheme === "basic" && creds) {
      const basic = basicHeader(creds);
      this.tokens.set(scope, basic);
      return basic;
    }
    throw new VigilError("AUTH", `registry ${this.registry} asks for credentials`, {
      hint: "log in: --username with --password-stdin, VIGIL_REGISTRY_USERNAME/PASSWORD, or docker login",
    });
  }

  private async fetchToken(
    challenge: Challenge,
    scope: string,
    creds: Credentials | undefined,
  ): Promise<string> {
    const url = tokenUrl(challenge, scope, this.registry, this.opts.insecure);
    const res = await this.transport.send({
      method: "GET",
      url,
      headers: creds ? { authorization: basicHeader(creds) } : {},
    });
    if (res.status === 401 || res.status === 403) {
      res.body.resume();
      throw new VigilError("AUTH", `the token service of ${this.registry} refused the login`, {
        hint: creds
          ? `check the credentials from ${creds.origin}`
          : "the image is not public: log in with --username and --password-stdin",
      });
    }
    if (res.status !== 200) return this.fail(res, `cannot get a token from ${safeUrl(url)}`);

    const body = await readCapped(res, 1 << 20, `token from ${safeUrl(url)}`, this.timeoutMs);
    const parsed = parseTokenBody(body);
    if (!parsed) {
      throw new VigilError("AUTH", `the token service of ${this.registry} sent no token`);
    }
    this.secrets.add(parsed);
    return `Bearer ${parsed}`;
  }

  private async fail(res: RegistryResponse, what: string): Promise<never> {
    const text = await readCapped(res, 4096, what, this.timeoutMs).then(
      (b) => b.toString("utf8"),
      () => "",
    );
    const detail = this.redact(registryErrors(text)).slice(0, 200);
    const code = res.status === 403 ? "AUTH" : "NETWORK";
    throw new VigilError(code, `${what}: HTTP ${res.status}${detail ? ` (${detail})` : ""}`);
  }

  private redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (secret) out = out.split(secret).join("***");
    return out;
  }
}

interface ApiCall {
  method: OutgoingRequest["method"];
  /** A path on the registry, or a whole URL (an upload location). */
  path?: string;
  url?: URL;
  headers?: Record<string, string>;
  body?: OutgoingRequest["body"];
  push?: boolean;
}

function tokenUrl(challenge: Challenge, scope: string, registry: string, insecure?: boolean) {
  let url: URL;
  try {
    url = new URL(challenge.params.realm as string);
  } catch {
    throw new VigilError("AUTH", `registry ${registry} names a token service that is no URL`);
  }
  const plainOk = url.protocol === "http:" && (insecure || isLoopback(url.host));
  if (url.protocol !== "https:" && !plainOk) {
    throw new VigilError("AUTH", `registry ${registry} sends credentials to ${url.origin}`, {
      hint: "vigil sends credentials over HTTPS only (HTTP on this machine, or with --insecure)",
    });
  }
  if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
  url.searchParams.set("scope", challenge.params.scope ?? scope);
  return url;
}

function parseTokenBody(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as { token?: unknown; access_token?: unknown };
    const token = parsed.token ?? parsed.access_token;
    return typeof token === "string" && token !== "" ? token : undefined;
  } catch {
    return undefined;
  }
}

/** `{"errors":[{"code":"…","message":"…"}]}` as the distribution spec writes it. */
function registryErrors(text: string): string {
  try {
    const parsed = JSON.parse(text) as { errors?: { code?: string; message?: string }[] };
    const list = (parsed.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(": "));
    if (list.length > 0) return list.join("; ");
  } catch {
    // Not the spec's JSON: the text itself, on one line.
  }
  return text.replace(/\s+/g, " ").trim();
}

async function readCapped(
  res: RegistryResponse,
  limit: number,
  what: string,
  timeoutMs: number,
): Promise<Buffer> {
  const length = Number(header(res, "content-length") ?? 0);
  if (length > limit) {
    res.body.destroy();
    throw tooLarge(what, limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of guardedBody(res, timeoutMs, what)) {
    size += chunk.length;
    if (size > limit) throw tooLarge(what, limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(what: string, limit: number): VigilError {
  return new VigilError("LIMIT_EXCEEDED", `${what} is over ${limit} bytes`, {
    hint: "registries keep manifests under 4 MiB; this one is broken or hostile",
  });
}

/** The connection went away under the body; a stall or a lie is not that. */
function isDropped(err: unknown): boolean {
  if (err instanceof VigilError) return false;
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ECONNRESET" || code === "EPIPE" || code === "ETIMEDOUT";
}

function dropped(what: string, err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof VigilError) return err;
  return new VigilError("NETWORK", `${what}: the connection dropped (${err.message})`, {
    cause: err,
    hint: "try again; --registry-retries sets how often a download is resumed",
  });
}

function wrongSize(what: string, size: number, actual: string): VigilError {
  return new VigilError("DIGEST_MISMATCH", `${what}: the manifest says ${size} bytes, ${actual}`, {
    hint: "the registry sent other content than the manifest names; nothing was kept",
  });
}

function blobMismatch(desc: Descriptor, actual: string): VigilError {
  return new VigilError("DIGEST_MISMATCH", `blob ${desc.digest} arrived as ${actual}`, {
    hint: "the registry sent other content than the manifest names; nothing was kept",
  });
}

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}
