import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import {
  isObject,
  type JsonObject,
  malformed,
  objectOf,
  readText,
  readYamlObjects,
  record,
  str,
  uniqueRecords,
  unparsable,
  type Warning,
} from "./common.js";

/**
 * yarn.lock, both forms: classic (v1, yarn's own indented format) and berry
 * (yarn 2 and later, YAML with a `__metadata` entry). Berry lists the
 * project's workspaces with the ranges they name, so its records say which
 * dependencies are direct; classic does not say (package.json would; issue 4).
 */
export const yarnLockAnalyzer: Analyzer = {
  id: "yarn-lock",
  version: 1,
  maxBytes: 64 << 20,
  claims: (path) => path === "yarn.lock" || path.endsWith("/yarn.lock"),
  analyze: ({ content }) => parseYarnLock(content),
};

export function parseYarnLock(content: Buffer): AnalyzerOutput {
  const read = readText(content);
  if ("error" in read) return unparsable("yarn.lock", read.error);
  return /^__metadata:/m.test(read.text) ? parseBerry(content) : parseClassic(read.text);
}

/** `name@range` → name, for `@scope/name@range` too. */
function nameOfDescriptor(descriptor: string): string | undefined {
  const at = descriptor.indexOf("@", 1);
  return at > 0 ? descriptor.slice(0, at) : undefined;
}

/**
 * Classic entries: a line of comma-separated descriptors ending in `:`, then
 * indented `key value` fields. An alias is written `alias@npm:real@range`.
 */
function parseClassic(text: string): AnalyzerOutput {
  const packages: PackageRecord[] = [];
  const warnings: Warning[] = [];
  let entry: { descriptors: string[]; version?: string; line: number } | undefined;

  const finish = () => {
    if (!entry) return;
    const pkg = classicRecord(entry.descriptors, entry.version);
    if (pkg) packages.push(pkg);
    else
      warnings.push(
        malformed(`entry "${entry.descriptors[0]}" has no name or version`, entry.line),
      );
  };

  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, "");
    if (line.trim() === "" || line.startsWith("#")) continue;
    if (!line.startsWith(" ")) {
      finish();
      entry = { descriptors: splitDescriptors(line.replace(/:$/, "")), line: i + 1 };
      continue;
    }
    const field = /^ {2}version:? +"?([^"]+)"?$/.exec(line);
    if (field && entry) entry.version = field[1];
  }
  finish();
  return { packages: uniqueRecords(packages), warnings };
}

function splitDescriptors(line: string): string[] {
  return line.split(",").map((d) => d.trim().replace(/^"|"$/g, ""));
}

function classicRecord(descriptors: string[], version: string | undefined) {
  const first = descriptors[0] ?? "";
  const installed = nameOfDescriptor(first);
  if (!installed || !version) return undefined;

  const range = first.slice(installed.length + 1);
  // Local folders and tarballs are the project's own code.
  if (/^(?:file|link|workspace|portal):/.test(range)) return undefined;
  const alias = range.startsWith("npm:") ? nameOfDescriptor(range.slice(4)) : undefined;
  const metadata: Record<string, string> =
    alias && alias !== installed ? { installedAs: installed } : {};
  return record("npm", alias ?? installed, version, { declared: true, metadata });
}

/** Protocols of packages that come from the project itself, or patch another entry. */
const LOCAL = new Set(["workspace", "link", "portal", "file", "patch", "exec"]);

function parseBerry(content: Buffer): AnalyzerOutput {
  const read = readYamlObjects(content);
  if ("error" in read) return unparsable("yarn.lock", read.error);
  const lock = read.value[0] ?? {};

  const entries = Object.entries(lock).filter(
    (e): e is [string, JsonObject] => e[0] !== "__metadata" && isObject(e[1]),
  );
  const direct = workspaceDescriptors(entries);
  const packages: PackageRecord[] = [];
  const warnings: Warning[] = [];

  for (const [key, value] of entries) {
    const resolution = str(value.resolution) ?? "";
    const name = nameOfDescriptor(resolution);
    const protocol = name ? resolution.slice(name.length + 1).split(":")[0] : undefined;
    const version = str(value.version);
    if (!name || !version) {
      warnings.push(malformed(`entry "${key}" has no resolution or version`));
      continue;
    }
    if (protocol && LOCAL.has(protocol)) continue;

    const descriptors = splitDescriptors(key);
    const isDirect = descriptors.some((d) => direct.has(d));
    const aliases = descriptors.map(nameOfDescriptor).filter((n) => n && n !== name);
    const metadata: Record<string, string> =
      aliases.length > 0 ? { installedAs: aliases.join(",") } : {};
    packages.push(
      record("npm", name, version, {
        dependency: isDirect ? "direct" : "indirect",
        declared: true,
        metadata,
      }),
    );
  }
  return { packages: uniqueRecords(packages), warnings };
}

/** The `name@range` descriptors the workspaces name: the project's direct dependencies. */
function workspaceDescriptors(entries: [string, JsonObject][]): Set<string> {
  const named = new Set<string>();
  for (const [, entry] of entries) {
    if (!str(entry.resolution)?.includes("@workspace:")) continue;
    for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
      for (const [dep, range] of Object.entries(objectOf(entry[field]))) {
        if (typeof range === "string") named.add(`${dep}@${range}`);
      }
    }
  }
  return named;
}
