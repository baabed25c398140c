import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { pino } from "pino";
import yauzl from "yauzl";

import { VigilError } from "../errors.js";
import { sharedData } from "../testing/shared.js";
import { VulnDb } from "./db.js";
import { importFeeds } from "./import.js";
import { acquireLock } from "./lock.js";
import { SCHEMA_VERSION } from "./schema.js";

const LODASH = [
  "GHSA-29mw-wpgm-hmr9",
  "GHSA-35jh-r3h4-6jhm",
  "GHSA-4xc9-xhrj-v574",
  "GHSA-fvqr-27wr-82fm",
  "GHSA-jf85-cpcp-j695",
  "GHSA-p6mc-m468-83gw",
  "GHSA-x5rq-j2xg-h7qm",
];

const quiet = pino({ level: "silent" });
let dir: string;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "vigil-vulndb-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function zipEntryCount(file: string): Promise<number> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      zip.close();
      resolve(zip.entryCount);
    }),
  );
}

function ids(db: VulnDb, ecosystems: string[], name: string): string[] {
  return db.advisoriesFor(ecosystems, name).map((a) => a.id);
}

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<VigilError> {
  const err = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof VigilError, String(err));
  assert.equal(err.code, code);
  return err;
}

/** Files beside the DB other than the DB itself: leftovers of a failed import. */
function leftovers(dbPath: string): string[] {
  const base = path.basename(dbPath);
  return readdirSync(path.dirname(dbPath)).filter((f) => f.startsWith(base) && f !== base);
}

describe("OSV zips: npm, Go, PyPI", () => {
  const zips = ["npm", "Go", "PyPI"].map((eco) => sharedData("osv", eco, "all.zip"));
  let dbPath: string;
  let summary: Awaited<ReturnType<typeof importFeeds>>;

  before(async () => {
    dbPath = path.join(dir, "zips.db");
    summary = await importFeeds(dbPath, zips, { log: quiet });
  });

  test("every zip entry becomes a record, minus the skipped", async () => {
    for (const [i, name] of ["osv:npm", "osv:Go", "osv:PyPI"].entries()) {
      const feed = summary.feeds.find((f) => f.name === name);
      assert.ok(feed, name);
      assert.equal(feed.records + feed.skipped, await zipEntryCount(zips[i] ?? ""), name);
    }
    assert.deepEqual(summary.warnings, []);
    assert.equal(summary.records, 51 + 4291 + 2691);
  });

  test("feeds and meta describe what was imported", () => {
    const db = VulnDb.open(dbPath);
    try {
      const feeds = db.feeds();
      assert.deepEqual(
        feeds.map((f) => [f.name, f.kind, f.records]),
        [
          ["osv:Go", "osv", 4291],
          ["osv:PyPI", "osv", 2691],
          ["osv:npm", "osv", 51],
        ],
      );
      assert.equal(feeds[0]?.origin, zips[1]);
      assert.match(feeds[0]?.importedAt ?? "", /^\d{4}-\d\d-\d\dT/);

      const version = (
        JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
          version: string;
        }
      ).version;
      assert.deepEqual(
        { ...db.meta(), updatedAt: undefined },
        {
          schemaVersion: SCHEMA_VERSION,
          writtenBy: `vigil ${version}`,
          updatedAt: undefined,
        },
      );
    } finally {
      db.close();
    }
  });

  test("lodash on npm has the seven known GHSA advisories", () => {
    const db = VulnDb.open(dbPath);
    try {
      assert.deepEqual(ids(db, ["npm"], "lodash"), LODASH);
      const critical = db
        .advisoriesFor(["npm"], "lodash")
        .find((a) => a.id === "GHSA-jf85-cpcp-j695");
      assert.equal(critical?.severity.label, "CRITICAL");
      assert.equal(critical?.source, "osv:npm");
      assert.deepEqual(
        critical?.affected.map((a) => a.package),
        [{ ecosystem: "npm", name: "lodash" }],
      );
      assert.ok(critical?.aliases.includes("CVE-2019-10744"));
    } finally {
      db.close();
    }
  });

  test("npm names are case-insensitive: GHSA-8hc4-vh64-cxmj says `Axios`", () => {
    const db = VulnDb.open(dbPath);
    try {
      const lower = ids(db, ["npm"], "axios");
      assert.ok(lower.includes("GHSA-8hc4-vh64-cxmj"));
      assert.deepEqual(ids(db, ["npm"], "Axios"), lower);
      assert.equal(lower.length, 5);
    } finally {
      db.close();
    }
  });

  test("PyPI names are PEP 503-normalised", () => {
    const db = VulnDb.open(dbPath);
    try {
      const want = ids(db, ["PyPI"], "pyyaml");
      assert.ok(want.length > 0);
      assert.deepEqual(ids(db, ["PyPI"], "PyYAML"), want);
      assert.deepEqual(ids(db, ["PyPI"], "Py_YAML"), ids(db, ["PyPI"], "py-yaml"));
      assert.deepEqual(ids(db, ["npm"], "pyyaml"), []);
    } finally {
      db.close();
    }
  });

  test("withdrawn advisories are returned, marked", () => {
    const db = VulnDb.open(dbPath);
    try {
      const teleport = db.advisoriesFor(["Go"], "github.com/gravitational/teleport");
      const withdrawn = teleport.find((a) => a.id === "GO-2024-2442");
      assert.equal(withdrawn?.withdrawn, "2024-01-23T12:50:23Z");
      assert.ok(teleport.some((a) => a.withdrawn === undefined));
    } finally {
      db.close();
    }
  });

  test("re-importing a feed replaces its rows; other feeds stay", async () => {
    const again = path.join(dir, "again.db");
    copyFileSync(dbPath, again);
    const second = await importFeeds(again, [zips[0] ?? ""], { log: quiet });
    assert.equal(second.records, 51);

    const db = VulnDb.open(again);
    try {
      assert.deepEqual(ids(db, ["npm"], "lodash"), LODASH);
      assert.equal(db.feeds().length, 3);
      assert.ok(ids(db, ["Go"], "stdlib").length > 100);
    } finally {
      db.close();
    }
  });

  test("a truncated zip fails the import and leaves the previous DB as it was", async () => {
    const zip = readFileSync(zips[0] ?? "");
    const broken = path.join(dir, "broken", "npm", "all.zip");
    mkdirSync(path.dirname(broken), { recursive: true });
    writeFileSync(broken, zip.subarray(0, zip.length / 2));

    const before = readFileSync(dbPath);
    const err = await rejectsWith(importFeeds(dbPath, [broken], { log: quiet }), "BAD_FEED");
    assert.match(err.message, /all\.zip/);

    assert.deepEqual(readFileSync(dbPath), before);
    assert.deepEqual(leftovers(dbPath), []);
    const db = VulnDb.open(dbPath);
    try {
      assert.deepEqual(ids(db, ["npm"], "lodash"), LODASH);
    } finally {
      db.close();
    }
  });

  test("an import while the lock is held fails with DB_LOCKED", async () => {
    const lock = acquireLock(`${dbPath}.lock`);
    try {
      const err = await rejectsWith(
        importFeeds(dbPath, [zips[0] ?? ""], { log: quiet }),
        "DB_LOCKED",
      );
      assert.match(err.hint ?? "", /\.lock/);
    } finally {
      lock.release();
    }
  });

  test("of two imports at once, one runs and the other gets DB_LOCKED", async () => {
    const target = path.join(dir, "race.db");
    const results = await Promise.allSettled([
      importFeeds(target, [zips[1] ?? ""], { log: quiet }),
      importFeeds(target, [zips[2] ?? ""], { log: quiet }),
    ]);
    const failed = results.filter((r) => r.status === "rejected");
    assert.equal(failed.length, 1);
    assert.equal(((failed[0] as PromiseRejectedResult).reason as VigilError).code, "DB_LOCKED");
    assert.deepEqual(leftovers(target), []);
    VulnDb.open(target).close();
  });
});

describe("Alpine secdb", () => {
  let dbPath: string;

  before(async () => {
    dbPath = path.join(dir, "alpine.db");
    await importFeeds(
      dbPath,
      ["v3.10/main.json", "v3.10/community.json", "v3.8/main.json"].map((f) =>
        sharedData("feeds", "alpine-secdb", ...f.split("/")),
      ),
      { log: quiet },
    );
  });

  test("a known package's CVEs come with their fixed versions", () => {
    const db = VulnDb.open(dbPath);
    try {
      const musl = db.advisoriesFor(["Alpine:v3.10"], "musl");
      assert.deepEqual(
        musl.map((a) => [a.id, a.source, a.affected[0]?.ranges[0]?.events]),
        [
          [
            "CVE-2016-8859",
            "alpine-secdb:v3.10/main",
            [{ introduced: "0" }, { fixed: "1.1.15-r4" }],
          ],
          [
            "CVE-2019-14697",
            "alpine-secdb:v3.10/main",
            [{ introduced: "0" }, { fixed: "1.1.22-r3" }],
          ],
        ],
      );
      assert.deepEqual(ids(db, ["Alpine:v3.11"], "musl"), []);
      assert.deepEqual(
        db.feeds().map((f) => f.name),
        ["alpine-secdb:v3.10/community", "alpine-secdb:v3.10/main", "alpine-secdb:v3.8/main"],
      );
    } finally {
      db.close();
    }
  });

  test("a temp DB left by a dead import is removed by the next one", async () => {
    const child = spawnSync(process.execPath, ["-e", ""]);
    const stale = `${dbPath}.tmp-${child.pid}`;
    writeFileSync(stale, "partial");
    await importFeeds(dbPath, [sharedData("feeds", "alpine-secdb", "v3.10", "main.json")], {
      log: quiet,
    });
    assert.deepEqual(leftovers(dbPath), []);
  });

  test('a fix in "0" produces no advisory', () => {
    const db = VulnDb.open(dbPath);
    try {
      const db38 = ids(db, ["Alpine:v3.8"], "db");
      assert.ok(!db38.includes("CVE-2016-0682"), db38.join(","));
      assert.ok(ids(db, ["Alpine:v3.8"], "musl").length > 0);
    } finally {
      db.close();
    }
  });
});

describe("a directory of loose JSON", () => {
  test("a malformed file is skipped with a warning; the rest is imported", async () => {
    const loose = path.join(dir, "loose", "npm-ghsa");
    mkdirSync(loose, { recursive: true });
    const ghsa = sharedData("osv", "npm", "ghsa");
    const names = [
      "GHSA-29mw-wpgm-hmr9.json",
      "GHSA-8hc4-vh64-cxmj.json",
      "GHSA-jf85-cpcp-j695.json",
    ];
    for (const name of names) copyFileSync(path.join(ghsa, name), path.join(loose, name));
    const text = readFileSync(path.join(ghsa, "GHSA-35jh-r3h4-6jhm.json"), "utf8");
    writeFileSync(path.join(loose, "GHSA-35jh-r3h4-6jhm.json"), text.slice(0, text.length / 2));
    const record = JSON.parse(text) as Record<string, unknown>;
    delete record.affected;
    writeFileSync(path.join(loose, "no-affected.json"), JSON.stringify(record));

    const logged: { level: number; file?: string }[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const dbPath = path.join(dir, "loose.db");
    const summary = await importFeeds(dbPath, [path.join(dir, "loose")], { log });

    assert.deepEqual(
      summary.feeds.map((f) => [f.name, f.records, f.skipped]),
      [["osv:loose/npm-ghsa", 3, 2]],
    );
    assert.deepEqual(
      summary.warnings.map((w) => path.basename(w.file)),
      ["GHSA-35jh-r3h4-6jhm.json", "no-affected.json"],
    );
    assert.match(summary.warnings[0]?.reason ?? "", /JSON/);
    assert.equal(summary.warnings[1]?.reason, "no affected list");
    assert.deepEqual(
      logged.map((l) => [l.level, path.basename(l.file ?? "")]),
      [
        [40, "GHSA-35jh-r3h4-6jhm.json"],
        [40, "no-affected.json"],
      ],
    );

    const db = VulnDb.open(dbPath);
    try {
      assert.deepEqual(ids(db, ["npm"], "lodash"), ["GHSA-29mw-wpgm-hmr9", "GHSA-jf85-cpcp-j695"]);
    } finally {
      db.close();
    }
  });

  test("JSON that is no known feed is skipped in a directory, an error named alone", async () => {
    const odd = path.join(dir, "odd");
    mkdirSync(odd, { recursive: true });
    const manifest = path.join(odd, "package.json");
    writeFileSync(manifest, JSON.stringify({ name: "x", version: "1.0.0" }));
    const dbPath = path.join(dir, "odd.db");

    // Named alone, or the only file of a directory: an error, and no DB.
    const alone = await rejectsWith(importFeeds(dbPath, [manifest], { log: quiet }), "BAD_FEED");
    assert.match(alone.message, /package\.json is no feed vigil knows/);
    const only = await rejectsWith(importFeeds(dbPath, [odd], { log: quiet }), "BAD_FEED");
    assert.match(only.message, /no feed found in .*odd/);
    assert.deepEqual(leftovers(dbPath), []);
    assert.throws(() => VulnDb.open(dbPath), { code: "DB_MISSING" });

    // Beside a real record (KEV ships its JSON schema so), it is passed over.
    const record = readdirSync(sharedData("osv", "npm", "ghsa"))[0] ?? "";
    copyFileSync(sharedData("osv", "npm", "ghsa", record), path.join(odd, record));
    const summary = await importFeeds(dbPath, [odd], { log: quiet });
    assert.equal(summary.records, 1);
  });
});

test("all of shared/data/osv: every zip and every loose directory", async () => {
  const dbPath = path.join(dir, "all.db");
  const summary = await importFeeds(dbPath, [sharedData("osv")], { log: quiet });
  const names = summary.feeds.map((f) => f.name);
  for (const name of [
    "osv:Go",
    "osv:crates.io",
    "osv:npm",
    "osv:npm/ghsa",
    "osv:Ubuntu/samples",
    "osv:osv/other-distros",
  ]) {
    assert.ok(names.includes(name), name);
  }
  assert.deepEqual(summary.warnings, []);

  const db = VulnDb.open(dbPath);
  try {
    // The same GHSA ids sit in npm/all.zip and npm/ghsa/: each is returned once.
    assert.deepEqual(ids(db, ["npm"], "lodash"), LODASH);
    assert.ok(ids(db, ["AlmaLinux:9"], "libtiff").includes("ALSA-2022:8194"));
    assert.ok(ids(db, ["Ubuntu:14.04:LTS"], "tpp").includes("UBUNTU-CVE-2013-2208"));
  } finally {
    db.close();
  }
});

test("an input that does not exist is NOT_FOUND", async () => {
  await rejectsWith(
    importFeeds(path.join(dir, "x.db"), [path.join(dir, "nope")], { log: quiet }),
    "NOT_FOUND",
  );
});
