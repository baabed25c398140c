#!/usr/bin/env node
// npm run bench: times the real CLI (`vigil image`) on the corpus images, next to
// a floor measured in the same run: the same layers decompressed and discarded.
// The machine may be shared and noisy, so figures are medians of N runs, and the
// ratio vigil/floor is the number to compare between runs, not the seconds.
//
//   node scripts/bench.mjs [--runs N] [--big] [--json FILE]
//
// The report goes to stdout, progress to stderr. Nothing here is asserted.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, homedir, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fail, pickMeter, sample, summarize } from "./bench-meter.mjs";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const VIGIL = path.join(REPO, "bin", "vigil.js");
const FLOOR = path.join(REPO, "scripts", "bench-floor.mjs");

const IMAGES = ["debian-minimal", "debian-app", "debian-app-zstd", "alpine-3.20.3"];
const BIG_IMAGE = "debian-big";
const MiB = 1024 ** 2;

function options() {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      big: { type: "boolean", default: false },
      json: { type: "string" },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer`);
  return { runs, big: values.big, json: values.json };
}

const progress = (message) => console.error(`bench: ${message}`);

// --- corpus and DB -----------------------------------------------------------

function sharedDir() {
  const dir = process.env.VIGIL_SHARED_DIR || path.resolve(REPO, "..", "shared");
  if (!existsSync(path.join(dir, "data"))) {
    fail(`no data/ in ${dir}; set VIGIL_SHARED_DIR to the shared folder`);
  }
  return dir;
}

const layoutOf = (corpus, name) => path.join(corpus, `${name}.oci`);

/**
 * ensure-corpus.sh is quick once built, but needs root even then; a user who
 * cannot run it may still have a built corpus, which the bench then uses.
 */
function ensureCorpus(big) {
  const corpus =
    process.env.VIGIL_CORPUS_DIR || path.join(homedir(), ".cache", "vigil-corpus", "out");
  const script = path.join(REPO, "scripts", "ensure-corpus.sh");
  const built = spawnSync("bash", [script, ...(big ? ["--big"] : [])], { stdio: ["ignore", 2, 2] });

  const missing = IMAGES.filter((name) => !existsSync(layoutOf(corpus, name)));
  if (missing.length > 0) {
    fail(`${missing.join(", ")} not in ${corpus}; \`bash scripts/ensure-corpus.sh\` builds them`);
  }
  if (built.status !== 0) progress(`could not refresh the corpus; using what is in ${corpus}`);
  return corpus;
}

/** One DB for every scan, built from the shared feeds into the bench's temp dir. */
function importDb(meter, shared, tmp) {
  const db = path.join(tmp, "bench.db");
  const feeds = [
    path.join(shared, "data", "osv"),
    path.join(shared, "data", "feeds", "alpine-secdb"),
  ];
  progress("importing the vulnerability DB");
  const run = meter.run([VIGIL, "db", "import", "--db", db, "--log-level", "warn", ...feeds]);

  // The CLI's last line: "N records in M ms (R/s) → PATH".
  const line = /(\d+) records in (\d+) ms \((\d+)\/s\)/.exec(run.stdout);
  if (!line) fail(`unexpected \`db import\` output:\n${run.stdout}`);
  const [, records, ms, rate] = line.map(Number);
  return {
    path: db,
    records,
    importSeconds: ms / 1000,
    recordsPerSecond: rate,
    bytes: statSync(db).size,
    process: sample(run),
  };
}

// --- the benchmarks --------------------------------------------------------

/** What every scan pays before reading a layer: node, the CLI's modules. */
function benchStartup(meter, runs) {
  progress("timing `vigil --version`");
  const samples = [];
  for (let i = 0; i < runs; i++) samples.push(sample(meter.run([VIGIL, "--version"])));
  return summarize(samples);
}

/**
 * Runs vigil cold (an empty layer cache each run), vigil warm (a cache one
 * untimed scan filled) and the floor alternately, so that a burst of load
 * from another user of the machine lands on all of them rather than on one.
 */
function benchImage(meter, name, dir, db, runs, tmp) {
  progress(`${name}: ${runs} runs`);
  const scan = (cacheDir) => [
    VIGIL,
    "image",
    `oci:${dir}:latest`,
    "--format",
    "json",
    "--quiet",
    "--db",
    db,
    "--cache-dir",
    cacheDir,
  ];
  const floor = [FLOOR, dir];
  const coldDir = path.join(tmp, `cold-${name}`);
  const warmDir = path.join(tmp, `warm-${name}`);

  // A first, untimed pass reads the blobs into the page cache and sizes the image;
  // a first scan fills the warm cache.
  const image = JSON.parse(meter.run(floor).stdout);
  const warmReport = meter.run(scan(warmDir)).stdout;
  const coldRuns = [];
  const warmRuns = [];
  const floorRuns = [];
  let report;
  for (let i = 0; i < runs; i++) {
    rmSync(coldDir, { recursive: true, force: true });
    const run = meter.run(scan(coldDir));
    report = run.stdout;
    coldRuns.push(sample(run));
    warmRuns.push(sample(meter.run(scan(warmDir))));
    floorRuns.push(sample(meter.run(floor)));
  }
  rmSync(coldDir, { recursive: true, force: true });

  const { summary } = JSON.parse(report);
  if (JSON.stringify(JSON.parse(warmReport).summary) !== JSON.stringify(summary)) {
    fail(`${name}: the warm scan's summary differs from the cold scan's`);
  }
  return {
    name,
    ...image,
    packages: summary.packages,
    vulnerabilities: summary.vulnerabilities,
    vigil: summarize(coldRuns),
    warm: summarize(warmRuns),
    floor: summarize(floorRuns),
  };
}

// --- the report --------------------------------------------------------------

const fixed = (n, digits) => n.toFixed(digits);
const mib = (bytes) => bytes / MiB;

function row(r) {
  const size = mib(r.uncompressedBytes);
  return [
    r.name,
    String(r.layers),
    fixed(mib(r.compressedBytes), 1),
    fixed(size, 1),
    fixed(r.vigil.wall, 2),
    `${fixed(r.vigil.spread * 100, 0)}%`,
    fixed(r.vigil.cpu, 2),
    fixed(r.vigil.rssMiB, 0),
    fixed(size / r.vigil.wall, 0),
    r.codecs.includes("zstd") ? "zstd (fzstd)" : r.codecs.join("+"),
    fixed(r.floor.wall, 2),
    fixed(r.floor.cpu, 2),
    fixed(size / r.floor.wall, 0),
    fixed(r.vigil.wall / r.floor.wall, 2),
    fixed(r.warm.wall, 2),
    fixed(r.warm.rssMiB, 0),
    String(r.packages),
    String(r.vulnerabilities),
  ];
}

const HEADER = [
  "image",
  "layers",
  "comp MiB",
  "unc MiB",
  "cold s",
  "spread",
  "CPU s",
  "RSS MiB",
  "MiB/s",
  "floor",
  "floor s",
  "floor CPU s",
  "floor MiB/s",
  "vigil/floor",
  "warm s",
  "warm RSS",
  "pkgs",
  "vulns",
];

/** Plain columns, so the table can be pasted into an issue as it is. */
function table(rows) {
  const widths = HEADER.map((_, i) => Math.max(...[HEADER, ...rows].map((r) => r[i].length)));
  const line = (cells) =>
    cells.map((c, i) => (i === 0 || i === 9 ? c.padEnd(widths[i]) : c.padStart(widths[i])));
  return [HEADER, ...rows].map((cells) => line(cells).join("  ").trimEnd()).join("\n");
}

function print(run) {
  const { db, startup, images } = run;
  console.log(
    `vigil bench: node ${process.version}, ${run.cpus}; medians of ${run.runs} runs; ` +
      `CPU time and peak RSS by ${run.meter}`,
  );
  console.log(
    `vulnerability DB: ${db.records} records imported in ${fixed(db.importSeconds, 2)} s ` +
      `(${db.recordsPerSecond} records/s), ${fixed(mib(db.bytes), 1)} MiB; ` +
      `\`db import\` process ${fixed(db.process.wall, 2)} s wall, ` +
      `${fixed(db.process.rssKb / 1024, 0)} MiB peak RSS`,
  );
  console.log(
    `startup (\`vigil --version\`): ${fixed(startup.wall, 2)} s wall, ` +
      `${fixed(startup.rssMiB, 0)} MiB RSS\n`,
  );
  console.log(table(images.map(row)));
  console.log(`
cold s, CPU s, RSS MiB: \`vigil image oci:DIR:latest --format json --quiet\`, one process per run,
  each with an empty layer cache (--cache-dir in the bench's temp dir); spread = (slowest -
  fastest) / median wall. CPU = user + system. vigil/floor compares the cold scan.
warm s, warm RSS: the same scan with the layer cache filled by an earlier scan: it reads no
  layer blob, only the manifest, the config and the cache entries, then matches.
floor: a node process that decompresses the same blobs, ${run.layerConcurrency} layers at a time like vigil,
  and discards the output: node:zlib createGunzip for gzip; fzstd's streaming Decompress,
  the pure-JS decoder vigil uses, for zstd. Both sides include node's start.
MiB/s: uncompressed layer bytes / median wall. MiB = 2^20 bytes.`);
}

// --- main --------------------------------------------------------------------

function main() {
  const opts = options();
  const shared = sharedDir();
  const corpus = ensureCorpus(opts.big);
  const names = existsSync(layoutOf(corpus, BIG_IMAGE)) ? [...IMAGES, BIG_IMAGE] : IMAGES;

  const tmp = mkdtempSync(path.join(tmpdir(), "vigil-bench-"));
  try {
    const meter = pickMeter(tmp);
    const db = importDb(meter, shared, tmp);
    const startup = benchStartup(meter, opts.runs);
    const images = names.map((name) =>
      benchImage(meter, name, layoutOf(corpus, name), db.path, opts.runs, tmp),
    );

    const run = {
      date: new Date().toISOString(),
      node: process.version,
      cpus: `${availableParallelism()} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}`,
      // vigil's own rule, in src/scan/inventory.ts; the floor follows it too.
      layerConcurrency: Math.max(2, availableParallelism() + 1),
      runs: opts.runs,
      meter: meter.name,
      db,
      startup,
      images,
    };
    print(run);
    if (opts.json) writeFileSync(opts.json, `${JSON.stringify(run, null, 2)}\n`);
    benchDb(opts.runs);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The database's own figures (import rate, size, match time): scripts/bench-db.mjs. */
function benchDb(runs) {
  console.log("");
  const script = fileURLToPath(new URL("bench-db.mjs", import.meta.url));
  const r = spawnSync(process.execPath, [script, "--runs", String(Math.min(runs, 3))], {
    stdio: "inherit",
  });
  if (r.status !== 0) console.error("bench: the database bench failed (see above)");
}

try {
  main();
} catch (err) {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
}
