import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import {
  isObject,
  type JsonObject,
  malformed,
  objectOf,
  readYamlObjects,
  record,
  str,
  uniqueRecords,
  unparsable,
  type Warning,
} from "./common.js";

/**
 * pnpm-lock.yaml, lockfile versions 5.x to 9.0. Package keys changed form
 * over the versions: `/name/1.0.0_peer@2` (5.x), `/name@1.0.0(peer@2)` (6.x),
 * `name@1.0.0` (9.0). The importers (the project, and each workspace
 * package) name the direct dependencies. pnpm 11 and later may write a first
 * YAML document of its own (config dependencies); every document is read.
 */
export const pnpmLockAnalyzer: Analyzer = {
  id: "pnpm-lock",
  version: 1,
  maxBytes: 64 << 20,
  claims: (path) => path === "pnpm-lock.yaml" || path.endsWith("/pnpm-lock.yaml"),
  analyze: ({ content }) => parsePnpmLock(content),
};

const IMPORTER_FIELDS = [
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "configDependencies",
  "packageManagerDependencies",
];

export function parsePnpmLock(content: Buffer): AnalyzerOutput {
  const read = readYamlObjects(content);
  if ("error" in read) return unparsable("pnpm-lock.yaml", read.error);
  if (read.value.length === 0) return unparsable("pnpm-lock.yaml", "no YAML document");

  const packages: PackageRecord[] = [];
  const warnings: Warning[] = [];
  for (const doc of read.value) {
    const legacy = Number.parseFloat(str(doc.lockfileVersion) ?? "9") < 6;
    const direct = directDependencies(doc, legacy);
    for (const [key, value] of Object.entries(objectOf(doc.packages))) {
      const pkg = packageRecord(key, objectOf(value), legacy, direct);
      if (pkg === "local") continue;
      if (pkg) packages.push(pkg);
      else warnings.push(malformed(`package "${key}" has no name or version`));
    }
  }
  return { packages: uniqueRecords(packages), warnings };
}

function packageRecord(
  key: string,
  entry: JsonObject,
  legacy: boolean,
  direct: Set<string>,
): PackageRecord | "local" | undefined {
  // A workspace folder or `file:` dependency is the project's own code.
  if (str(objectOf(entry.resolution).directory)) return "local";
  const parsed = parseKey(key, legacy);
  const name = str(entry.name) ?? parsed?.name;
  const version = str(entry.version) ?? parsed?.version;
  if (!name || !version) return undefined;

  const id = `${name}@${version}`;
  const metadata: Record<string, string> = entry.dev === "true" ? { dev: "true" } : {};
  return record("npm", name, version, {
    dependency: direct.has(id) ? "direct" : "indirect",
    declared: true,
    metadata,
  });
}

/** `name@version` of every package an importer names, with peer suffixes dropped. */
function directDependencies(doc: JsonObject, legacy: boolean): Set<string> {
  // Before importers existed (a single project), their fields sat at the top.
  const importers = isObject(doc.importers) ? Object.values(doc.importers) : [doc];
  const direct = new Set<string>();
  for (const importer of importers.map(objectOf)) {
    for (const field of IMPORTER_FIELDS) {
      for (const [name, value] of Object.entries(objectOf(importer[field]))) {
        // 6.0 and later: `{specifier, version}`; 5.x: the version alone.
        const version = str(value) ?? str(objectOf(value).version);
        const resolved = version && importedVersion(name, version, legacy);
        if (resolved) direct.add(`${resolved.name}@${resolved.version}`);
      }
    }
  }
  return direct;
}

/** An importer's version is plain (`1.0.0`), or a package key for an alias (`/ms@2.0.0`). */
function importedVersion(name: string, version: string, legacy: boolean) {
  if (/^(?:link|file|workspace):/.test(version)) return undefined;
  const alias = version.startsWith("/") || (!legacy && dropPeers(version).includes("@"));
  if (alias) return parseKey(version, legacy);
  return { name, version: dropPeers(version) };
}

/** Splits a package key into name and version; undefined when it is neither form. */
function parseKey(key: string, legacy: boolean): { name: string; version: string } | undefined {
  const bare = key.startsWith("/") ? key.slice(1) : key;
  const split = legacy ? bare.lastIndexOf("/") : bare.indexOf("@", 1);
  if (split <= 0) return undefined;
  const name = bare.slice(0, split);
  const version = dropPeers(bare.slice(split + 1));
  return name && version ? { name, version } : undefined;
}

/** `1.0.0(react@18.2.0)` (6.0+) and `1.0.0_react@18.2.0` (5.x) are both version 1.0.0. */
function dropPeers(version: string): string {
  return version.replace(/\(.*$/, "").replace(/_.*$/, "");
}
