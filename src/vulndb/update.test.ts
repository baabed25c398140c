import assert from "node:assert/strict";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";

import { dbFingerprint } from "../testing/db-fingerprint.js";
import { defaultRoutes, FeedServer } from "../testing/feed-server.js";
import { sharedData } from "../testing/shared.js";
import { writeZip } from "../testing/zip-writer.js";
import { VulnDb } from "./db.js";
import { ensureFresh } from "./freshness.js";
import { sha256File } from "./import.js";
import { importFeeds } from "./import.js";
import { updateDb, type UpdateOptions, type UpdateSummary } from "./update.js";
import { zipEntries } from "./zip.js";

const quiet = pino({ level: "silent" });
const ECOSYSTEMS = ["npm", "Debian"];
const ALPINE = ["v3.10"];
let dir: string;
let server: FeedServer;

function options(extra: Partial<UpdateOptions> = {}): UpdateOptions {
  return {
    mirror: server.url,
    ecosystems: ECOSYSTEMS,
    alpineReleases: ALPINE,
    log: quiet,
    policy: {
      attempts: 3,
      baseDelayMs: 5,
      maxDelayMs: 20,
      headersTimeoutMs: 5000,
      idleTimeoutMs: 5000,
    },
    ...extra,
  };
}

function outcome(summary: UpdateSummary, feed: string): string | undefined {
  return summary.feeds.find((f) => f.feed === feed)?.outcome;
}

function lodash(file: string): string[] {
  const db = VulnDb.open(file);
  try {
    return db.advisoriesFor(["npm"], "lodash").map((a) => a.id);
  } finally {
    db.close();
  }
}

/** A DB already fully synced from the server, copied so each test starts from it. */
let synced: string;
let first: UpdateSummary;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "vigil-update-"));
  server = await new FeedServer(defaultRoutes(dir, ECOSYSTEMS, ALPINE)).start();
  synced = path.join(dir, "synced.db");
  first = await updateDb(synced, options());
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A copy of the synced DB with its own downloads (copied too, so 304s work). */
function fork(name: string): string {
  const file = path.join(dir, `${name}.db`);
  copyFileSync(synced, file);
  return file;
}

describe("a full sync from the local mirror", () => {
  test("downloads every feed and records where each came from", async () => {
    assert.equal(first.failed, 0, JSON.stringify(first.feeds.filter((f) => f.error)));
    for (const feed of [
      "osv:npm",
      "osv:Debian",
      "alpine-secdb:v3.10/main",
      "debian-tracker",
      "kev",
      "epss",
    ]) {
      assert.equal(outcome(first, feed), "downloaded", feed);
    }

    const db = VulnDb.open(synced);
    try {
      const feeds = new Map(db.feeds().map((f) => [f.name, f]));
      const npm = feeds.get("osv:npm");
      assert.equal(npm?.source, `${server.url}/osv/npm/all.zip`);
      assert.equal(npm?.sha256, await sha256File(sharedData("osv", "npm", "all.zip")));
      assert.equal(npm?.sync, "full");
      assert.equal(feeds.get("kev")?.records, 1404);
      assert.equal(feeds.get("epss")?.records, 29);
      assert.ok((feeds.get("debian-tracker")?.records ?? 0) > 0);
      assert.equal(db.schemaVersion, 2);
    } finally {
      db.close();
    }
  });

  test("holds the same data as `vigil db import` of the same files", async () => {
    const imported = path.join(dir, "imported.db");
    await importFeeds(imported, [
      sharedData("osv", "npm", "all.zip"),
      sharedData("osv", "Debian", "all.zip"),
      sharedData("feeds", "alpine-secdb", "v3.10"),
      path.join(dir, "tracker.json"),
      sharedData("kev", "known_exploited_vulnerabilities.json"),
      sharedData("epss", "samples", "claircore-data.csv.gz"),
    ]);
    assert.equal(dbFingerprint(imported), dbFingerprint(synced));
  });

  test("KEV and EPSS answer by CVE; the tracker's states become notes", () => {
    const db = VulnDb.open(synced);
    try {
      assert.deepEqual(db.kevFor(["GHSA-x", "CVE-2025-48384"]), {
        cve: "CVE-2025-48384",
        dateAdded: "2025-08-25",
        dueDate: "2025-09-15",
        ransomware: "Unknown",
      });
      assert.deepEqual(db.epssFor(["CVE-1999-0005"]), {
        cve: "CVE-1999-0005",
        score: 0.91963,
        percentile: 0.9903,
      });

      const apparmor = db.advisoriesFor(["Debian:12"], "apparmor");
      assert.deepEqual(
        apparmor.map((a) => a.id),
        ["CVE-2016-1585", "CVE-2017-6507"],
      );
      assert.match(apparmor[0]?.statusNote ?? "", /^unimportant:/);
      assert.equal(apparmor[1]?.statusNote, undefined);
      const chromium = db.advisoriesFor(["Debian:10"], "chromium");
      assert.match(chromium[0]?.statusNote ?? "", /^end-of-life:/);
      // A fix in "0" (never affected) makes no advisory.
      assert.deepEqual(
        db.advisoriesFor(["Debian:12"], "apparmor").filter((a) => a.id === "CVE-2014-1424"),
        [],
      );
    } finally {
      db.close();
    }
  });
});

describe("updating again", () => {
  test("conditional requests: every feed answers 304 and keeps its data", async () => {
    const file = fork("again");
    const before = dbFingerprint(file);
    const mark = server.log.length;
    const again = await updateDb(file, options({ downloadDir: `${synced}.downloads` }));

    assert.equal(again.failed, 0);
    const npm = server.log
      .slice(mark)
      .filter((r) => r.path === "/osv/npm/modified_id.csv" || r.path === "/osv/npm/all.zip");
    assert.ok(npm.length > 0);
    for (const f of again.feeds.filter((f) => f.outcome !== "absent"))
      assert.equal(f.outcome, "unchanged", f.feed);
    const kev = server.log
      .slice(mark)
      .find((r) => r.path === "/kev/known_exploited_vulnerabilities.json");
    assert.equal(kev?.status, 304);
    assert.ok(kev?.headers["if-none-match"]);
    assert.equal(dbFingerprint(file), before);
  });

  test("a 429 and a 500 are retried, honouring Retry-After", async () => {
    const file = fork("retry");
    rmSync(`${synced}.downloads/kev`, { recursive: true, force: true });
    const urlPath = "/kev/known_exploited_vulnerabilities.json";
    const mark = server.requests(urlPath).length;
    server.fault(urlPath, { status: 429, retryAfter: "0" }, { status: 500 });
    const summary = await updateDb(
      file,
      options({ downloadDir: `${synced}.downloads`, sources: ["kev"] }),
    );

    // The DB's own validators make the last try conditional: 304.
    assert.deepEqual(
      server
        .requests(urlPath)
        .slice(mark)
        .map((r) => r.status),
      [429, 500, 304],
    );
    assert.equal(outcome(summary, "kev"), "unchanged");
    assert.equal(summary.failed, 0);
  });

  test("a connection cut mid-body resumes with a Range request", async () => {
    const file = path.join(dir, "cut.db");
    const downloads = path.join(dir, "cut.downloads");
    const urlPath = "/osv/npm/all.zip";
    server.fault(urlPath, { cutAfter: 100_000 });
    const mark = server.requests(urlPath).length;
    const summary = await updateDb(
      file,
      options({ downloadDir: downloads, sources: ["osv"], ecosystems: ["npm"] }),
    );

    const tries = server.requests(urlPath).slice(mark);
    assert.deepEqual(
      tries.map((r) => r.status),
      [200, 206],
    );
    assert.match(String(tries[1]?.headers.range), /^bytes=\d+-$/);
    assert.equal(outcome(summary, "osv:npm"), "downloaded");
    assert.deepEqual(lodash(file), lodash(synced));
  });

  test("a wrong checksum is refused; after the last try the feed keeps its previous data", async () => {
    const file = path.join(dir, "checksum.db");
    await importFeeds(file, [
      sharedData("kev", "samples", "claircore-kev-2025.02.24-2entries.json"),
    ]);
    const before = dbFingerprint(file);
    const downloads = path.join(dir, "checksum.downloads");
    const urlPath = "/kev/known_exploited_vulnerabilities.json";
    server.fault(urlPath, { wrongDigest: true }, { wrongDigest: true }, { wrongDigest: true });
    // The only feed asked for failed, so the update fails and leaves the DB alone.
    await assert.rejects(
      updateDb(file, options({ downloadDir: downloads, sources: ["kev"] })),
      /no feed could be downloaded \(1 tried: .*checksum mismatch/,
    );
    assert.equal(dbFingerprint(file), before);
  });

  test("a truncated zip fails its feed only; the previous rows still answer", async () => {
    const file = fork("truncated");
    const broken = path.join(dir, "truncated-all.zip");
    const zip = readFileSync(sharedData("osv", "npm", "all.zip"));
    writeFileSync(broken, zip.subarray(0, zip.length - 5000));
    const routes = new Map(server.routes);
    server.routes.set("/osv/npm/all.zip", broken);
    try {
      const summary = await updateDb(
        file,
        options({ downloadDir: path.join(dir, "truncated.downloads"), full: true }),
      );
      assert.equal(outcome(summary, "osv:npm"), "failed");
      assert.match(summary.feeds.find((f) => f.feed === "osv:npm")?.error ?? "", /cannot read zip/);
      assert.notEqual(outcome(summary, "kev"), "failed");
    } finally {
      server.routes.set("/osv/npm/all.zip", routes.get("/osv/npm/all.zip") as string);
    }
    assert.deepEqual(lodash(file), lodash(synced));
  });

  test("an invalid JSON record is skipped with a warning; the rest is imported", async () => {
    const file = path.join(dir, "invalid.db");
    const entries: { name: string; data: Buffer }[] = [];
    for await (const e of zipEntries(sharedData("osv", "npm", "all.zip"), {
      maxEntryBytes: 1 << 24,
      maxEntries: 1e5,
    })) {
      if (e.kind === "entry") entries.push({ name: e.name, data: e.data });
    }
    entries.splice(3, 0, {
      name: "GHSA-broken.json",
      data: Buffer.from('{"id": "GHSA-broken", "affected": ['),
    });
    const zip = path.join(dir, "invalid-all.zip");
    writeZip(zip, entries);
    const original = server.routes.get("/osv/npm/all.zip") as string;
    server.routes.set("/osv/npm/all.zip", zip);
    try {
      const summary = await updateDb(
        file,
        options({
          downloadDir: path.join(dir, "invalid.downloads"),
          sources: ["osv"],
          ecosystems: ["npm"],
        }),
      );
      assert.equal(outcome(summary, "osv:npm"), "downloaded");
      assert.deepEqual(
        summary.warnings.map((w) => w.entry),
        ["GHSA-broken.json"],
      );
    } finally {
      server.routes.set("/osv/npm/all.zip", original);
    }
    const db = VulnDb.open(file);
    try {
      const npm = db.feeds().find((f) => f.name === "osv:npm");
      assert.equal(npm?.records, 51);
      assert.equal(npm?.skipped, 1);
    } finally {
      db.close();
    }
  });
});

test("an incremental sync fetches only the records modified_id.csv names, and ends where a full one does", async () => {
  const file = path.join(dir, "incremental.db");
  const downloads = path.join(dir, "incremental.downloads");
  const csv = readFileSync(sharedData("osv", "PyPI", "modified_id.csv"), "utf8")
    .trim()
    .split("\n");
  const newest = new Set(csv.slice(0, 5).map((l) => l.split(",")[1]));

  // The mirror as it was before the five newest PyPI records.
  const entries: { name: string; data: Buffer }[] = [];
  for await (const e of zipEntries(sharedData("osv", "PyPI", "all.zip"), {
    maxEntryBytes: 1 << 24,
    maxEntries: 1e5,
  })) {
    if (e.kind === "entry" && !newest.has(e.name.replace(/\.json$/, "")))
      entries.push({ name: e.name, data: e.data });
  }
  const oldZip = path.join(dir, "old-pypi.zip");
  const oldCsv = path.join(dir, "old-modified_id.csv");
  writeZip(oldZip, entries);
  writeFileSync(oldCsv, `${csv.slice(5).join("\n")}\n`);
  server.routes.set("/osv/PyPI/all.zip", oldZip);
  server.routes.set("/osv/PyPI/modified_id.csv", oldCsv);

  const opts = options({ downloadDir: downloads, sources: ["osv"], ecosystems: ["PyPI"] });
  const full = await updateDb(file, opts);
  assert.equal(outcome(full, "osv:PyPI"), "downloaded");

  // The mirror now: the real export and its list.
  server.routes.set("/osv/PyPI/all.zip", sharedData("osv", "PyPI", "all.zip"));
  server.routes.set("/osv/PyPI/modified_id.csv", sharedData("osv", "PyPI", "modified_id.csv"));
  const mark = server.log.length;
  const inc = await updateDb(file, opts);
  assert.equal(outcome(inc, "osv:PyPI"), "incremental");
  const fetched = server.log.slice(mark).map((r) => r.path);
  assert.ok(!fetched.includes("/osv/PyPI/all.zip"));
  for (const id of newest) assert.ok(fetched.includes(`/osv/PyPI/${id}.json`), id);

  const reference = path.join(dir, "pypi-full.db");
  await importFeeds(reference, [sharedData("osv", "PyPI", "all.zip")]);
  const strip = (fp: string) => JSON.parse(fp).advisories as unknown[];
  assert.deepEqual(strip(dbFingerprint(file)), strip(dbFingerprint(reference)));
});

test("two updates at once: one runs, the other gets DB_LOCKED; a reader keeps answering", async () => {
  const file = fork("locked");
  const reader = VulnDb.open(file);
  try {
    const results = await Promise.allSettled([
      updateDb(file, options({ downloadDir: path.join(dir, "locked.downloads") })),
      updateDb(file, options({ downloadDir: path.join(dir, "locked2.downloads") })),
    ]);
    const codes = results.map((r) =>
      r.status === "rejected" ? (r.reason as { code?: string }).code : "ok",
    );
    assert.deepEqual(codes.sort(), ["DB_LOCKED", "ok"]);
    // The reader still has the file it opened; the new one was renamed in beside it.
    assert.ok(reader.advisoriesFor(["npm"], "lodash").length > 0);
  } finally {
    reader.close();
  }
});

describe("feeds that cannot be reached", () => {
  // A loopback port nothing listens on any more: every connection is refused.
  let closed = "";
  before(async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
  });
  const unreachable = (extra: Partial<UpdateOptions> = {}) =>
    options({ mirror: closed, ecosystems: ["npm", "PyPI", "Go", "Debian"], ...extra });

  test("with no DB yet, no empty DB is written: the update fails and says why", async () => {
    const file = path.join(dir, "never.db");
    await assert.rejects(updateDb(file, unreachable()), (err: Error & { code?: string }) => {
      assert.equal(err.code, "NETWORK");
      assert.match(err.message, /no feed could be downloaded \(\d+ tried: .*ECONNREFUSED/);
      assert.match(err.message, /the vulnerability DB was not changed/);
      return true;
    });
    assert.ok(!existsSync(file));
  });

  test("an existing DB stays exactly as it was, and one dead host is tried once, not per feed", async () => {
    const file = fork("unreachable");
    const before = dbFingerprint(file);
    const failures: string[] = [];
    await assert.rejects(
      updateDb(
        file,
        unreachable({
          parallel: 1,
          onEvent: (e) => e.type === "failed" && failures.push(e.message ?? ""),
        }),
      ),
      /no feed could be downloaded/,
    );
    assert.equal(dbFingerprint(file), before);
    // One feed found the host down; every other one was failed without a connection.
    const notTried = failures.filter((m) => m.startsWith(`not tried: ${new URL(closed).host}`));
    assert.ok(failures.length > 5);
    assert.equal(notTried.length, failures.length - 1, failures.join("\n"));
  });

  test("a scan with a stale DB goes on with it; with none it stops; a file that is no DB stops it at once", async () => {
    const log = quiet;
    const fresh = (offline: boolean) => ({ offline, maxAgeMs: 0, update: unreachable(), log });

    const stale = fork("stale");
    const before = dbFingerprint(stale);
    await ensureFresh(stale, fresh(false));
    assert.equal(dbFingerprint(stale), before);

    await assert.rejects(
      ensureFresh(path.join(dir, "none.db"), fresh(false)),
      /no feed could be downloaded/,
    );

    const junk = path.join(dir, "junk.db");
    writeFileSync(junk, "not a database at all, just text\n".repeat(100));
    const mark = server.log.length;
    await assert.rejects(
      ensureFresh(junk, { ...fresh(false), update: options() }),
      /is not a vigil vulnerability DB|cannot open/,
    );
    assert.equal(server.log.length, mark, "nothing was downloaded for a file that is no DB");
    assert.ok(!existsSync(`${junk}.downloads`));
  });
});
