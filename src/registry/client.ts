// A small OCI distribution API client: blobs up and down (checked against
// their digests), manifests put and get, with the registry's bearer-token
// challenge answered (anonymously, or with basic credentials). Written for
// carrying the vulnerability DB as an artifact; image pulls (issue 9) build
// on it.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, rmSync, statSync } from "node:fs";
import { rename } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { Logger } from "pino";

import { VIGIL_VERSION } from "../about.js";
import { VigilError } from "../errors.js";

export interface RegistryRef {
  /** host[:port] */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

const REF =
  /^(?:oci:\/\/)?([^/]+)\/([a-z0-9]+(?:[._\-/][a-z0-9]+)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** `oci://REGISTRY/REPO[:TAG][@DIGEST]`; the tag defaults to `latest`. */
export function parseOciRef(text: string): RegistryRef {
  const m = REF.exec(text);
  if (!m) {
    throw new VigilError("BAD_REFERENCE", `${text} is not an OCI reference`, {
      hint: "write oci://REGISTRY/REPOSITORY:TAG, e.g. oci://127.0.0.1:5000/vigil/db:latest",
    });
  }
  const ref: RegistryRef = { registry: m[1] as string, repository: m[2] as string };
  if (m[3]) ref.tag = m[3];
  if (m[4]) ref.digest = m[4];
  if (!ref.tag && !ref.digest) ref.tag = "latest";
  return ref;
}

export interface ClientOptions {
  log: Logger;
  /** HTTP instead of HTTPS; the default for localhost and 127.0.0.1 only. */
  plainHttp?: boolean;
  username?: string;
  password?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, "");
  return host === "localhost" || host.startsWith("127.") || host === "[::1]";
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
function parseChallenge(header: string): Record<string, string> | undefined {
  const m = /^Bearer\s+(.*)$/i.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[1] as string).matchAll(/(\w+)="([^"]*)"/g))
    params[p[1] as string] = p[2] as string;
  return params;
}

export class RegistryClient {
  private readonly base: string;
  private token?: string;

  constructor(
    readonly registry: string,
    private readonly opts: ClientOptions,
  ) {
    const plain = opts.plainHttp ?? isLoopback(registry);
    this.base = `${plain ? "http" : "https"}://${registry}`;
  }

  private basic(): string | undefined {
    const user = this.opts.username ?? process.env.VIGIL_REGISTRY_USERNAME;
    const pass = this.opts.password ?? process.env.VIGIL_REGISTRY_PASSWORD;
    return user ? `Basic ${Buffer.from(`${user}:${pass ?? ""}`).toString("base64")}` : undefined;
  }

  /** Answers a 401's bearer challenge with a token for `scope`. */
  private async authenticate(res: Response, scope: string): Promise<boolean> {
    const challenge = res.headers.get("www-authenticate") ?? "";
    const bearer = parseChallenge(challenge);
    if (!bearer?.realm) {
      const basic = this.basic();
      if (/^Basic/i.test(challenge) && basic && this.token !== basic) {
        this.token = basic;
        return true;
      }
      return false;
    }
    const url = new URL(bearer.realm);
    if (bearer.service) url.searchParams.set("service", bearer.service);
    url.searchParams.set("scope", bearer.scope ?? scope);
    const basic = this.basic();
    const tokenRes = await fetch(url, { headers: basic ? { authorization: basic } : {} });
    if (!tokenRes.ok) return false;
    const body = (await tokenRes.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) return false;
    this.token = `Bearer ${token}`;
    return true;
  }

  private async request(
    method: string,
    pathOrUrl: string,
    scope: string,
    init: { headers?: Record<string, string>; body?: () => BodyInit; duplex?: boolean } = {},
  ): Promise<Response> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : `${this.base}${pathOrUrl}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers: Record<string, string> = {
        "user-agent": `vigil/${VIGIL_VERSION}`,
        ...init.headers,
      };
      if (this.token) headers.authorization = this.token;
      let res: Response;
      try {
        res = await fetch(url, {
          method,
          headers,
          ...(init.body && { body: init.body() }),
          ...(init.duplex && { duplex: "half" }),
          redirect: "follow",
        } as RequestInit);
      } catch (err) {
        throw new VigilError(
          "NETWORK",
          `cannot reach registry ${this.registry}: ${String((err as Error).cause ?? err)}`,
          {
            cause: err,
            hint: "check the address; --plain-http for a registry without TLS",
          },
        );
      }
      if (res.status !== 401 || attempt > 0) return res;
      await res.body?.cancel();
      if (!(await this.authenticate(res, scope))) {
        throw new VigilError("NETWORK", `registry ${this.registry} refused access (401)`, {
          hint: "set VIGIL_REGISTRY_USERNAME and VIGIL_REGISTRY_PASSWORD",
        });
      }
    }
    throw new Error("unreachable");
  }

  private async fail(res: Response, what: string): Promise<never> {
    const text = (await res.text().catch(() => "")).slice(0, 300);
    throw new VigilError(
      "NETWORK",
      `${what}: HTTP ${res.status} from ${this.registry} ${text}`.trim(),
    );
  }

  async blobExists(repo: string, digest: string): Promise<boolean> {
    const res = await this.request(
      "HEAD",
      `/v2/${repo}/blobs/${digest}`,
      `repository:${repo}:pull`,
    );
    await res.body?.cancel();
    return res.status === 200;
  }

  /** Uploads a blob (a file or bytes) in one PUT, unless the registry has it already. */
  async pushBlob(
    repo: string,
    content: { file: string } | { data: Buffer },
    digest: string,
  ): Promise<void> {
    if (await this.blobExists(repo, digest)) return;
    const scope = `repository:${repo}:pull,push`;
    const start = await this.request("POST", `/v2/${repo}/blobs/uploads/`, scope);
    await start.body?.cancel();
    const location = start.headers.get("location");
    if (start.status !== 202 || !location)
      return this.fail(start, `cannot start a blob upload to ${repo}`);

    const url = new URL(location, this.base);
    url.searchParams.set("digest", digest);
    const size = "file" in content ? statSync(content.file).size : content.data.length;
    const res = await this.request("PUT", url.toString(), scope, {
      headers: { "content-type": "application/octet-stream", "content-length": String(size) },
      body: () =>
        "file" in content
          ? (Readable.toWeb(createReadStream(content.file)) as unknown as BodyInit)
          : new Uint8Array(content.data),
      duplex: "file" in content,
    });
    await res.body?.cancel();
    if (res.status !== 201) return this.fail(res, `cannot upload blob ${digest}`);
  }

  async putManifest(
    repo: string,
    reference: string,
    manifest: Buffer,
    mediaType: string,
  ): Promise<string> {
    const res = await this.request(
      "PUT",
      `/v2/${repo}/manifests/${reference}`,
      `repository:${repo}:pull,push`,
      {
        headers: { "content-type": mediaType },
        body: () => new Uint8Array(manifest),
      },
    );
    await res.body?.cancel();
    if (res.status !== 201) return this.fail(res, `cannot put manifest ${repo}:${reference}`);
    return (
      res.headers.get("docker-content-digest") ??
      `sha256:${createHash("sha256").update(manifest).digest("hex")}`
    );
  }

  /** The manifest's bytes, checked against the digest asked for (or the one the registry states). */
  async getManifest(
    repo: string,
    reference: string,
    accept: string[],
  ): Promise<{ data: Buffer; mediaType: string; digest: string }> {
    const res = await this.request(
      "GET",
      `/v2/${repo}/manifests/${reference}`,
      `repository:${repo}:pull`,
      {
        headers: { accept: accept.join(", ") },
      },
    );
    if (res.status === 404) {
      await res.body?.cancel();
      throw new VigilError("NOT_FOUND", `${this.registry}/${repo}:${reference} does not exist`);
    }
    if (res.status !== 200) return this.fail(res, `cannot get manifest ${repo}:${reference}`);
    const data = Buffer.from(await res.arrayBuffer());
    const digest = `sha256:${createHash("sha256").update(data).digest("hex")}`;
    const expected = reference.startsWith("sha256:")
      ? reference
      : res.headers.get("docker-content-digest");
    if (expected && expected !== digest) {
      throw new VigilError(
        "DIGEST_MISMATCH",
        `manifest ${repo}:${reference} is ${digest}, expected ${expected}`,
      );
    }
    return { data, mediaType: res.headers.get("content-type") ?? "", digest };
  }

  /** Streams a blob to `dest`, verifying its sha256 digest before it lands there. */
  async pullBlob(repo: string, desc: Descriptor, dest: string): Promise<void> {
    const res = await this.request(
      "GET",
      `/v2/${repo}/blobs/${desc.digest}`,
      `repository:${repo}:pull`,
    );
    if (res.status !== 200 || !res.body) return this.fail(res, `cannot get blob ${desc.digest}`);
    const tmp = `${dest}.part`;
    const hash = createHash("sha256");
    let size = 0;
    try {
      const body = Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
      body.on("data", (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
      });
      await pipeline(body, createWriteStream(tmp));
      const digest = `sha256:${hash.digest("hex")}`;
      if (digest !== desc.digest || size !== desc.size) {
        throw new VigilError(
          "DIGEST_MISMATCH",
          `blob ${desc.digest} arrived as ${digest} (${size} bytes)`,
        );
      }
      await rename(tmp, dest);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    this.opts.log.debug({ digest: desc.digest, size }, "blob pulled");
  }
}
