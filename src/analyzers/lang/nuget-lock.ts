import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import { objectOf, readJsonObject, record, str, uniqueRecords, unparsable } from "./common.js";

/**
 * NuGet's packages.lock.json: per target framework, each package with its
 * `type` (`Direct`, `Transitive`, `CentralTransitive`; `Project` entries are
 * the solution's own projects) and `resolved` version.
 */
export const nugetLockAnalyzer: Analyzer = {
  id: "nuget-lock",
  version: 1,
  maxBytes: 32 << 20,
  claims: (path) => path === "packages.lock.json" || path.endsWith("/packages.lock.json"),
  analyze: ({ content }) => parseNugetLock(content),
};

export function parseNugetLock(content: Buffer): AnalyzerOutput {
  const read = readJsonObject(content);
  if ("error" in read) return unparsable("packages.lock.json", read.error);

  const packages: PackageRecord[] = [];
  for (const framework of Object.values(objectOf(read.value.dependencies))) {
    for (const [name, value] of Object.entries(objectOf(framework))) {
      const entry = objectOf(value);
      const version = str(entry.resolved);
      if (!version || entry.type === "Project") continue;
      const dependency = entry.type === "Direct" ? "direct" : "indirect";
      packages.push(record("nuget", name, version, { dependency, declared: true }));
    }
  }
  return { packages: uniqueRecords(packages) };
}
