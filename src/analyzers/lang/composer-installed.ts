import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import {
  arrayOf,
  isObject,
  licensesOf,
  malformed,
  objectOf,
  readJson,
  record,
  str,
  unparsable,
  type Warning,
} from "./common.js";

/**
 * What Composer installed under vendor/: `vendor/composer/installed.json`,
 * an array of packages (Composer 1) or `{packages: [...]}` (Composer 2, which
 * also names the development-only ones in `dev-package-names`).
 */
export const composerInstalledAnalyzer: Analyzer = {
  id: "composer-installed",
  version: 1,
  maxBytes: 64 << 20,
  claims: (path) =>
    path === "vendor/composer/installed.json" || path.endsWith("/vendor/composer/installed.json"),
  analyze: ({ content }) => parseComposerInstalled(content),
};

export function parseComposerInstalled(content: Buffer): AnalyzerOutput {
  const read = readJson(content);
  if ("error" in read) return unparsable("installed.json", read.error);

  const doc = read.value;
  const list = Array.isArray(doc) ? doc : isObject(doc) ? doc.packages : undefined;
  if (!Array.isArray(list)) return unparsable("installed.json", "no package list");

  const dev = new Set(arrayOf(objectOf(doc)["dev-package-names"]).map(String));
  return composerPackages(list, { dev });
}

/** Composer package objects, as installed.json and composer.lock both write them. */
export function composerPackages(
  list: unknown[],
  opts: { dev: Set<string>; declared?: boolean },
): AnalyzerOutput {
  const packages: PackageRecord[] = [];
  const warnings: Warning[] = [];
  for (const [i, item] of list.entries()) {
    const entry = objectOf(item);
    const name = str(entry.name);
    const version = str(entry.version);
    if (!name || !version) {
      warnings.push(malformed(`package ${i + 1} has no name or version`));
      continue;
    }
    const metadata: Record<string, string> = opts.dev.has(name) ? { dev: "true" } : {};
    packages.push(
      record("composer", name, version, {
        licenses: licensesOf(entry.license),
        declared: opts.declared,
        metadata,
      }),
    );
  }
  return { packages, warnings };
}
