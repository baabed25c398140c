// Scanning images straight from real registries on loopback: one with TLS
// (a CA made here) and htpasswd users, one plain; and in front of the plain
// one a small proxy that hands out bearer tokens, keeps blobs on another
// host and fails now and then, as registries behind a CDN do.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { writeImageIndex, type FixtureLayer } from "../testing/oci-builder.js";
import { TestRegistry, makeCertificates, type Certificates } from "../testing/registry.js";
import { runVigil, type CliRun } from "../testing/run-cli.js";
import { corpusDir, sharedData } from "../testing/shared.js";
import { tempDir } from "../testing/tmp.js";

const home = tempDir("vigil-registry-home-");
const db = path.join(home, "vigil.db");
const user = { username: "vigil-tester", password: `pw-${randomBytes(12).toString("hex")}` };
const runs: CliRun[] = [];
let certs: Certificates;
let secure: TestRegistry;
let plain: TestRegistry;

/** Every run is kept, so a test at the end can look for leaked credentials in all output. */
async function vigil(args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) {
  const run = await runVigil(args, { home, ...opts });
  runs.push(run);
  return run;
}

const offline = ["--offline", "--db", db];
const login = ["--username", user.username, "--password-stdin"];

function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, stderr);
  return lines[0] as string;
}

interface Index {
  manifests: { digest: string }[];
}

interface Report {
  artifact: { digest: string; platform: { architecture: string } };
  os: unknown;
  packages: unknown[];
  vulnerabilities: unknown[];
  secrets?: unknown[];
  warnings: unknown[];
}

/** What a scan found, without the fields that name where the image came from. */
function findings(stdout: string) {
  const r = JSON.parse(stdout) as Report;
  return {
    digest: r.artifact.digest,
    os: r.os,
    packages: r.packages,
    vulnerabilities: r.vulnerabilities,
    secrets: r.secrets,
    warnings: r.warnings,
  };
}

const corpusImages = () =>
  readdirSync(corpusDir())
    .filter((f) => f.endsWith(".oci") && f !== "debian-big.oci")
    .map((f) => f.slice(0, -".oci".length))
    .sort();

before(async () => {
  certs = makeCertificates();
  [secure, plain] = await Promise.all([
    TestRegistry.start({ tls: certs, user }),
    TestRegistry.start(),
  ]);
  for (const name of corpusImages()) {
    secure.push(path.join(corpusDir(), `${name}.oci`), `corpus/${name}:latest`);
  }

  const imported = await vigil([
    "db",
    "--db",
    db,
    "import",
    sharedData("osv", "Debian", "all.zip"),
    sharedData("feeds", "alpine-secdb", "v3.10"),
    sharedData("feeds", "alpine-secdb", "v3.11"),
  ]);
  assert.equal(imported.code, 0, imported.stderr);
});

after(async () => {
  await Promise.all([secure?.stop(), plain?.stop()]);
});

describe("a registry with TLS and htpasswd users", () => {
  test("every corpus image gives the same report from the registry as from its layout", async () => {
    for (const name of corpusImages()) {
      const layout = await vigil([
        "image",
        `oci:${path.join(corpusDir(), `${name}.oci`)}:latest`,
        ...offline,
        "--no-cache",
        "-f",
        "json",
      ]);
      assert.equal(layout.code, 0, layout.stderr);
      const remote = await vigil(
        [
          "image",
          `${secure.host}/corpus/${name}:latest`,
          ...offline,
          ...login,
          "--ca-file",
          certs.ca,
          "--no-cache",
          "-f",
          "json",
        ],
        { stdin: `${user.password}\n` },
      );
      assert.equal(remote.code, 0, remote.stderr);
      assert.deepEqual(findings(remote.stdout), findings(layout.stdout), name);
    }
  });

  test("a rescan with a warm layer cache fetches the manifest and config, no layer", async () => {
    const cacheDir = path.join(home, "warm-cache");
    const ref = `${secure.host}/corpus/debian-app:latest`;
    const blobGets = () =>
      secure.requests(
        (l) =>
          l.method === "GET" &&
          l.path.startsWith("/v2/corpus/debian-app/blobs/") &&
          l.userAgent.startsWith("vigil/"),
      ).length;
    const scan = () =>
      vigil(["image", ref, ...offline, "--cache-dir", cacheDir, "--ca-file", certs.ca, ...login], {
        stdin: user.password,
      });

    const before = blobGets();
    const cold = await scan();
    assert.equal(cold.code, 0, cold.stderr);
    const coldGets = blobGets() - before;
    const layout = path.join(corpusDir(), "debian-app.oci");
    const top = (JSON.parse(readFileSync(path.join(layout, "index.json"), "utf8")) as Index)
      .manifests[0] as { digest: string };
    const layers = (JSON.parse(readLayoutBlob(layout, top.digest)) as { layers: unknown[] }).layers;
    assert.equal(coldGets, layers.length + 1, "the config and every layer");

    const warm = await scan();
    assert.equal(warm.code, 0, warm.stderr);
    assert.equal(blobGets() - before - coldGets, 1, "only the config");
    assert.equal(warm.stdout, cold.stdout);
  });

  describe("credentials from everywhere a user keeps them", () => {
    const ref = () => `${secure.host}/corpus/alpine-3.18.9:latest`;
    const scan = (extra: string[] = [], opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {}) =>
      vigil(["image", ref(), ...offline, "--ca-file", certs.ca, ...extra], opts);
    const dockerConfig = (config: unknown) => {
      const dir = tempDir("vigil-docker-config-");
      writeFileSync(path.join(dir, "config.json"), JSON.stringify(config));
      return dir;
    };
    const basic = Buffer.from(`${user.username}:${user.password}`).toString("base64");

    test("none: one line saying how to log in", async () => {
      const r = await scan();
      assert.equal(r.code, 2);
      assert.match(oneLine(r.stderr), /asks for credentials .*--password-stdin/);
    });

    test("a wrong password: refused, and the password is not echoed", async () => {
      const r = await scan(login, { stdin: "not-the-password" });
      assert.equal(r.code, 2);
      assert.match(oneLine(r.stderr), /refused access .*from --username were not accepted/);
    });

    test("--username and --password-stdin", async () => {
      const r = await scan([...login, "--log-level", "debug"], { stdin: `${user.password}\n` });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /alpine 3\.18/);
    });

    test("VIGIL_REGISTRY_USERNAME and VIGIL_REGISTRY_PASSWORD", async () => {
      const r = await scan(["--log-format", "json", "--log-level", "debug"], {
        env: { VIGIL_REGISTRY_USERNAME: user.username, VIGIL_REGISTRY_PASSWORD: user.password },
      });
      assert.equal(r.code, 0, r.stderr);
    });

    test("~/.docker/config.json auths, by host or by URL", async () => {
      mkdirSync(path.join(home, ".docker"), { recursive: true });
      writeFileSync(
        path.join(home, ".docker", "config.json"),
        JSON.stringify({ auths: { [`https://${secure.host}`]: { auth: basic } } }),
      );
      try {
        const r = await scan();
        assert.equal(r.code, 0, r.stderr);
      } finally {
        writeFileSync(path.join(home, ".docker", "config.json"), "{}");
      }
      const byHost = dockerConfig({ auths: { [secure.host]: { auth: basic } } });
      const r = await scan([], { env: { DOCKER_CONFIG: byHost } });
      assert.equal(r.code, 0, r.stderr);
    });

    test("credsStore and credHelpers run docker-credential-NAME get", async () => {
      const bin = tempDir("vigil-cred-helper-");
      const helper = path.join(bin, "docker-credential-vigiltest");
      const asked = path.join(bin, "asked");
      // A helper as Docker defines them: the server on stdin, JSON on stdout.
      writeFileSync(
        helper,
        [
          "#!/bin/sh",
          `[ "$1" = get ] || exit 1`,
          `read server; echo "$server" >> ${asked}`,
          `[ "$server" = "${secure.host}" ] || { echo "credentials not found"; exit 1; }`,
          `printf '{"ServerURL":"%s","Username":"${user.username}","Secret":"${user.password}"}' "$server"`,
        ].join("\n"),
      );
      chmodSync(helper, 0o755);
      const env = { PATH: `${bin}:${process.env.PATH ?? ""}` };

      const store = dockerConfig({ credsStore: "vigiltest" });
      const r1 = await scan([], { env: { ...env, DOCKER_CONFIG: store } });
      assert.equal(r1.code, 0, r1.stderr);

      const helpers = dockerConfig({
        credsStore: "missing-helper",
        credHelpers: { [secure.host]: "vigiltest" },
      });
      const r2 = await scan([], { env: { ...env, DOCKER_CONFIG: helpers } });
      assert.equal(r2.code, 0, r2.stderr);
    });
  });

  test("TLS is checked: without the CA one line names --ca-file; --insecure skips it", async () => {
    const ref = `${secure.host}/corpus/alpine-3.18.9:latest`;
    const unknownCa = await vigil(["image", ref, ...offline, ...login], { stdin: user.password });
    assert.equal(unknownCa.code, 2);
    assert.match(oneLine(unknownCa.stderr), /TLS to 127\.0\.0\.1:\d+: .*--ca-file/);

    const insecure = await vigil(["image", ref, ...offline, ...login, "--insecure"], {
      stdin: user.password,
    });
    assert.equal(insecure.code, 0, insecure.stderr);
  });
});

/** An image with a layer both platforms share, and one of each platform's own. */
const shared: FixtureLayer = {
  entries: [
    {
      name: "etc/os-release",
      content: 'ID=alpine\nVERSION_ID=3.11.13\nPRETTY_NAME="Alpine Linux v3.11"\n',
    },
  ],
};
const apkDb = (arch: string) => ({
  entries: [
    {
      name: "lib/apk/db/installed",
      content: `P:musl\nV:1.1.22-r0\nA:${arch}\no:musl\n\nP:busybox\nV:1.30.0-r0\nA:${arch}\no:busybox\n\n`,
    },
  ],
});

describe("a plain registry on loopback", () => {
  let index: { dir: string; digests: string[] };

  before(async () => {
    index = await writeImageIndex([
      { platform: { os: "linux", architecture: "amd64" }, layers: [shared, apkDb("x86_64")] },
      {
        platform: { os: "linux", architecture: "arm64", variant: "v8" },
        layers: [shared, apkDb("aarch64")],
      },
    ]);
    plain.push(index.dir, "multi/app:1", { all: true });
  });

  test("talks HTTP on loopback with no options, and picks linux/amd64 from an index", async () => {
    const r = await vigil(["image", `${plain.host}/multi/app:1`, ...offline, "-f", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.artifact.digest, index.digests[0]);
    assert.equal(report.packages.length, 2);
  });

  test("--platform picks another; one that is not there lists what is", async () => {
    const arm = await vigil([
      "image",
      `docker://${plain.host}/multi/app:1`,
      ...offline,
      "--platform",
      "linux/arm64",
      "-f",
      "json",
    ]);
    assert.equal(arm.code, 0, arm.stderr);
    assert.equal((JSON.parse(arm.stdout) as Report).artifact.digest, index.digests[1]);

    const none = await vigil([
      "image",
      `registry:${plain.host}/multi/app:1`,
      ...offline,
      "--platform",
      "linux/s390x",
    ]);
    assert.equal(none.code, 2);
    assert.match(
      oneLine(none.stderr),
      /none for linux\/s390x; images here: linux\/amd64 .*linux\/arm64\/v8/,
    );
  });

  test("--platform all: one report per platform, the shared layer fetched once", async () => {
    const sharedDigest = JSON.parse(readLayoutBlob(index.dir, index.digests[0] as string)).layers[0]
      .digest as string;
    const gets = () =>
      plain.requests((l) => l.method === "GET" && l.path.endsWith(`/blobs/${sharedDigest}`)).length;
    const before = gets();

    const r = await vigil([
      "image",
      `${plain.host}/multi/app:1`,
      ...offline,
      "--platform",
      "all",
      "--no-cache",
      "-f",
      "json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(gets() - before, 1);

    const doc = JSON.parse(r.stdout) as {
      schema: string;
      summary: { platforms: number; packages: number; byPlatform: Record<string, number> };
      platforms: { platform: string; digest: string; report: Report }[];
    };
    assert.equal(doc.schema, "vigil.platforms/v1");
    assert.deepEqual(
      doc.platforms.map((p) => [p.platform, p.digest]),
      [
        ["linux/amd64", index.digests[0]],
        ["linux/arm64/v8", index.digests[1]],
      ],
    );
    assert.equal(doc.summary.platforms, 2);
    assert.equal(doc.summary.packages, 4);
    assert.ok(
      (doc.summary.byPlatform["linux/amd64"] ?? 0) > 0,
      "musl and busybox are older than secdb's fixes",
    );

    const layout = await vigil([
      "image",
      `oci:${index.dir}:latest`,
      ...offline,
      "--platform",
      "all",
      "--no-cache",
      "-f",
      "json",
    ]);
    assert.equal(layout.code, 0, layout.stderr);
    const fromLayout = JSON.parse(layout.stdout) as typeof doc;
    assert.deepEqual(
      fromLayout.platforms.map((p) => findings(JSON.stringify(p.report))),
      doc.platforms.map((p) => findings(JSON.stringify(p.report))),
    );

    const table = await vigil([
      "image",
      `${plain.host}/multi/app:1`,
      ...offline,
      "--platform",
      "all",
    ]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /== linux\/amd64 \(sha256:[0-9a-f]{64}\) ==\n/);
    assert.match(table.stdout, /== linux\/arm64\/v8 \(sha256:[0-9a-f]{64}\) ==\n/);
    assert.match(table.stdout, /2 platforms: \d+ vulnerabilities \(\d+ distinct\)/);
  });

  test("a VDR and an SBOM describe one image: --platform all is refused in one line", async () => {
    const ref = `${plain.host}/multi/app:1`;
    const vdr = await vigil(["image", ref, ...offline, "--platform", "all", "-f", "cyclonedx-vdr"]);
    assert.equal(vdr.code, 2);
    assert.match(oneLine(vdr.stderr), /cyclonedx-vdr describes one image/);
    const sbom = await vigil(["sbom", ref, "--platform", "all"]);
    assert.equal(sbom.code, 2);
    assert.match(oneLine(sbom.stderr), /--platform all gives one image per platform/);
  });

  test("behind bearer tokens, blob storage on another host and a flaky front", async (t) => {
    const proxy = await BearerProxy.start(plain.host, user);
    t.after(() => proxy.stop());
    proxy.failNext(/\/manifests\//, 503);
    proxy.failNext(/\/blobs\//, 429);

    const r = await vigil(
      ["image", `${proxy.host}/multi/app:1`, ...offline, "--no-cache", "-f", "json"],
      { env: { VIGIL_REGISTRY_USERNAME: user.username, VIGIL_REGISTRY_PASSWORD: user.password } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as Report).artifact.digest, index.digests[0]);
    assert.match(r.stderr, /retrying .*HTTP 503/);
    assert.match(r.stderr, /retrying .*HTTP 429/);
    assert.ok(proxy.tokensIssued >= 1);
    assert.ok(proxy.blobHostRequests.length >= 3, "config and two layers from blob storage");
    assert.deepEqual(
      proxy.blobHostRequests.filter((h) => h !== undefined),
      [],
      "no Authorization header went to the other host",
    );
    assert.doesNotMatch(r.stderr, /X-Signature/, "signed redirect URLs stay out of the log");
  });

  test("an image config that is not a container image is refused in one line", async () => {
    const push = await vigil(["db", "--db", db, "push", `oci://${plain.host}/vigil/db:1`]);
    assert.equal(push.code, 0, push.stderr);
    const r = await vigil(["image", `${plain.host}/vigil/db:1`, ...offline]);
    assert.equal(r.code, 2);
    assert.match(oneLine(r.stderr), /is not a container image .*application\/vnd\.vigil\.db/);
  });
});

test("no password or credential encoding appears in any output of these runs", () => {
  assert.ok(runs.length > 10);
  const basic = Buffer.from(`${user.username}:${user.password}`).toString("base64");
  for (const run of runs) {
    for (const text of [run.stdout, run.stderr]) {
      assert.ok(!text.includes(user.password), "the password leaked");
      assert.ok(!text.includes(basic), "the basic credentials leaked");
      assert.ok(!text.includes("tok-"), "a bearer token leaked");
    }
  }
});

function readLayoutBlob(dir: string, digest: string): string {
  return readFileSync(path.join(dir, "blobs", "sha256", digest.slice("sha256:".length)), "utf8");
}

/**
 * A registry front as hosted registries have one: a token service, bearer
 * tokens on every call, blobs redirected to storage on another host name
 * (with a signature in the URL), and failures on demand.
 */
class BearerProxy {
  tokensIssued = 0;
  /** The Authorization header of each request blob storage got. */
  readonly blobHostRequests: (string | undefined)[] = [];
  private readonly token = `tok-${randomBytes(8).toString("hex")}`;
  private readonly failures: { match: RegExp; status: number }[] = [];

  private constructor(
    private readonly front: http.Server,
    private readonly storage: http.Server,
    private readonly upstream: string,
    private readonly login: { username: string; password: string },
  ) {}

  static async start(upstream: string, login: { username: string; password: string }) {
    const front = http.createServer();
    const storage = http.createServer();
    const proxy = new BearerProxy(front, storage, upstream, login);
    front.on("request", (req, res) => proxy.onFront(req, res));
    storage.on("request", (req, res) => proxy.onStorage(req, res));
    await Promise.all(
      [front, storage].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))),
    );
    return proxy;
  }

  get host(): string {
    return `127.0.0.1:${(this.front.address() as { port: number }).port}`;
  }

  /** The next request whose path matches gets this status instead. */
  failNext(match: RegExp, status: number): void {
    this.failures.push({ match, status });
  }

  async stop(): Promise<void> {
    for (const s of [this.front, this.storage]) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  }

  private onFront(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://front");
    if (url.pathname === "/token") return this.issueToken(req, res);

    if (req.headers.authorization !== `Bearer ${this.token}`) {
      const repo = /^\/v2\/(.+)\/(manifests|blobs)\//.exec(url.pathname)?.[1];
      res.writeHead(401, {
        "www-authenticate": `Bearer realm="http://${this.host}/token",service="vigil-test"${
          repo ? `,scope="repository:${repo}:pull"` : ""
        }`,
      });
      return void res.end();
    }

    const failure = this.failures.findIndex((f) => f.match.test(url.pathname));
    if (failure >= 0) {
      const [taken] = this.failures.splice(failure, 1);
      res.writeHead(taken?.status ?? 500, { "retry-after": "0" });
      return void res.end("try again");
    }

    if (req.method === "GET" && /\/blobs\/sha256:/.test(url.pathname)) {
      const port = (this.storage.address() as { port: number }).port;
      res.writeHead(307, {
        location: `http://localhost:${port}${url.pathname}?X-Signature=${randomBytes(6).toString("hex")}`,
      });
      return void res.end();
    }
    this.forward(req, res, url.pathname);
  }

  private issueToken(req: http.IncomingMessage, res: http.ServerResponse): void {
    const expected = Buffer.from(`${this.login.username}:${this.login.password}`).toString(
      "base64",
    );
    if (req.headers.authorization !== `Basic ${expected}`) {
      res.writeHead(401);
      return void res.end();
    }
    this.tokensIssued++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ token: this.token, expires_in: 300 }));
  }

  private onStorage(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.blobHostRequests.push(req.headers.authorization);
    this.forward(req, res, new URL(req.url ?? "/", "http://storage").pathname);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): void {
    const { authorization: _none, host: _host, ...headers } = req.headers;
    const upstream = http.request(
      `http://${this.upstream}${pathname}`,
      { method: req.method, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  }
}
