// The Debian tracker, KEV and EPSS parsers on the real shared samples
// (malformed ones included), and schema migration from version 1.
import Database from "better-sqlite3";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { after, before, describe, test } from "node:test";

import { sharedData } from "../testing/shared.js";
import { VulnDb } from "./db.js";
import { isDebianTracker, parseDebianTracker, statusNote } from "./debian-tracker.js";
import { isKevCatalog, parseEpss, parseKev } from "./enrichment.js";
import { importFeeds } from "./import.js";
import { SCHEMA_VERSION } from "./schema.js";

const json = (...parts: string[]) =>
  JSON.parse(readFileSync(sharedData(...parts), "utf8")) as Record<string, unknown>;
const epss = (name: string) => readFileSync(sharedData("epss", "samples", name), "utf8");

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "vigil-feeds-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("Debian security tracker", () => {
  const tracker = json("feeds", "debian-security-tracker", "vunnel-subset.tracker.json");

  test("is recognised by shape; KEV and secdb files are not", () => {
    assert.equal(isDebianTracker(tracker), true);
    assert.equal(isDebianTracker(json("kev", "known_exploited_vulnerabilities.json")), false);
    assert.equal(isDebianTracker(json("feeds", "alpine-secdb", "v3.10", "main.json")), false);
  });

  test("releases become Debian:<number> ranges; a fix in 0 and sid are left out", () => {
    const { records } = parseDebianTracker(tracker);
    const chromium = records.find((r) => r.id === "CVE-2022-0456");
    assert.deepEqual(
      chromium?.affected.map((a) => [a.package.ecosystem, a.ranges[0]?.events]),
      [
        ["Debian:12", [{ introduced: "0" }, { fixed: "98.0.4758.80-1" }]],
        ["Debian:11", [{ introduced: "0" }, { fixed: "98.0.4758.80-1~deb11u1" }]],
        ["Debian:10", [{ introduced: "0" }]],
        ["Debian:9", [{ introduced: "0" }]],
      ],
    );
    assert.match(
      String(chromium?.affected[2]?.database_specific?.status_note),
      /^end-of-life: .* buster$/,
    );
    // CVE-2007-2383 is fixed in "0" everywhere: never affected.
    assert.equal(
      records.find((r) => r.id === "CVE-2007-2383"),
      undefined,
    );
    const txt2man = records.find((r) => r.id === "CVE-2013-1444");
    assert.deepEqual(txt2man?.affected[0]?.ecosystem_specific, { severity: "low" });
  });

  test("no-dsa, postponed and ignored explain themselves", () => {
    const open = { status: "open", urgency: "low" };
    assert.match(
      statusNote({ ...open, nodsa: "Minor issue", nodsa_reason: "" }, "bookworm") ?? "",
      /^no-dsa: .*Minor issue$/,
    );
    assert.match(
      statusNote({ ...open, nodsa: "Minor issue", nodsa_reason: "postponed" }, "bookworm") ?? "",
      /^postponed: /,
    );
    assert.match(
      statusNote({ ...open, nodsa: "", nodsa_reason: "ignored" }, "bookworm") ?? "",
      /^ignored: .* bookworm/,
    );
    assert.equal(statusNote(open, "bookworm"), undefined);
  });
});

describe("CISA KEV", () => {
  test("the real catalog: 1,404 entries, dates and ransomware use kept", () => {
    const raw = json("kev", "known_exploited_vulnerabilities.json");
    assert.equal(isKevCatalog(raw), true);
    const catalog = parseKev(raw);
    assert.equal(catalog.version, "2025.08.25");
    assert.equal(catalog.entries.length, 1404);
    assert.deepEqual(catalog.warnings, []);
    assert.deepEqual(catalog.entries[0], {
      cve: "CVE-2025-48384",
      dateAdded: "2025-08-25",
      dueDate: "2025-09-15",
      ransomware: "Unknown",
      name: "Git Link Following Vulnerability",
    });
  });

  test("the claircore and vunnel samples parse too", () => {
    assert.equal(
      parseKev(json("kev", "samples", "claircore-kev-2025.02.24-2entries.json")).entries.length,
      2,
    );
    assert.ok(parseKev(json("kev", "samples", "vunnel-valid-catalog-1.json")).entries.length > 0);
  });
});

describe("FIRST EPSS", () => {
  test("gzipped CSV with model and score date", () => {
    const text = gunzipSync(
      readFileSync(sharedData("epss", "samples", "claircore-data.csv.gz")),
    ).toString();
    const scores = parseEpss(text);
    assert.equal(scores.modelVersion, "v2023.03.01");
    assert.equal(scores.scoreDate, "2024-10-25T00:00:00+0000");
    assert.equal(scores.entries.length, 29);
    assert.deepEqual(scores.entries[0], {
      cve: "CVE-1999-0005",
      score: 0.91963,
      percentile: 0.9903,
    });
  });

  test("an invalid header is refused whole", () => {
    assert.throws(() => parseEpss(epss("vunnel-invalid-header.csv")), { code: "BAD_FEED" });
  });

  test("a missing score date is a warning; the rows are kept", () => {
    const scores = parseEpss(epss("vunnel-missing-date.csv"));
    assert.equal(scores.scoreDate, undefined);
    assert.equal(scores.entries.length, 5);
    assert.deepEqual(scores.warnings, [{ entry: "line 1", reason: "no score_date" }]);
  });

  test("importing the invalid-header file fails and leaves the DB as it was", async () => {
    const db = path.join(dir, "epss.db");
    await importFeeds(db, [sharedData("epss", "samples", "vunnel-example-1.csv")]);
    await assert.rejects(
      importFeeds(db, [sharedData("epss", "samples", "vunnel-invalid-header.csv")]),
      {
        code: "BAD_FEED",
      },
    );
    const vulnDb = VulnDb.open(db);
    try {
      assert.deepEqual(vulnDb.epssFor(["CVE-1999-0005"]), {
        cve: "CVE-1999-0005",
        score: 0.91963,
        percentile: 0.99214,
      });
    } finally {
      vulnDb.close();
    }
  });
});

describe("schema versions", () => {
  /** A version-1 DB, as vigil 0.1.0 wrote it. */
  function v1(file: string): void {
    const db = new Database(file);
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE feeds (name TEXT PRIMARY KEY, kind TEXT NOT NULL, origin TEXT NOT NULL,
        imported_at TEXT NOT NULL, records INTEGER NOT NULL, skipped INTEGER NOT NULL, newest_modified TEXT);
      CREATE TABLE advisories (pk INTEGER PRIMARY KEY, feed TEXT NOT NULL REFERENCES feeds(name),
        id TEXT NOT NULL, modified TEXT, published TEXT, withdrawn TEXT, summary TEXT, details TEXT,
        aliases TEXT NOT NULL, related TEXT, upstream TEXT, refs TEXT, UNIQUE (feed, id));
      CREATE INDEX advisories_by_id ON advisories (id);
      CREATE TABLE affected (advisory INTEGER NOT NULL REFERENCES advisories(pk), ecosystem TEXT NOT NULL,
        name TEXT NOT NULL, entries TEXT NOT NULL, severity TEXT NOT NULL, severity_source TEXT NOT NULL,
        cvss_type TEXT, cvss_vector TEXT, cvss_score REAL, severity_raw TEXT);
      CREATE INDEX affected_by_package ON affected (ecosystem, name);
      INSERT INTO meta VALUES ('schema_version', '1'), ('written_by', 'vigil 0.1.0');
      INSERT INTO feeds VALUES ('osv:old', 'osv', '/x', '2026-01-01T00:00:00.000Z', 0, 0, NULL);
    `);
    db.close();
  }

  test("a version-1 DB is read as it is, and migrated by the next write", async () => {
    const file = path.join(dir, "v1.db");
    v1(file);
    const old = VulnDb.open(file);
    try {
      assert.equal(old.schemaVersion, 1);
      assert.equal(old.kevFor(["CVE-2025-48384"]), undefined);
      assert.equal(old.feeds()[0]?.checkedAt, "2026-01-01T00:00:00.000Z");
    } finally {
      old.close();
    }

    await importFeeds(file, [
      sharedData("kev", "samples", "claircore-kev-2025.02.24-2entries.json"),
    ]);
    const db = new Database(file, { readonly: true });
    try {
      const history = db.prepare("SELECT version, applied_by FROM schema_history").all() as {
        version: number;
        applied_by: string;
      }[];
      assert.deepEqual(
        history.map((h) => h.version),
        [2],
      );
      assert.match(history[0]?.applied_by ?? "", /^vigil /);
      const meta = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as {
        value: string;
      };
      assert.equal(Number(meta.value), SCHEMA_VERSION);
      const old = db.prepare("SELECT sync, checked_at FROM feeds WHERE name = 'osv:old'").get();
      assert.deepEqual(old, { sync: "import", checked_at: "2026-01-01T00:00:00.000Z" });
    } finally {
      db.close();
    }
  });
});
