import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import { objectOf, readJsonObject, record, str, unparsable } from "./common.js";

/**
 * Pipfile.lock: `default` and `develop` maps of name to `{version: "==1.2.3"}`.
 * The Pipfile, not the lock, says which the project names, so no record says
 * `direct` (issue 4). Entries without a pinned version (editable or VCS checkouts) are
 * the project's own or unversioned, and are passed over.
 */
export const pipfileLockAnalyzer: Analyzer = {
  id: "pipfile-lock",
  version: 1,
  maxBytes: 32 << 20,
  claims: (path) => path === "Pipfile.lock" || path.endsWith("/Pipfile.lock"),
  analyze: ({ content }) => parsePipfileLock(content),
};

export function parsePipfileLock(content: Buffer): AnalyzerOutput {
  const read = readJsonObject(content);
  if ("error" in read) return unparsable("Pipfile.lock", read.error);

  const packages: PackageRecord[] = [];
  for (const section of ["default", "develop"]) {
    for (const [name, value] of Object.entries(objectOf(read.value[section]))) {
      const version = str(objectOf(value).version)?.replace(/^===?/, "");
      if (!version) continue;
      const metadata: Record<string, string> = section === "develop" ? { dev: "true" } : {};
      packages.push(record("pypi", name, version, { declared: true, metadata }));
    }
  }
  return { packages };
}
