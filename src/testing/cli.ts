// Test-only: the real CLI in a child process, with its home and cache in
// temp dirs, stdout not a terminal, and no network.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./shared.js";
import { tempDir } from "./tmp.js";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cliRunner(): { run: (...args: string[]) => CliRun; cache: string; home: string } {
  const bin = path.join(repoRoot, "bin", "vigil.js");
  const home = tempDir("vigil-home-");
  const cache = tempDir("vigil-cache-");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    VIGIL_CACHE_DIR: cache,
    NO_COLOR: "1",
    VIGIL_OFFLINE: "1",
  };
  delete env.VIGIL_DB;
  delete env.VIGIL_POLICY;
  delete env.XDG_CACHE_HOME;

  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      env,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  return { run, cache, home };
}

/** The single `vigil: error: …` line a failure prints. */
export function oneLineError(stderr: string): string {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  assert.match(lines[0] as string, /^vigil: error: /);
  return lines[0] as string;
}
