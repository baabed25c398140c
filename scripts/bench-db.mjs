#!/usr/bin/env node
// Vulnerability DB figures: the import rate (records per second) and the size
// on disk for all of ../shared/data's feeds, a full `db update` from a local
// mirror of the same files, and the time to match a 1,000-package inventory
// against the full data for its ecosystem. Medians of N runs; nothing asserted.
//
//   node scripts/bench-db.mjs [--runs N] [--json FILE]
//
// Needs `npm run build` first. The shared data is a small sample of the real
// feeds (tens of thousands of records, not millions): rates carry over,
// absolute sizes do not.
import Database from "better-sqlite3";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const dist = (p) => import(pathToFileURL(path.join(REPO, "dist", p)).href);

const { importFeeds } = await dist("vulndb/import.js");
const { updateDb } = await dist("vulndb/update.js");
const { VulnDb } = await dist("vulndb/db.js");
const { matchInventory } = await dist("match/matcher.js");
const { sharedData } = await dist("testing/shared.js");
const { defaultRoutes, FeedServer } = await dist("testing/feed-server.js");

const { values } = parseArgs({
  options: { runs: { type: "string", default: "3" }, json: { type: "string" } },
});
const runs = Math.max(1, Number(values.runs));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(path.join(tmpdir(), "vigil-bench-db-"));

const ECOSYSTEMS = readdirSync(sharedData("osv"), { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== "other-distros")
  .map((e) => e.name);
const ALPINE = readdirSync(sharedData("feeds", "alpine-secdb")).filter((n) => /^v3\.\d+$/.test(n));

function inputs() {
  return [
    ...ECOSYSTEMS.map((e) => sharedData("osv", e, "all.zip")),
    sharedData("feeds", "alpine-secdb"),
    path.join(work, "tracker.json"),
    sharedData("kev", "known_exploited_vulnerabilities.json"),
    sharedData("epss", "samples", "claircore-data.csv.gz"),
  ];
}

/** 1,000 apk packages on Alpine 3.10: every package its secdb names, then more names. */
function alpineInventory(file) {
  const sqlite = new Database(file, { readonly: true });
  const rows = sqlite
    .prepare("SELECT DISTINCT name FROM affected WHERE ecosystem = 'Alpine:v3.10'")
    .all();
  sqlite.close();
  const list = rows.map((r) => r.name);
  for (let i = 0; list.length < 1000; i++) list.push(`not-in-any-feed-${i}`);
  const packages = list.slice(0, 1000).map((name, i) => ({
    type: "apk",
    name,
    version: "0.1-r0", // older than every fix: the most work per package
    sourceName: name,
    path: "lib/apk/db/installed",
    purl: `pkg:apk/alpine/${name}@0.1-r0`,
    layer: { index: 0, diffId: `sha256:${String(i).padStart(64, "0")}` },
  }));
  return {
    image: { reference: "bench" },
    os: { family: "alpine", release: "3.10", name: "Alpine Linux" },
    packages,
    warnings: [],
  };
}

const report = { runs, records: 0, import: {}, update: {}, match: {} };

// Import: every shared feed into a fresh DB.
const server = await new FeedServer(defaultRoutes(work, ECOSYSTEMS, ALPINE)).start();
try {
  const times = [];
  let summary;
  for (let i = 0; i < runs; i++) {
    const db = path.join(work, `import-${i}.db`);
    const t = performance.now();
    summary = await importFeeds(db, inputs());
    times.push(performance.now() - t);
  }
  report.records = summary.records;
  report.import = {
    ms: Math.round(median(times)),
    recordsPerSecond: Math.round(summary.records / (median(times) / 1000)),
    dbBytes: statSync(path.join(work, "import-0.db")).size,
  };

  // Update: the same files from a local mirror, over HTTP, from nothing.
  const utimes = [];
  for (let i = 0; i < runs; i++) {
    const db = path.join(work, `update-${i}.db`);
    const t = performance.now();
    const s = await updateDb(db, {
      mirror: server.url,
      ecosystems: ECOSYSTEMS,
      alpineReleases: ALPINE,
    });
    utimes.push(performance.now() - t);
    if (s.failed > 0)
      throw new Error(`update failed: ${JSON.stringify(s.feeds.filter((f) => f.error))}`);
  }
  const again = performance.now();
  await updateDb(path.join(work, "update-0.db"), {
    mirror: server.url,
    ecosystems: ECOSYSTEMS,
    alpineReleases: ALPINE,
  });
  report.update = {
    fullMs: Math.round(median(utimes)),
    unchangedMs: Math.round(performance.now() - again),
    dbBytes: statSync(path.join(work, "update-0.db")).size,
  };
} finally {
  await server.stop();
}

// Match: a 1,000-package inventory against the full data for its ecosystem.
const db = VulnDb.open(path.join(work, "import-0.db"));
try {
  const inventory = alpineInventory(path.join(work, "import-0.db"));
  matchInventory(inventory, db); // warm the statement cache and the page cache
  const times = [];
  let findings = 0;
  for (let i = 0; i < Math.max(runs, 5); i++) {
    const t = performance.now();
    findings = matchInventory(inventory, db).length;
    times.push(performance.now() - t);
  }
  report.match = {
    packages: inventory.packages.length,
    findings,
    ms: Math.round(median(times) * 10) / 10,
  };
} finally {
  db.close();
}

rmSync(work, { recursive: true, force: true });
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
console.log(
  `feeds: ${ECOSYSTEMS.length} OSV ecosystems, ${ALPINE.length} Alpine releases, Debian tracker, KEV, EPSS`,
);
console.log(
  `import: ${report.records} records in ${report.import.ms} ms (${report.import.recordsPerSecond}/s), DB ${mb(report.import.dbBytes)}`,
);
console.log(
  `update from a local mirror: ${report.update.fullMs} ms from nothing, ${report.update.unchangedMs} ms when unchanged (304s)`,
);
console.log(
  `match: ${report.match.packages} packages, ${report.match.findings} findings in ${report.match.ms} ms`,
);
if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
