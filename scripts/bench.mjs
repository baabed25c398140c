#!/usr/bin/env node
// npm run bench: times the real CLI (`vigil image`) on the corpus images, next to
// a floor measured in the same run: the same layers decompressed and discarded.
// The machine may be shared and noisy, so figures are medians of N runs, and the
// ratio vigil/floor is the number to compare between runs, not the seconds.
//
// On issue 9's images (debian-app, debian-app-zstd, debian-big) it also times
// the peers a Node user could pick instead (bench-peers.mjs) and a scan without
// the secret scanner, and it times the secret scanner on hostile texts.
//
//   node scripts/bench.mjs [--runs N] [--big] [--no-peers] [--json FILE]
//
// The report goes to stdout, progress to stderr. Nothing here is asserted:
// issue 9's targets are printed as pass/fail lines (bench-report.mjs).
import { spawnSync } from "node:child_process";
import { Buffer } from "node:buffer";
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, cpus, homedir, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fail, pickMeter, sample, summarize } from "./bench-meter.mjs";
import { countPurls, installPeers, PEERS, peersDir, runPeer } from "./bench-peers.mjs";
import { print, targets } from "./bench-report.mjs";
import { corpusThroughput, hostileThroughput } from "./bench-secrets.mjs";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const VIGIL = path.join(REPO, "bin", "vigil.js");
const FLOOR = path.join(REPO, "scripts", "bench-floor.mjs");

const IMAGES = ["debian-minimal", "debian-app", "debian-app-zstd", "alpine-3.20.3"];
const BIG_IMAGE = "debian-big";
/** Issue 9's images: the peers and the secret scanner's cost are measured on these. */
const DEEP_IMAGES = new Set(["debian-app", "debian-app-zstd", BIG_IMAGE]);

function options() {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "5" },
      big: { type: "boolean", default: false },
      json: { type: "string" },
      "no-peers": { type: "boolean", default: false },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer`);
  return { runs, big: values.big, json: values.json, peers: !values["no-peers"] };
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

const scanArgs = (dir, db, cacheDir, extra = []) => [
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
  ...extra,
];

/** A scan with an empty layer cache: the cache dir is removed before and after. */
function coldRun(meter, args, cacheDir) {
  rmSync(cacheDir, { recursive: true, force: true });
  const run = meter.run(args);
  rmSync(cacheDir, { recursive: true, force: true });
  return run;
}

/**
 * Runs vigil cold (an empty layer cache each run), vigil warm (a cache one
 * untimed scan filled), the floor, and on issue 9's images vigil without the
 * secret scanner and each peer, alternately, so that a burst of load from
 * another user of the machine lands on all of them rather than on one.
 */
function benchImage(meter, name, ctx) {
  const deep = DEEP_IMAGES.has(name);
  progress(`${name}: ${ctx.runs} runs${deep ? ", with the peers and without secrets too" : ""}`);
  const dir = layoutOf(ctx.corpus, name);
  const scan = (cacheDir, extra) => scanArgs(dir, ctx.db, cacheDir, extra);
  const floor = [FLOOR, dir];
  const verifiedFloor = [FLOOR, dir, "--verify"];
  const cache = (kind) => path.join(ctx.tmp, `${kind}-${name}`);

  // A first, untimed pass reads the blobs into the page cache and sizes the image;
  // a first scan fills the warm cache.
  const image = JSON.parse(meter.run(floor).stdout);
  const warmReport = meter.run(scan(cache("warm"))).stdout;
  const lanes = deep ? peerLanes(ctx, name) : [];
  const runs = { cold: [], warm: [], floor: [], verified: [], noSecrets: [] };
  let report;
  let noSecretsReport;
  for (let i = 0; i < ctx.runs; i++) {
    if (ctx.runs > 1) progress(`${name}: run ${i + 1} of ${ctx.runs}`);
    const cold = coldRun(meter, scan(cache("cold")), cache("cold"));
    report = cold.stdout;
    runs.cold.push(sample(cold));
    runs.warm.push(sample(meter.run(scan(cache("warm")))));
    runs.floor.push(sample(meter.run(floor)));
    runs.verified.push(sample(meter.run(verifiedFloor)));
    if (!deep) continue;

    const plain = coldRun(meter, scan(cache("vuln"), ["--scanners", "vuln"]), cache("vuln"));
    noSecretsReport = plain.stdout;
    runs.noSecrets.push(sample(plain));
    for (const lane of lanes) runLane(meter, lane, ctx);
  }

  const cold = JSON.parse(report);
  checkSame(name, cold, JSON.parse(warmReport), noSecretsReport && JSON.parse(noSecretsReport));
  const result = {
    name,
    deep,
    ...image,
    packages: cold.summary.packages,
    vulnerabilities: cold.summary.vulnerabilities,
    counts: countPurls(cold.packages.map((p) => p.purl)),
    vigil: summarize(runs.cold),
    warm: summarize(runs.warm),
    floor: summarize(runs.floor),
    verified: summarize(runs.verified),
  };
  if (!deep) return result;

  const { bytes, files } = cold.secretScan;
  const secrets = { files, ...corpusThroughput(bytes, runs.cold, runs.noSecrets) };
  return { ...result, secrets, peers: lanes.map(laneResult) };
}

/** The scans must agree on what is in the image, or the comparison means nothing. */
function checkSame(name, cold, warm, noSecrets) {
  if (JSON.stringify(warm.summary) !== JSON.stringify(cold.summary)) {
    fail(`${name}: the warm scan's summary differs from the cold scan's`);
  }
  if (noSecrets && noSecrets.summary.packages !== cold.summary.packages) {
    fail(`${name}: the \`--scanners vuln\` scan found other packages than the default scan`);
  }
}

// --- the peers ---------------------------------------------------------------

/** Installs the peers once per bench, unless --no-peers; an install failure is kept. */
function preparePeers(opts) {
  if (!opts.peers) return { skipped: "--no-peers" };
  const dir = peersDir();
  const error = installPeers(dir, progress);
  if (error) progress(`the peers cannot run: ${error}`);
  return { dir, error, list: PEERS };
}

/** One lane per peer on one image: its samples, what it found, or why it could not run. */
function peerLanes(ctx, name) {
  if (!ctx.peers.list) return [];
  const archive = path.join(ctx.corpus, `${name}.oci.tar`);
  const missing = existsSync(archive) ? undefined : `no ${name}.oci.tar in ${ctx.corpus}`;
  if (!missing && !ctx.peers.error) readThrough(archive);
  return ctx.peers.list.map((peer) => ({
    peer,
    archive,
    error: ctx.peers.error ?? missing,
    samples: [],
  }));
}

function runLane(meter, lane, ctx) {
  if (lane.error) return;
  const run = runPeer(meter, lane.peer, ctx.peers.dir, lane.archive, ctx.tmp);
  // Once is enough: a peer that failed would fail the same way on the next run.
  if (run.error) lane.error = run.error;
  else {
    lane.samples.push(run.sample);
    lane.counts = run.counts;
  }
}

function laneResult(lane) {
  const { name, version } = lane.peer;
  if (lane.error) return { name, version, error: lane.error };
  return { name, version, ...summarize(lane.samples), counts: lane.counts };
}

/** The first timed run of a peer should not pay for reading its archive from disk. */
function readThrough(file) {
  const fd = openSync(file, "r");
  const buffer = Buffer.allocUnsafe(1 << 20);
  try {
    for (let n = 1; n > 0; ) n = readSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
}

// --- main --------------------------------------------------------------------

async function main() {
  const opts = options();
  const shared = sharedDir();
  const corpus = ensureCorpus(opts.big);
  const names = existsSync(layoutOf(corpus, BIG_IMAGE)) ? [...IMAGES, BIG_IMAGE] : IMAGES;

  const tmp = mkdtempSync(path.join(tmpdir(), "vigil-bench-"));
  try {
    const meter = pickMeter(tmp);
    const peers = preparePeers(opts);
    const db = importDb(meter, shared, tmp);
    const startup = benchStartup(meter, opts.runs);
    const ctx = { corpus, db: db.path, runs: opts.runs, tmp, peers };
    const images = names.map((name) => benchImage(meter, name, ctx));
    progress("timing the secret scanner on the hostile texts");
    const hostileRuns = Math.max(opts.runs, 3);
    const hostile = await hostileThroughput(hostileRuns);

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
      peers: peersSummary(peers),
      hostileRuns,
      hostile,
    };
    run.targets = targets(run);
    print(run);
    if (opts.json) writeFileSync(opts.json, `${JSON.stringify(run, null, 2)}\n`);
    benchDb(opts.runs);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** What the report says of the peers: which, pinned how, and what each counts. */
function peersSummary(peers) {
  if (peers.skipped) return { skipped: peers.skipped };
  const list = peers.list.map(({ name, version, counts }) => ({ name, version, counts }));
  return { installError: peers.error, list };
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
  await main();
} catch (err) {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
}
