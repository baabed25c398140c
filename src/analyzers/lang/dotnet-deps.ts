import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import { objectOf, readJsonObject, record, unparsable } from "./common.js";

/**
 * A .NET application's `*.deps.json`, written by the build next to the
 * assemblies it runs: every `type: "package"` library is a NuGet package the
 * application loads (projects and references are its own code). The
 * libraries the application's own project names are direct.
 */
export const dotnetDepsAnalyzer: Analyzer = {
  id: "dotnet-deps",
  version: 1,
  maxBytes: 64 << 20,
  claims: (path) => path.endsWith(".deps.json"),
  analyze: ({ content }) => parseDepsJson(content),
};

export function parseDepsJson(content: Buffer): AnalyzerOutput {
  const read = readJsonObject(content);
  if ("error" in read) return unparsable("deps.json", read.error);

  const libraries = objectOf(read.value.libraries);
  const direct = projectDependencies(read.value, libraries);
  const packages: PackageRecord[] = [];
  for (const [key, value] of Object.entries(libraries)) {
    if (objectOf(value).type !== "package") continue;
    const slash = key.lastIndexOf("/");
    if (slash <= 0) continue;
    const name = key.slice(0, slash);
    packages.push(
      record("nuget", name, key.slice(slash + 1), {
        dependency: direct ? (direct.has(name) ? "direct" : "indirect") : undefined,
      }),
    );
  }
  return { packages };
}

/**
 * The names the project libraries depend on, from the runtime target's
 * entries; undefined when the file has no project library to tell by.
 */
function projectDependencies(doc: Record<string, unknown>, libraries: Record<string, unknown>) {
  const projects = Object.keys(libraries).filter((k) => objectOf(libraries[k]).type === "project");
  if (projects.length === 0) return undefined;
  const entries = Object.values(objectOf(doc.targets)).flatMap((target) =>
    projects.map((p) => objectOf(target)[p]).filter((e) => e !== undefined),
  );
  if (entries.length === 0) return undefined;
  return new Set(entries.flatMap((e) => Object.keys(objectOf(objectOf(e).dependencies))));
}
