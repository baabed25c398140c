// Test-only: the real binaries and jars scripts/make-binary-fixtures.sh builds
// from Debian's packages into a cache directory (once; about a minute, as
// root, the first time), and the package versions it used.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./shared.js";

let built: string | undefined;

export function binaryFixtures(): string {
  if (built) return built;
  const script = path.join(repoRoot, "scripts", "make-binary-fixtures.sh");
  const run = spawnSync("bash", [script], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (run.status !== 0) throw new Error(`${script} failed (exit ${run.status})`);
  built = run.stdout.trim().split("\n").pop() as string;
  return built;
}

export function fixture(...parts: string[]): string {
  return path.join(binaryFixtures(), ...parts);
}

/** The upstream version of a Debian package the fixtures came from (`1:1.2.3-4` → `1.2.3`). */
export function upstreamVersion(pkg: string): string {
  const lines = readFileSync(fixture("PACKAGES.txt"), "utf8").split("\n");
  const line = lines.find((l) => l.startsWith(`Package: ${pkg} `));
  const m = line && /Version: (?:\d+:)?([^-~+\s]+)/.exec(line);
  if (!m) throw new Error(`${pkg} is not in the fixtures' PACKAGES.txt`);
  return m[1] as string;
}
