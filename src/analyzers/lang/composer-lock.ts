import type { Analyzer, AnalyzerOutput } from "../types.js";
import { arrayOf, objectOf, readJsonObject, str, unparsable } from "./common.js";
import { composerPackages } from "./composer-installed.js";

/**
 * composer.lock: `packages` and `packages-dev`. composer.json, not the lock,
 * says which the project requires itself, so no record says `direct` (issue 4).
 */
export const composerLockAnalyzer: Analyzer = {
  id: "composer-lock",
  version: 1,
  maxBytes: 64 << 20,
  claims: (path) => path === "composer.lock" || path.endsWith("/composer.lock"),
  analyze: ({ content }) => parseComposerLock(content),
};

export function parseComposerLock(content: Buffer): AnalyzerOutput {
  const read = readJsonObject(content);
  if ("error" in read) return unparsable("composer.lock", read.error);

  const main = arrayOf(read.value.packages);
  const dev = arrayOf(read.value["packages-dev"]);
  const devNames = new Set(dev.map((p) => str(objectOf(p).name) ?? ""));
  return composerPackages([...main, ...dev], { dev: devNames, declared: true });
}
