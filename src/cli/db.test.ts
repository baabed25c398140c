// `vigil db …` and the scan's use of the DB, end to end through the real CLI,
// against a real HTTP server (and a real registry) on 127.0.0.1.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { dbFingerprint } from "../testing/db-fingerprint.js";
import { defaultRoutes, FeedServer } from "../testing/feed-server.js";
import { writeOciLayout } from "../testing/oci-builder.js";
import { repoRoot, sharedData, sharedDir } from "../testing/shared.js";

const bin = path.join(repoRoot, "bin", "vigil.js");
let dir: string;
let server: FeedServer;
let alpine = "";
let debian = "";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real CLI, asynchronously: the feed server answers from this process. */
function vigil(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const full: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: dir,
    VIGIL_CACHE_DIR: path.join(dir, "cache"),
    NO_COLOR: "1",
    ...env,
  };
  for (const name of ["VIGIL_DB", "VIGIL_MIRROR", "VIGIL_OFFLINE", "XDG_CACHE_HOME"]) {
    if (!(name in env)) delete full[name];
  }
  const child = spawn(process.execPath, [bin, ...args], { env: full });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const FEEDS = ["--ecosystems", "Debian", "--alpine-releases", "v3.4"];

/** Offline scans of a DB no test changes afterwards, each run once. */
const scans = new Map<string, Promise<Run>>();
function scan(image: string, db: string, format: "json" | "table"): Promise<Run> {
  const key = `${image}\0${db}\0${format}`;
  if (!scans.has(key))
    scans.set(key, vigil(["image", `oci:${image}`, "--db", db, "--offline", "-f", format]));
  return scans.get(key) as Promise<Run>;
}

/** Same feed files as the server's, for `vigil db import`. */
function importInputs(): string[] {
  return [
    sharedData("osv", "Debian", "all.zip"),
    sharedData("feeds", "alpine-secdb", "v3.4"),
    path.join(dir, "tracker.json"),
    sharedData("kev", "known_exploited_vulnerabilities.json"),
    sharedData("epss", "samples", "claircore-data.csv.gz"),
  ];
}

function vulnerabilities(report: string) {
  const parsed = JSON.parse(report) as {
    vulnerabilities: {
      id: string;
      package: { name: string };
      status: string;
      fixedVersion?: string;
      statusNote?: string;
      kev?: unknown;
    }[];
  };
  return parsed.vulnerabilities.map((v) => ({
    id: v.id,
    pkg: v.package.name,
    status: v.status,
    fixed: v.fixedVersion,
    note: v.statusNote,
    kev: v.kev,
  }));
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "vigil-db-cli-"));
  server = await new FeedServer(defaultRoutes(dir, ["Debian"], ["v3.4"])).start();

  // Alpine 3.4's real apk DB, plus a ghostscript older than the fix of a CVE CISA lists as exploited.
  const apk = readFileSync(sharedData("pkgdb", "apk", "trivy-apk-testdata.installed"), "utf8");
  alpine = await writeOciLayout([
    {
      entries: [
        {
          name: "etc/os-release",
          content: readFileSync(
            sharedData("pkgdb", "os-release", "claircore", "alpine", "3.4", "etc", "os-release"),
          ),
        },
        {
          name: "lib/apk/db/installed",
          content: `${apk.trimEnd()}\n\nP:ghostscript\nV:9.20-r0\nA:x86_64\no:ghostscript\n\n`,
        },
      ],
    },
  ]);

  // Debian 12 minbase's real dpkg status, plus apparmor as bookworm ships it.
  const status = readFileSync(
    sharedData("pkgdb", "dpkg", "debian-12.15-bookworm-minbase-amd64.status"),
    "utf8",
  );
  const apparmor = [
    "Package: apparmor",
    "Status: install ok installed",
    "Architecture: amd64",
    "Version: 3.0.8-3",
    "Description: user-space parser utility for AppArmor",
  ].join("\n");
  debian = await writeOciLayout([
    {
      entries: [
        {
          name: "etc/os-release",
          content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
        },
        { name: "var/lib/dpkg/status", content: `${status.trimEnd()}\n\n${apparmor}\n` },
      ],
    },
  ]);
});

after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("vigil db update, status and a scan", () => {
  const updated = () => path.join(dir, "updated.db");

  test("update downloads every feed; status shows each feed's source and freshness", async () => {
    const r = await vigil(["db", "--db", updated(), "update", "--mirror", server.url, ...FEEDS]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /6 downloaded; [\d.]+ MB downloaded/);
    assert.match(
      r.stderr,
      /info: feed feed=kev outcome=downloaded/,
      "plain log lines off a terminal",
    );

    const status = await vigil(["db", "--db", updated(), "status"]);
    assert.match(status.stdout, /schema 2, written by vigil/);
    assert.match(
      status.stdout,
      new RegExp(`kev: 1404 records, last success .* from ${server.url}/kev/`),
    );

    const json = JSON.parse(
      (await vigil(["db", "--db", updated(), "status", "--json"])).stdout,
    ) as {
      schemaVersion: number;
      feeds: {
        name: string;
        sha256?: string;
        source?: string;
        ageSeconds: number;
        stale: boolean;
      }[];
    };
    assert.equal(json.schemaVersion, 2);
    assert.deepEqual(
      json.feeds.map((f) => f.name),
      [
        "alpine-secdb:v3.4/community",
        "alpine-secdb:v3.4/main",
        "debian-tracker",
        "epss",
        "kev",
        "osv:Debian",
      ],
    );
    for (const f of json.feeds) {
      assert.match(f.sha256 ?? "", /^[0-9a-f]{64}$/);
      assert.equal(f.stale, false);
    }
  });

  test("a scan after update finds what a scan after `db import` of the same files finds", async () => {
    const imported = path.join(dir, "imported.db");
    const imp = await vigil(["db", "--db", imported, "import", ...importInputs()]);
    assert.equal(imp.code, 0, imp.stderr);

    for (const image of [alpine, debian]) {
      const [a, b] = await Promise.all([
        scan(image, updated(), "json"),
        scan(image, imported, "json"),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.deepEqual(vulnerabilities(a.stdout), vulnerabilities(b.stdout));
      assert.ok(vulnerabilities(a.stdout).length > 0);
    }
  });

  test("KEV and Debian's status notes show in the JSON and the table", async () => {
    const json = await scan(alpine, updated(), "json");
    const ghost = vulnerabilities(json.stdout).find((v) => v.id === "CVE-2017-8291");
    assert.deepEqual(ghost?.kev, {
      dateAdded: "2022-05-24",
      dueDate: "2022-06-14",
      ransomware: "Unknown",
    });
    const table = await scan(alpine, updated(), "table");
    assert.match(table.stdout, /ghostscript .*CVE-2017-8291 .*KEV 2022-05-24/);

    const deb = vulnerabilities((await scan(debian, updated(), "json")).stdout);
    const unimportant = deb.find((v) => v.id === "CVE-2016-1585");
    assert.equal(unimportant?.status, "affected");
    assert.match(unimportant?.note ?? "", /^unimportant: /);
    const debTable = await scan(debian, updated(), "table");
    assert.match(debTable.stdout, /apparmor .*CVE-2016-1585 .*affected: unimportant/);
  });
});

describe("scans and DB freshness", () => {
  test("no DB and --offline: exit 2 with a hint", async () => {
    const r = await vigil([
      "image",
      `oci:${alpine}`,
      "--db",
      path.join(dir, "none.db"),
      "--offline",
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--offline.*vigil db update/);
  });

  test("no DB: the scan downloads the feeds first (VIGIL_MIRROR)", async () => {
    const db = path.join(dir, "auto.db");
    const r = await vigil(["image", `oci:${alpine}`, "--db", db, "-f", "json"], {
      VIGIL_MIRROR: server.url,
      VIGIL_ECOSYSTEMS: "Debian",
      VIGIL_ALPINE_RELEASES: "v3.4",
    });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(vulnerabilities(r.stdout).some((v) => v.id === "CVE-2017-8291"));
  });

  test("parallel scans on one empty cache: one downloads, the others wait for it and scan", async () => {
    const cacheDir = path.join(dir, "parallel-cache");
    const env = {
      VIGIL_CACHE_DIR: cacheDir,
      VIGIL_MIRROR: server.url,
      VIGIL_ECOSYSTEMS: "Debian",
      VIGIL_ALPINE_RELEASES: "v3.4",
    };
    const downloads = () => server.log.filter((r) => r.path.endsWith("all.zip")).length;
    const before = downloads();
    const runs = await Promise.all(
      Array.from({ length: 6 }, () => vigil(["image", `oci:${alpine}`, "-f", "json"], env)),
    );
    for (const r of runs) assert.equal(r.code, 0, r.stderr);
    const ids = runs.map((r) =>
      JSON.stringify(
        vulnerabilities(r.stdout)
          .map((v) => v.id)
          .sort(),
      ),
    );
    assert.equal(new Set(ids).size, 1);
    assert.ok(ids[0]?.includes("CVE-2017-8291"));
    // One process downloaded the feeds; the others used its DB.
    assert.equal(downloads() - before, 1);
  });

  test("stale data offline is used with a warning", async () => {
    const r = await vigil([
      "image",
      `oci:${alpine}`,
      "--db",
      path.join(dir, "updated.db"),
      "--offline",
      "--db-max-age",
      "0s",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warn: vulnerability data is .* old; --offline/);
    assert.match(r.stderr, /warn: \d+ feed\(s\) older than the --db-max-age threshold/);
  });
});

describe("air-gapped: export, import of a file or URL, OCI push and pull", () => {
  test("export to one file, import it elsewhere: the same answers", async () => {
    const file = path.join(dir, "vigil-db.gz");
    const out = await vigil(["db", "--db", path.join(dir, "updated.db"), "export", file]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /sha256 [0-9a-f]{64}/);

    const copy = path.join(dir, "from-export.db");
    const imp = await vigil(["db", "--db", copy, "import", file]);
    assert.equal(imp.code, 0, imp.stderr);
    assert.equal(dbFingerprint(copy), dbFingerprint(path.join(dir, "updated.db")));
  });

  test("import from a URL", async () => {
    const db = path.join(dir, "url.db");
    const r = await vigil([
      "db",
      "--db",
      db,
      "import",
      `${server.url}/osv/Debian/all.zip`,
      `${server.url}/kev/known_exploited_vulnerabilities.json`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /osv:Debian: 1 records/);
    assert.match(r.stdout, /kev: 1404 records/);
  });

  test("push to and pull from a real registry", async (t) => {
    const script = path.join(sharedDir(), "corpus", "build-corpus.sh");
    const port = String(15000 + (process.pid % 1000));
    const env = {
      ...process.env,
      CORPUS_REGISTRY_PORT: port,
      CORPUS_REGISTRY_DIR: path.join(dir, "registry"),
    };
    execFileSync("bash", [script, "registry-start"], { env, stdio: "ignore" });
    t.after(() => {
      execFileSync("bash", [script, "registry-stop"], { env, stdio: "ignore" });
    });

    const ref = `oci://127.0.0.1:${port}/vigil/db:test`;
    const push = await vigil(["db", "--db", path.join(dir, "updated.db"), "push", ref]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /@sha256:[0-9a-f]{64}/);

    const pulled = path.join(dir, "pulled.db");
    const pull = await vigil(["db", "--db", pulled, "pull", ref]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(dbFingerprint(pulled), dbFingerprint(path.join(dir, "updated.db")));

    const wrong = await vigil([
      "db",
      "--db",
      pulled,
      "pull",
      `oci://127.0.0.1:${port}/vigil/none:x`,
    ]);
    assert.equal(wrong.code, 2);
  });
});
