import type { PackageRecord } from "../../inventory/types.js";
import { pep503Name } from "../../inventory/names.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import {
  arrayOf,
  type JsonObject,
  malformed,
  objectOf,
  readTomlObject,
  record,
  str,
  unparsable,
  type Warning,
} from "./common.js";

/**
 * uv.lock: one `[[package]]` per distribution, the project itself among them
 * (its source `editable` or `virtual`). What the project packages list as
 * dependencies, development groups included, are the direct ones; the
 * projects themselves are not reported.
 */
export const uvLockAnalyzer: Analyzer = {
  id: "uv-lock",
  version: 1,
  maxBytes: 32 << 20,
  claims: (path) => path === "uv.lock" || path.endsWith("/uv.lock"),
  analyze: ({ content }) => parseUvLock(content),
};

const LOCAL_SOURCES = ["editable", "virtual", "directory", "path"];

export function parseUvLock(content: Buffer): AnalyzerOutput {
  const read = readTomlObject(content);
  if ("error" in read) return unparsable("uv.lock", read.error);

  const entries = arrayOf(read.value.package).map(objectOf);
  const isLocal = (e: JsonObject) => LOCAL_SOURCES.some((s) => s in objectOf(e.source));
  const direct = new Set(entries.filter(isLocal).flatMap(namedDependencies));

  const packages: PackageRecord[] = [];
  const warnings: Warning[] = [];
  for (const [i, entry] of entries.entries()) {
    const name = str(entry.name);
    const version = str(entry.version);
    if (isLocal(entry)) continue;
    if (!name || !version) {
      warnings.push(malformed(`package ${i + 1} has no name or version`));
      continue;
    }
    const dependency = direct.has(pep503Name(name)) ? "direct" : "indirect";
    packages.push(record("pypi", name, version, { dependency, declared: true }));
  }
  return { packages, warnings };
}

/** The names a project package depends on: its dependencies, extras and development groups. */
function namedDependencies(project: JsonObject): string[] {
  const groups = [
    project.dependencies,
    ...Object.values(objectOf(project["optional-dependencies"])),
    ...Object.values(objectOf(project["dev-dependencies"])),
  ];
  return groups
    .flatMap(arrayOf)
    .map((d) => str(objectOf(d).name))
    .filter((n): n is string => n !== undefined)
    .map(pep503Name);
}
