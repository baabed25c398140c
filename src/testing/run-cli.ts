// Test-only: the real CLI in a child process, asynchronously, so servers in
// the test process can answer it; with a HOME of its own, so no credentials
// or caches of the machine's user are read.
import { spawn } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./shared.js";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface CliOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  stdin?: string;
}

const bin = path.join(repoRoot, "bin", "vigil.js");

export function runVigil(args: string[], opts: CliOptions): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: opts.home, NO_COLOR: "1" };
  for (const name of Object.keys(env)) {
    if (name.startsWith("VIGIL_") || name === "DOCKER_CONFIG" || name === "XDG_CACHE_HOME") {
      delete env[name];
    }
  }
  Object.assign(env, { VIGIL_CACHE_DIR: path.join(opts.home, "cache") }, opts.env);

  const started = Date.now();
  const child = spawn(process.execPath, [bin, ...args], { env });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(opts.stdin ?? "");
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}
