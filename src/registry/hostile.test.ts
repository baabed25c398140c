// Registries that lie, stall or loop: a small real HTTP server on loopback
// serves a real image with one thing wrong at a time, and the real CLI must
// end each scan with one line and exit code 2, in bounded time, with
// nothing cached from a bad blob.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { writeOciLayout } from "../testing/oci-builder.js";
import { runVigil } from "../testing/run-cli.js";
import { sharedData } from "../testing/shared.js";
import { tempDir } from "../testing/tmp.js";

const home = tempDir("vigil-hostile-");
const db = path.join(home, "vigil.db");
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

interface Image {
  manifest: Buffer;
  config: Buffer;
  layer: Buffer;
  layerDigest: string;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, image: Image) => void;

/** Serves `good` as a registry would, and each other repository with one thing wrong. */
class LyingRegistry {
  readonly seen: string[] = [];
  private readonly server = http.createServer((req, res) => this.route(req, res));
  private readonly handlers = new Map<string, Handler>();

  constructor(private readonly image: Image) {}

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return this;
  }

  get host(): string {
    return `127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  on(repo: string, handler: Handler): void {
    this.handlers.set(repo, handler);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private route(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.seen.push(`${req.method} ${req.url}`);
    if ((req.url ?? "").startsWith("/token")) return tokenFor(res);
    const repo = /^\/v2\/([^/]+\/[^/]+)\//.exec(req.url ?? "")?.[1];
    if (req.url === "/v2/") return void res.end("{}");
    const handler = repo ? this.handlers.get(repo) : undefined;
    if (handler) return handler(req, res, this.image);
    serveHonestly(req, res, this.image);
  }
}

/** A token service that hands a token to anyone: the registry still says no. */
function tokenFor(res: http.ServerResponse) {
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"token":"t0ken-for-nothing"}');
}

function serveHonestly(req: http.IncomingMessage, res: http.ServerResponse, image: Image) {
  const url = req.url ?? "";
  if (url.includes("/manifests/")) {
    res.writeHead(200, {
      "content-type": OCI_MANIFEST,
      "docker-content-digest": sha(image.manifest),
    });
    return void res.end(image.manifest);
  }
  const blobs = new Map([
    [sha(image.config), image.config],
    [image.layerDigest, image.layer],
  ]);
  const blob = blobs.get(url.slice(url.lastIndexOf("/") + 1));
  if (!blob) {
    res.writeHead(404);
    return void res.end('{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}');
  }
  res.writeHead(200, { "content-length": blob.length });
  res.end(blob);
}

const isLayer = (req: http.IncomingMessage, image: Image) =>
  (req.url ?? "").endsWith(`/blobs/${image.layerDigest}`);

let registry: LyingRegistry;
let image: Image;

async function scan(repo: string, extra: string[] = []) {
  const cacheDir = path.join(home, `cache-${repo.replace("/", "-")}`);
  const run = await runVigil(
    [
      "image",
      `${registry.host}/${repo}:1`,
      "--offline",
      "--db",
      db,
      "--cache-dir",
      cacheDir,
      ...extra,
    ],
    { home },
  );
  const layersDir = path.join(cacheDir, "layers");
  const cached = existsSync(layersDir)
    ? readdirSync(layersDir).filter((f) => f.endsWith(".json"))
    : [];
  return { ...run, cached };
}

function failsInOneLine(run: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.equal(run.code, 2, run.stderr);
  // Retries are logged as warnings on the way; the error itself is one line.
  const lines = run.stderr
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("vigil warn: "));
  assert.equal(lines.length, 1, run.stderr);
  assert.match(lines[0] as string, /^vigil: error: /);
  assert.match(lines[0] as string, pattern);
}

before(async () => {
  // Uncompressed, so a layer with one byte changed still unpacks and only its digest is wrong.
  const dir = await writeOciLayout([
    {
      compression: "none",
      entries: [
        { name: "etc/os-release", content: "ID=alpine\nVERSION_ID=3.11.13\n" },
        { name: "lib/apk/db/installed", content: "P:musl\nV:1.1.22-r0\nA:x86_64\no:musl\n\n" },
      ],
    },
  ]);
  const blob = (digest: string) => readFileSync(path.join(dir, "blobs/sha256", digest.slice(7)));
  const index = JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8")) as {
    manifests: { digest: string }[];
  };
  const manifest = blob((index.manifests[0] as { digest: string }).digest);
  const doc = JSON.parse(manifest.toString()) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  const layerDigest = (doc.layers[0] as { digest: string }).digest;
  image = { manifest, config: blob(doc.config.digest), layer: blob(layerDigest), layerDigest };
  registry = await new LyingRegistry(image).start();

  const imported = await runVigil(
    ["db", "--db", db, "import", sharedData("feeds", "alpine-secdb", "v3.11")],
    { home },
  );
  assert.equal(imported.code, 0, imported.stderr);
});

after(() => registry.stop());

describe("a registry that lies", () => {
  test("the honest image scans, and its layer is cached", async () => {
    const r = await scan("good/app", ["-f", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /CVE-2019-14697/);
    assert.equal(r.cached.length, 1);
  });

  test("a layer whose bytes do not match its digest", async () => {
    registry.on("baddigest/app", (req, res, img) => {
      if (!isLayer(req, img)) return serveHonestly(req, res, img);
      const altered = Buffer.from(img.layer);
      altered[600] = (altered[600] as number) ^ 1;
      res.end(altered);
    });
    const r = await scan("baddigest/app");
    failsInOneLine(r, /layer 1 .*blob digest is sha256:/);
    assert.deepEqual(r.cached, []);
  });

  test("a layer longer or shorter than the manifest says", async () => {
    registry.on("longer/app", (req, res, img) => {
      if (!isLayer(req, img)) return serveHonestly(req, res, img);
      res.end(Buffer.concat([img.layer, Buffer.alloc(512)]));
    });
    const longer = await scan("longer/app");
    failsInOneLine(longer, /says \d+ bytes, the registry sends \d+/);
    assert.deepEqual(longer.cached, []);

    // Chunked, with no length up front: the surplus is caught as it arrives.
    registry.on("chunked/app", (req, res, img) => {
      if (!isLayer(req, img)) return serveHonestly(req, res, img);
      res.write(img.layer);
      res.end(Buffer.alloc(10_000));
    });
    const chunked = await scan("chunked/app");
    failsInOneLine(chunked, /the registry sent more/);
    assert.deepEqual(chunked.cached, []);

    registry.on("shorter/app", (req, res, img) => {
      if (!isLayer(req, img)) return serveHonestly(req, res, img);
      res.write(img.layer.subarray(0, 1000));
      res.end();
    });
    const shorter = await scan("shorter/app");
    assert.equal(shorter.code, 2);
    assert.deepEqual(shorter.cached, []);
  });

  test("a manifest whose bytes are not the digest asked for", async () => {
    const child = `sha256:${"1".repeat(64)}`;
    const top = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [{ mediaType: OCI_INDEX, digest: child, size: 10 }],
      }),
    );
    // Whatever is asked for, the same index comes back: a loop, if vigil believed it.
    registry.on("loop/app", (_req, res) => {
      res.writeHead(200, { "content-type": OCI_INDEX });
      res.end(top);
    });
    failsInOneLine(await scan("loop/app"), /manifest .* is sha256:[0-9a-f]{64}, not sha256:1{64}/);
  });

  test("indexes nested without end", async () => {
    // Each index names the next, all with honest digests.
    const chain: Buffer[] = [];
    let next = image.manifest;
    let nextType = OCI_MANIFEST;
    for (let i = 0; i < 8; i++) {
      const index = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_INDEX,
          manifests: [{ mediaType: nextType, digest: sha(next), size: next.length }],
        }),
      );
      chain.unshift(index);
      next = index;
      nextType = OCI_INDEX;
    }
    const byDigest = new Map(chain.map((b) => [sha(b), b]));
    registry.on("deep/app", (req, res, img) => {
      const ref = (req.url ?? "").split("/manifests/")[1] ?? "";
      const body = ref === "1" ? chain[0] : byDigest.get(ref);
      if (!body) return serveHonestly(req, res, img);
      res.writeHead(200, { "content-type": OCI_INDEX });
      res.end(body);
    });
    failsInOneLine(await scan("deep/app"), /image indexes nested too deep/);
  });

  test("a manifest too big to be one", async () => {
    registry.on("huge/app", (_req, res) => {
      res.writeHead(200, { "content-type": OCI_MANIFEST });
      // 64 MiB of one JSON string, sent without a length.
      const chunk = Buffer.alloc(1 << 20, 0x20);
      let sent = 0;
      const pump = () => {
        while (sent < 64 && res.write(chunk)) sent++;
        if (sent < 64) res.once("drain", pump);
        else res.end();
      };
      pump();
    });
    const r = await scan("huge/app");
    failsInOneLine(r, /manifest .* is over 4194304 bytes/);
    assert.ok(r.ms < 30_000, `${r.ms} ms`);
  });

  test("a Docker schema 1 manifest", async () => {
    registry.on("schema1/app", (_req, res) => {
      res.writeHead(200, {
        "content-type": "application/vnd.docker.distribution.manifest.v1+prettyjws",
      });
      res.end(JSON.stringify({ schemaVersion: 1, name: "schema1/app", tag: "1", fsLayers: [] }));
    });
    failsInOneLine(await scan("schema1/app"), /Docker schema 1 manifest .*push the image again/);
  });

  test("a 401 that no token satisfies ends after one token", async () => {
    const before = registry.seen.length;
    registry.on("locked/app", (_req, res) => {
      res.writeHead(401, {
        "www-authenticate": `Bearer realm="http://${registry.host}/token",service="lying"`,
      });
      res.end();
    });
    const r = await scan("locked/app");
    failsInOneLine(r, /refused access to locked\/app \(401\)/);
    assert.doesNotMatch(r.stderr, /t0ken-for-nothing/);
    const calls = registry.seen.slice(before);
    assert.ok(calls.length <= 3, calls.join("\n"));
  });
});

describe("a registry that stalls or fails", () => {
  test("a layer trickled a byte at a time ends in bounded time", async () => {
    registry.on("slowloris/app", (req, res, img) => {
      if (!isLayer(req, img)) return serveHonestly(req, res, img);
      res.writeHead(200, { "content-length": img.layer.length });
      let at = 0;
      const timer = setInterval(() => {
        if (res.destroyed || at >= img.layer.length) return clearInterval(timer);
        res.write(img.layer.subarray(at, ++at));
      }, 50);
      res.on("close", () => clearInterval(timer));
    });
    const r = await scan("slowloris/app", ["--registry-timeout", "1"]);
    failsInOneLine(r, /the registry stalled \(\d+ bytes in 1 s\)/);
    // Trickled to the end, the layer would take minutes; a loaded machine may add seconds.
    assert.ok(image.layer.length / 20 > 60, "the trickle would outlast the bound");
    assert.ok(r.ms < 30_000, `${r.ms} ms`);
    assert.deepEqual(r.cached, []);
  });

  test("a registry that never answers", async () => {
    registry.on("silent/app", () => undefined);
    const r = await scan("silent/app", ["--registry-timeout", "1", "--registry-retries", "1"]);
    failsInOneLine(r, /no response in 1 s/);
    assert.ok(r.ms < 30_000, `${r.ms} ms`);
  });

  test("503s are retried with backoff; when they go on, one line says so", async () => {
    let failures = 2;
    registry.on("flaky/app", (req, res, img) => {
      if (failures-- > 0) {
        res.writeHead(503, { "retry-after": "0" });
        return void res.end("busy");
      }
      serveHonestly(req, res, img);
    });
    const ok = await scan("flaky/app");
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stderr, /retrying .*HTTP 503/);

    registry.on("down/app", (_req, res) => {
      res.writeHead(503);
      res.end("down for maintenance");
    });
    failsInOneLine(
      await scan("down/app", ["--registry-retries", "0"]),
      /cannot get manifest .*down\/app:1: HTTP 503 \(down for maintenance\)/,
    );
  });

  test("a layer cut off midway is resumed where it stopped, if the registry can", async () => {
    const ranges: (string | undefined)[] = [];
    const cutting = (resumes: boolean): Handler => {
      return (req, res, img) => {
        if (!isLayer(req, img)) return serveHonestly(req, res, img);
        ranges.push(req.headers.range);
        const from = Number(/^bytes=(\d+)-$/.exec(req.headers.range ?? "")?.[1] ?? 0);
        if (from === 0) {
          // Half the layer, then the connection drops.
          res.writeHead(200, { "content-length": img.layer.length });
          res.write(img.layer.subarray(0, 1500), () => res.destroy());
          return;
        }
        if (!resumes) return void res.end(img.layer);
        res.writeHead(206, {
          "content-length": img.layer.length - from,
          "content-range": `bytes ${from}-${img.layer.length - 1}/${img.layer.length}`,
        });
        res.end(img.layer.subarray(from));
      };
    };

    registry.on("cut/app", cutting(true));
    const resumed = await scan("cut/app", ["-f", "json"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /CVE-2019-14697/);
    assert.deepEqual(ranges, [undefined, "bytes=1500-"]);
    assert.equal(resumed.cached.length, 1);

    registry.on("cutnoresume/app", cutting(false));
    const refused = await scan("cutnoresume/app");
    failsInOneLine(refused, /cut off after 1500 bytes .*cannot resume a download \(HTTP 200/);
    assert.deepEqual(refused.cached, []);
  });

  test("a redirect that leads back to itself", async () => {
    registry.on("circle/app", (req, res, img) => {
      if (!isLayer(req, img)) return serveHonestly(req, res, img);
      res.writeHead(302, { location: req.url });
      res.end();
    });
    failsInOneLine(await scan("circle/app"), /more than 5 redirects/);
  });
});
