// How the bench measures a child process: wall time around it, CPU time and
// peak RSS from GNU time or, without it, from a preload (bench-rusage.mjs).
// Shared by bench.mjs and bench-peers.mjs.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const RUSAGE = fileURLToPath(new URL("bench-rusage.mjs", import.meta.url));
const REPO = fileURLToPath(new URL("..", import.meta.url));

// Reports of debian-big run to megabytes; spawnSync's default buffer is 1 MiB.
const SPAWN = { cwd: REPO, encoding: "utf8", maxBuffer: 1 << 30 };

/** Thrown, not exited, so that the bench's temp dir is still removed. */
export function fail(message) {
  throw new Error(message);
}

/**
 * GNU time reads the child's rusage from wait4: CPU time of the child and of
 * every descendant it waited for, and the peak RSS of the largest of them.
 * The preload sees only the node process it runs in.
 *
 * `meter.run(args, { env, cwd, mayFail })` runs `node ARGS…`; a run that fails
 * throws, unless mayFail, when it returns `{ failed, status, stderr }`.
 */
export function pickMeter(tmp) {
  const file = path.join(tmp, "rusage");
  const probe = spawnSync("time", ["-f", "%M", process.execPath, "-e", ""], SPAWN);
  if (probe.status === 0 && /^\d+\s*$/.test(probe.stderr)) {
    return { name: "GNU time (%M %U %S)", run: (args, opts) => gnuTime(args, file, opts) };
  }
  return {
    name: "preload: process.resourceUsage()",
    run: (args, opts) => preloaded(args, file, opts),
  };
}

function gnuTime(args, file, opts = {}) {
  const argv = ["-f", "%M %U %S", "-o", file, process.execPath, ...args];
  const run = timed("time", argv, args, opts);
  if (run.failed) return run;

  // When the child fails, GNU time puts "Command exited with …" on a line before.
  const last = readFileSync(file, "utf8").trim().split("\n").at(-1);
  const [rssKb, user, sys] = last.split(" ").map(Number);
  return { ...run, rssKb, user, sys };
}

function preloaded(args, file, opts = {}) {
  const env = { ...(opts.env ?? process.env), VIGIL_BENCH_RUSAGE: file };
  const argv = ["--import", pathToFileURL(RUSAGE).href, ...args];
  const run = timed(process.execPath, argv, args, { ...opts, env });
  if (run.failed) return run;
  return { ...run, ...JSON.parse(readFileSync(file, "utf8")) };
}

function timed(command, argv, args, { env = process.env, cwd = REPO, mayFail = false } = {}) {
  const started = performance.now();
  const child = spawnSync(command, argv, { ...SPAWN, env, cwd });
  const wall = (performance.now() - started) / 1000;

  if (!child.error && child.status === 0) return { stdout: child.stdout, wall };
  const stderr = child.error?.message ?? child.stderr;
  if (mayFail) return { failed: true, status: child.status, stdout: child.stdout, stderr };
  const why = stderr.trim().split("\n").slice(-15).join("\n");
  fail(`\`${args.join(" ")}\` failed (exit ${child.status}):\n${why}`);
}

/** The figures of one run, without its output. */
export const sample = (run) => ({ wall: run.wall, cpu: run.user + run.sys, rssKb: run.rssKb });

export function median(xs) {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarize(samples) {
  const walls = samples.map((s) => s.wall);
  return {
    wall: median(walls),
    // How noisy this machine was: the spread of the runs around their median.
    spread: (Math.max(...walls) - Math.min(...walls)) / median(walls),
    cpu: median(samples.map((s) => s.cpu)),
    rssMiB: median(samples.map((s) => s.rssKb)) / 1024,
    samples,
  };
}
