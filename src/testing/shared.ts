// Test-only helpers for finding the team's shared data and the corpus images.
// Tests read ../shared in place (it is read-only) instead of copying it.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: dist/testing/ or src/testing/ sit two levels below it. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** `../shared` beside the clone, or VIGIL_SHARED_DIR. */
export function sharedDir(): string {
  const dir = process.env.VIGIL_SHARED_DIR ?? path.resolve(repoRoot, "../shared");
  if (!existsSync(path.join(dir, "data"))) {
    throw new Error(`shared data not found at ${dir}: set VIGIL_SHARED_DIR`);
  }
  return dir;
}

export function sharedData(...parts: string[]): string {
  return path.join(sharedDir(), "data", ...parts);
}

/** Where scripts/ensure-corpus.sh builds the corpus images (outside the clone). */
export function corpusDir(): string {
  return process.env.VIGIL_CORPUS_DIR ?? path.join(homedir(), ".cache", "vigil-corpus", "out");
}

/**
 * Reads a TAB-separated vector file with one header line. Fields are exact:
 * no trimming, an empty field is the empty string (see version-vectors/SOURCES.md).
 */
export function readTsv(file: string): Record<string, string>[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const header = (lines.shift() ?? "").split("\t");
  const rows: Record<string, string>[] = [];
  for (const line of lines) {
    if (line === "") continue;
    const fields = line.split("\t");
    const row: Record<string, string> = {};
    header.forEach((name, i) => (row[name] = fields[i] ?? ""));
    rows.push(row);
  }
  return rows;
}
