// The peers a Node user could pick instead of vigil, run by the bench on the
// same images. They are installed from npm at bench time into a directory of
// the bench's own, outside the clone, and reused on later runs: they are never
// dependencies of vigil, and nothing of theirs is kept in the project.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { sample } from "./bench-meter.mjs";

const SNYK_RUNNER = fileURLToPath(new URL("bench-snyk.mjs", import.meta.url));

/** Exact versions, so that runs months apart time the same code. */
const VERSIONS = { "snyk-docker-plugin": "9.20.2", "@cyclonedx/cdxgen": "12.8.4" };

const MANIFEST = {
  private: true,
  description: "Peers that vigil's bench (scripts/bench.mjs) times; not part of vigil",
  dependencies: VERSIONS,
  // note: snyk-docker-plugin 9.20.2 asks for shescape ^2.1.14, which the npm registry
  // reachable where this bench was written does not serve. The plugin only uses it to
  // quote the arguments of `docker` commands, which an archive scan never runs.
  overrides: { shescape: "^2.1.12" },
};

const OS_PURL_TYPES = new Set(["deb", "apk", "rpm"]);

// The escapes that colour a terminal, which cdxgen writes even into a pipe.
const COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

export function peersDir() {
  const cache = process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache");
  return process.env.VIGIL_BENCH_PEERS_DIR || path.join(cache, "vigil-bench", "peers");
}

// --- install -----------------------------------------------------------------

function versionIn(dir, name) {
  const file = path.join(dir, "node_modules", name, "package.json");
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).version : undefined;
}

const isInstalled = (dir) =>
  Object.entries(VERSIONS).every(([name, version]) => versionIn(dir, name) === version);

/** Installs the pinned peers unless they are there already; returns an error or nothing. */
export function installPeers(dir, progress) {
  if (isInstalled(dir)) return undefined;

  progress(`installing ${Object.keys(VERSIONS).join(", ")} into ${dir} (once)`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(MANIFEST, null, 2)}\n`);
  const npm = spawnSync("npm", ["install", "--no-audit", "--no-fund"], {
    cwd: dir,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });

  if (npm.status === 0 && isInstalled(dir)) return undefined;
  const said = lastLine(`${npm.stdout ?? ""}\n${npm.stderr ?? npm.error?.message ?? ""}`);
  return `\`npm install\` in ${dir} failed (exit ${npm.status}): ${said}`;
}

// --- the peers -----------------------------------------------------------------

/** snyk-docker-plugin's scan() on `oci-archive:FILE`, in a child: bench-snyk.mjs. */
const snyk = {
  name: "snyk-docker-plugin",
  version: VERSIONS["snyk-docker-plugin"],
  counts:
    "scan() on oci-archive:FILE with its default options (OS packages and application " +
    "dependencies, as `snyk container test`); OS = the OS scan result's dep-graph packages, " +
    "lang = the application results' dep-graph packages and jar fingerprints",
  args: (dir, archive) => [SNYK_RUNNER, dir, `oci-archive:${archive}`],
  countsOf: (run) => JSON.parse(lastLine(run.stdout)),
};

/** cdxgen's CLI, `cdxgen -t docker`, which unpacks the image and runs trivy over it. */
const cdxgen = {
  name: "cdxgen",
  version: VERSIONS["@cyclonedx/cdxgen"],
  counts:
    "`cdxgen -t docker -o BOM FILE` (it unpacks the image into its temp dir and runs the " +
    "trivy binary its plugins package ships over it); OS = components with a deb, apk or rpm " +
    "purl, source packages among them (cdxgen lists each as a component of its own), lang = " +
    "components with any other purl type but pkg:generic (files); components without a purl " +
    "(crypto assets) are not counted",
  args: (dir, archive, work) => [
    path.join(dir, "node_modules", "@cyclonedx", "cdxgen", "bin", "cdxgen.js"),
    "-t",
    "docker",
    "-o",
    path.join(work, "bom.json"),
    archive,
  ],
  countsOf: (_run, work) => countBom(path.join(work, "bom.json")),
};

export const PEERS = [snyk, cdxgen];

/**
 * One timed run of a peer on an oci-archive, in a temp dir of its own that
 * is removed afterwards (cdxgen leaves the unpacked image behind). Returns
 * `{ sample, counts }`, or `{ error }` saying why the peer could not run.
 */
export function runPeer(meter, peer, dir, archive, tmp) {
  const work = path.join(tmp, `peer-${peer.name}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // Temp files into the work dir; offline: cdxgen fetches no licenses unless asked.
  const env = { ...process.env, TMPDIR: work, CDXGEN_TEMP_DIR: work, FETCH_LICENSE: "false" };

  try {
    const run = meter.run(peer.args(dir, archive, work), { env, cwd: work, mayFail: true });
    if (run.failed) return { error: failure(run) };
    const counts = peer.countsOf(run, work);
    if (counts.error) return counts;
    return { sample: sample(run), counts };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// --- reading what they found -----------------------------------------------------

/** OS packages (deb, apk, rpm purls) and language packages (any other type but generic). */
export function countPurls(purls) {
  const counts = { os: 0, lang: 0, byType: {} };
  for (const purl of purls) {
    const type = /^pkg:([^/]+)\//.exec(purl ?? "")?.[1];
    if (!type || type === "generic") continue;
    counts[OS_PURL_TYPES.has(type) ? "os" : "lang"] += 1;
    counts.byType[type] = (counts.byType[type] ?? 0) + 1;
  }
  return counts;
}

function countBom(file) {
  if (!existsSync(file)) return { error: "exited 0 but wrote no BOM" };
  const bom = JSON.parse(readFileSync(file, "utf8"));
  return countPurls([...flatten(bom.components ?? [])].map((c) => c.purl));
}

function* flatten(components) {
  for (const c of components) {
    yield c;
    yield* flatten(c.components ?? []);
  }
}

/** The peer's own last word on why it stopped: its last error line, else its last line. */
function failure(run) {
  const text = `${run.stdout ?? ""}\n${run.stderr ?? ""}`.replace(COLOUR, "");
  const lines = text.split("\n").map((l) => l.trim());
  const said = lines.findLast((l) => /\b\w*Error\b/.test(l)) ?? lastLine(lines.join("\n"));
  return `exit ${run.status}: ${said}${hint(said)}`;
}

/** A fact of this machine that explains a peer's error, where we know one. */
function hint(message) {
  if (/zstd/i.test(message) && typeof zlib.createZstdDecompress !== "function") {
    return ` (node:zlib has no zstd in this Node, ${process.version}; it came in Node 22.15)`;
  }
  return "";
}

function lastLine(text) {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .findLast((l) => l !== "") ?? "(no output)"
  );
}
