// Test-only: a real HTTP server on 127.0.0.1 serving the shared feed data in
// the layout `vigil db update --mirror` expects (each source's public layout
// under its own folder), with what real servers do (ETag, Last-Modified, 304,
// Range/206, GCS's x-goog-hash) and faults on demand (429/500 with
// Retry-After, a connection cut mid-body, a wrong digest).
import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

import { zipEntries } from "../vulndb/zip.js";
import { sharedData } from "./shared.js";

export type Fault =
  | { status: number; retryAfter?: string }
  | { cutAfter: number }
  | { wrongDigest: true };

export interface Served {
  method: string;
  path: string;
  status: number;
  headers: IncomingMessage["headers"];
}

const LAST_MODIFIED = "Tue, 01 Dec 2026 00:00:00 GMT";

/** Files the server starts with: URL path → file on disk. */
export function defaultRoutes(
  tmpDir: string,
  ecosystems: string[],
  alpine: string[],
): Map<string, string> {
  const routes = new Map<string, string>();
  for (const eco of ecosystems) {
    routes.set(`/osv/${eco}/all.zip`, sharedData("osv", eco, "all.zip"));
    routes.set(`/osv/${eco}/modified_id.csv`, sharedData("osv", eco, "modified_id.csv"));
  }
  for (const release of alpine) {
    for (const repo of ["main", "community"]) {
      routes.set(
        `/alpine-secdb/${release}/${repo}.json`,
        sharedData("feeds", "alpine-secdb", release, `${repo}.json`),
      );
    }
  }

  // The real tracker JSON is one file of every package; the two samples hold different ones.
  const tracker = path.join(tmpDir, "tracker.json");
  const merged = {
    ...JSON.parse(
      readFileSync(
        sharedData("feeds", "debian-security-tracker", "vunnel-subset.tracker.json"),
        "utf8",
      ),
    ),
    ...JSON.parse(
      readFileSync(
        sharedData("feeds", "debian-security-tracker", "osvdev-subset.tracker.json"),
        "utf8",
      ),
    ),
  };
  writeFileSync(tracker, JSON.stringify(merged));
  routes.set("/debian-security-tracker/data/json", tracker);
  routes.set(
    "/kev/known_exploited_vulnerabilities.json",
    sharedData("kev", "known_exploited_vulnerabilities.json"),
  );
  routes.set(
    "/epss/epss_scores-current.csv.gz",
    sharedData("epss", "samples", "claircore-data.csv.gz"),
  );
  return routes;
}

export class FeedServer {
  readonly log: Served[] = [];
  private readonly faults = new Map<string, Fault[]>();
  private server?: Server;
  url = "";

  constructor(readonly routes: Map<string, string>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Queues faults for a path; each request to it takes the next one. */
  fault(urlPath: string, ...faults: Fault[]): void {
    this.faults.set(urlPath, [...(this.faults.get(urlPath) ?? []), ...faults]);
  }

  requests(urlPath: string): Served[] {
    return this.log.filter((r) => r.path === urlPath);
  }

  private record(req: IncomingMessage, urlPath: string, status: number): void {
    this.log.push({ method: req.method ?? "GET", path: urlPath, status, headers: req.headers });
  }

  private async content(urlPath: string): Promise<Buffer | undefined> {
    const file = this.routes.get(urlPath);
    if (file) return readFileSync(file);

    // `/osv/<ECO>/<ID>.json`: one record, from that ecosystem's all.zip.
    const m = /^\/osv\/([^/]+)\/([^/]+)\.json$/.exec(urlPath);
    const zip = m && this.routes.get(`/osv/${m[1]}/all.zip`);
    if (!m || !zip) return undefined;
    for await (const entry of zipEntries(zip, { maxEntryBytes: 1 << 24, maxEntries: 1e6 })) {
      if (entry.kind === "entry" && entry.name === `${decodeURIComponent(m[2] as string)}.json`)
        return entry.data;
    }
    return undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const urlPath = decodeURI(new URL(req.url ?? "/", "http://x").pathname);
    const fault = this.faults.get(urlPath)?.shift();
    if (fault && "status" in fault) {
      this.record(req, urlPath, fault.status);
      if (fault.retryAfter !== undefined) res.setHeader("retry-after", fault.retryAfter);
      res.statusCode = fault.status;
      res.end(`fault ${fault.status}\n`);
      return;
    }

    const data = await this.content(urlPath);
    if (!data) {
      this.record(req, urlPath, 404);
      res.statusCode = 404;
      res.end("not found\n");
      return;
    }

    const etag = `"${createHash("sha256").update(data).digest("hex").slice(0, 16)}"`;
    const md5 = createHash("md5").update(fault && "wrongDigest" in fault ? Buffer.from("x") : data);
    res.setHeader("etag", etag);
    res.setHeader("last-modified", LAST_MODIFIED);
    res.setHeader("accept-ranges", "bytes");
    res.setHeader("x-goog-hash", `crc32c=AAAAAA==,md5=${md5.digest("base64")}`);

    if (req.headers["if-none-match"] === etag) {
      this.record(req, urlPath, 304);
      res.statusCode = 304;
      res.end();
      return;
    }

    let body = data;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    const ifRange = req.headers["if-range"];
    if (range && (!ifRange || ifRange === etag)) {
      const start = Number(range[1]);
      if (start >= data.length) {
        this.record(req, urlPath, 416);
        res.statusCode = 416;
        res.end();
        return;
      }
      body = data.subarray(start);
      res.statusCode = 206;
      res.setHeader("content-range", `bytes ${start}-${data.length - 1}/${data.length}`);
    } else {
      res.statusCode = 200;
    }
    this.record(req, urlPath, res.statusCode);
    res.setHeader("content-length", String(body.length));

    if (fault && "cutAfter" in fault) {
      // Headers promise the whole body; the connection dies part way through.
      res.write(body.subarray(0, Math.min(fault.cutAfter, body.length - 1)));
      await new Promise((resolve) => setTimeout(resolve, 20));
      res.socket?.destroy();
      return;
    }
    res.end(body);
  }
}

/** The size of a served file, for choosing where to cut. */
export function servedSize(file: string): number {
  return statSync(file).size;
}
