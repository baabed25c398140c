import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";
import { corpusDir, repoRoot, sharedData } from "../testing/shared.js";
import { tempDir } from "../testing/tmp.js";

const bin = path.join(repoRoot, "bin", "vigil.js");
const work = tempDir("vigil-cache-cli-");
const db = path.join(work, "vigil.db");

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, VIGIL_CACHE_DIR: work, NO_COLOR: "1" };
  delete e.VIGIL_DB;
  delete e.XDG_CACHE_HOME;
  delete e.VIGIL_CACHE_MAX_SIZE;
  return e;
}

function vigil(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { env: env(), encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, as a child that runs alongside others. */
function vigilAsync(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env: env() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const scanArgs = (image: string, cacheDir: string, ...more: string[]) => [
  "image",
  image,
  "--db",
  db,
  "--offline",
  "--cache-dir",
  cacheDir,
  "--format",
  "json",
  "-q",
  ...more,
];

/** A report without what changes from run to run. */
function stable(json: string): unknown {
  const report = JSON.parse(json) as Record<string, unknown>;
  delete report.createdAt;
  delete report.scannedAt;
  return report;
}

/** A copy of debian-app's layout whose layer blobs can be spoiled. */
function copyOfDebianApp(): { dir: string; layers: string[] } {
  const dir = path.join(tempDir("vigil-app-"), "debian-app.oci");
  cpSync(path.join(corpusDir(), "debian-app.oci"), dir, { recursive: true });
  const blob = (digest: string) => path.join(dir, "blobs", "sha256", digest.slice(7));
  const index = JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8")) as {
    manifests: { digest: string }[];
  };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]?.digest ?? ""), "utf8")) as {
    layers: { digest: string }[];
  };
  return { dir, layers: manifest.layers.map((l) => blob(l.digest)) };
}

before(() => {
  const v34 = sharedData("feeds", "alpine-secdb", "v3.4");
  const r = vigil("db", "import", "--db", db, path.join(v34, "main.json"));
  assert.equal(r.code, 0, r.stderr);
});

describe("vigil image with the layer cache", () => {
  it("rescans debian-app without reading a layer blob", () => {
    const cacheDir = tempDir("vigil-c-");
    const { dir, layers } = copyOfDebianApp();
    const cold = vigil(...scanArgs(`oci:${dir}:latest`, cacheDir));
    assert.equal(cold.code, 0, cold.stderr);

    // Every layer blob is now garbage of the same size: reading one fails its digest.
    for (const file of layers) writeFileSync(file, Buffer.alloc(readFileSync(file).length));
    const warm = vigil(...scanArgs(`oci:${dir}:latest`, cacheDir, "--log-level", "info"));
    assert.equal(warm.code, 0, warm.stderr);
    assert.deepEqual(stable(warm.stdout), stable(cold.stdout));

    const uncached = vigil(...scanArgs(`oci:${dir}:latest`, cacheDir, "--no-cache"));
    assert.equal(uncached.code, 2);
    assert.match(uncached.stderr, /digest|corrupt|not in gzip|incorrect header/i);
  });

  it("eight parallel scans sharing one empty cache all succeed alike", async () => {
    const cacheDir = tempDir("vigil-c-");
    const image = `oci:${path.join(corpusDir(), "debian-app.oci")}:latest`;
    const runs = await Promise.all(
      Array.from({ length: 8 }, () => vigilAsync(...scanArgs(image, cacheDir))),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const first = stable(runs[0]?.stdout ?? "");
    for (const r of runs) assert.deepEqual(stable(r.stdout), first);

    const info = vigil("cache", "info", "--cache-dir", cacheDir, "--json");
    const stats = JSON.parse(info.stdout) as { entries: number; bytes: number };
    assert.equal(stats.entries, 5);

    // And eight more, now all from the cache.
    const warm = await Promise.all(
      Array.from({ length: 8 }, () => vigilAsync(...scanArgs(image, cacheDir))),
    );
    for (const r of warm) assert.deepEqual(stable(r.stdout), first);
  });

  it("cache info and clean; --cache-max-size keeps it small", () => {
    const cacheDir = tempDir("vigil-c-");
    const image = `oci:${path.join(corpusDir(), "debian-app.oci")}:latest`;
    const r = vigil(...scanArgs(image, cacheDir, "--cache-max-size", "100K"));
    assert.equal(r.code, 0, r.stderr);
    const stats = JSON.parse(vigil("cache", "info", "--cache-dir", cacheDir, "--json").stdout) as {
      bytes: number;
    };
    // note: which entries survive depends on the order the layers finished.
    assert.ok(stats.bytes <= 100 * 1024, `${stats.bytes} bytes kept`);

    const text = vigil("cache", "info", "--cache-dir", cacheDir);
    assert.match(text.stdout, /layer\(s\)/);
    const clean = vigil("cache", "clean", "--cache-dir", cacheDir);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /removed \d+ cached layer/);
    const after = JSON.parse(vigil("cache", "info", "--cache-dir", cacheDir, "--json").stdout) as {
      entries: number;
    };
    assert.equal(after.entries, 0);
  });
});
