import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import {
  arrayOf,
  malformed,
  objectOf,
  readTomlObject,
  record,
  str,
  unparsable,
  type Warning,
} from "./common.js";

/**
 * poetry.lock: one `[[package]]` table per locked distribution. Which of them
 * the project names lives in pyproject.toml, so no record says `direct` (issue 4);
 * Poetry before 1.5 marked development packages with `category = "dev"`.
 */
export const poetryLockAnalyzer: Analyzer = {
  id: "poetry-lock",
  version: 1,
  maxBytes: 32 << 20,
  claims: (path) => path === "poetry.lock" || path.endsWith("/poetry.lock"),
  analyze: ({ content }) => parsePoetryLock(content),
};

export function parsePoetryLock(content: Buffer): AnalyzerOutput {
  const read = readTomlObject(content);
  if ("error" in read) return unparsable("poetry.lock", read.error);

  const packages: PackageRecord[] = [];
  const warnings: Warning[] = [];
  for (const [i, item] of arrayOf(read.value.package).entries()) {
    const entry = objectOf(item);
    const name = str(entry.name);
    const version = str(entry.version);
    if (!name || !version) {
      warnings.push(malformed(`package ${i + 1} has no name or version`));
      continue;
    }
    // A path dependency is the project's own code.
    if (str(objectOf(entry.source).type) === "directory") continue;
    const metadata: Record<string, string> = entry.category === "dev" ? { dev: "true" } : {};
    packages.push(record("pypi", name, version, { declared: true, metadata }));
  }
  return { packages, warnings };
}
