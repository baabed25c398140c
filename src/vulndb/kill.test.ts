// Kills a DB update (a real child process, SIGKILL) at random moments while
// it downloads from a real local server and builds the DB, and checks after
// each kill that the DB opens and answers exactly as before the update or
// exactly as after it, never something in between.
//
// note: the killed runs call updateDb in a bare Node process rather than
// through the CLI, whose start-up (a second on a busy machine) would take
// most of each run; the runs before and after are the real `vigil db update`.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { dbFingerprint } from "../testing/db-fingerprint.js";
import { defaultRoutes, FeedServer } from "../testing/feed-server.js";
import { repoRoot, sharedData } from "../testing/shared.js";
import { VulnDb } from "./db.js";
import { importFeeds } from "./import.js";

const ECOSYSTEMS = ["npm", "Debian"];
const ALPINE = ["v3.10"];
const ROUNDS = 10;

let dir: string;
let server: FeedServer;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "vigil-kill-"));
  server = await new FeedServer(defaultRoutes(dir, ECOSYSTEMS, ALPINE)).start();
});
after(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `vigil db update` on `db`; kills it after `killAfterMs` unless undefined. */
function update(db: string, killAfterMs?: number): Promise<{ code: number | null; ms: number }> {
  const args = [
    "db",
    "--db",
    db,
    "--log-level",
    "error",
    "update",
    "--mirror",
    server.url,
    "--ecosystems",
    ECOSYSTEMS.join(","),
    "--alpine-releases",
    ALPINE.join(","),
  ];
  return run(args, killAfterMs);
}

/** updateDb with the same options as `update`, in a bare Node process. */
function bareUpdate(
  db: string,
  killAfterMs?: number,
): Promise<{ code: number | null; ms: number }> {
  const module = path.join(repoRoot, "dist", "vulndb", "update.js");
  const opts = { mirror: server.url, ecosystems: ECOSYSTEMS, alpineReleases: ALPINE };
  const script = `import(${JSON.stringify(module)}).then((m) => m.updateDb(${JSON.stringify(db)}, ${JSON.stringify(opts)}))`;
  return spawnNode(["--input-type=module", "-e", script], killAfterMs);
}

function run(args: string[], killAfterMs?: number): Promise<{ code: number | null; ms: number }> {
  return spawnNode([path.join(repoRoot, "bin", "vigil.js"), ...args], killAfterMs);
}

function spawnNode(
  argv: string[],
  killAfterMs?: number,
): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, argv, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  if (killAfterMs !== undefined) setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) => {
      if (killAfterMs === undefined && code !== 0) reject(new Error(`update failed: ${stderr}`));
      resolve({ code, ms: Date.now() - started });
    });
  });
}

/** Opens the DB as a scan would and asks it something, then fingerprints it. */
function answers(db: string): string {
  const vulnDb = VulnDb.open(db);
  try {
    vulnDb.advisoriesFor(["Alpine:v3.4"], "musl");
    vulnDb.feeds();
  } finally {
    vulnDb.close();
  }
  return dbFingerprint(db);
}

test(`killing db update at ${ROUNDS} random moments leaves the DB as before or as after`, async () => {
  const initial = path.join(dir, "initial.db");
  await importFeeds(initial, [sharedData("feeds", "alpine-secdb", "v3.4", "main.json")]);
  const beforeFp = answers(initial);

  const complete = path.join(dir, "complete.db");
  copyFileSync(initial, complete);
  await update(complete);
  const { ms } = await bareUpdate(path.join(dir, "timed.db"));
  const afterFp = answers(complete);
  assert.notEqual(afterFp, beforeFp);

  const work = path.join(dir, "work.db");
  const seen = { before: 0, after: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    copyFileSync(initial, work);
    // Half the rounds start with no downloads kept, so kills land mid-download too.
    if (round % 2 === 0) rmSync(`${work}.downloads`, { recursive: true, force: true });
    const delay = Math.floor(Math.random() * ms * 1.2);
    await bareUpdate(work, delay);

    const fp = answers(work);
    assert.ok(fp === beforeFp || fp === afterFp, `round ${round}: killed after ${delay} ms`);
    seen[fp === beforeFp ? "before" : "after"]++;
  }

  // The next update cleans up after the killed ones and completes.
  copyFileSync(initial, work);
  await update(work);
  assert.equal(answers(work), afterFp);
  const left = readdirSync(dir).filter((f) => f.startsWith("work.db") && f !== "work.db");
  assert.deepEqual(left, ["work.db.downloads"]);
  assert.equal(seen.before + seen.after, ROUNDS);
});
