// Helpers the language catalogers share: reading a claimed file as text or
// JSON without trusting it, and the warning a file that does not parse becomes.
import { parse as parseToml } from "smol-toml";
import type * as Yaml from "yaml";
import type { PackageRecord, PackageType } from "../../inventory/types.js";
import { looksBinary } from "../../util/binary.js";
import type { AnalyzerOutput } from "../types.js";
import { lazyRequire } from "../../util/lazy-require.js";

export type Warning = NonNullable<AnalyzerOutput["warnings"]>[number];
export type JsonObject = Record<string, unknown>;

/** The whole file could not be read as the format its name claims. */
export function unparsable(format: string, why: string): AnalyzerOutput {
  return { warnings: [{ code: "UNPARSABLE_FILE", message: `not a valid ${format}: ${why}` }] };
}

export function malformed(message: string, line?: number): Warning {
  return line === undefined
    ? { code: "MALFORMED_ENTRY", message }
    : { code: "MALFORMED_ENTRY", message, line };
}

/** UTF-8 text without a byte-order mark, or why the bytes are not text. */
export function readText(content: Buffer): { text: string } | { error: string } {
  if (looksBinary(content)) return { error: "binary content (a NUL byte)" };
  const text = content.toString("utf8");
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

/** A JSON object, or why the file is not one. */
export function readJsonObject(content: Buffer): { value: JsonObject } | { error: string } {
  const read = readText(content);
  if ("error" in read) return read;
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  return isObject(value) ? { value } : { error: "the top level is not an object" };
}

/** A JSON document of any shape (composer's installed.json v1 is an array). */
export function readJson(content: Buffer): { value: unknown } | { error: string } {
  const read = readText(content);
  if ("error" in read) return read;
  try {
    return { value: JSON.parse(read.text) as unknown };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

/** Every YAML document of the file (pnpm 10 writes two), each as an object. */
export function readYamlObjects(content: Buffer): { value: JsonObject[] } | { error: string } {
  const read = readText(content);
  if ("error" in read) return read;
  // Every scalar stays a string (`version: 1.10` is not the number 1.1), and
  // a small alias cap stops "billion laughs" expansion: lockfiles need none.
  // Loaded on the first pnpm lock, not on every start of the CLI.
  const { parseAllDocuments } = lazyRequire<typeof Yaml>("yaml");
  const docs = parseAllDocuments(read.text, { schema: "failsafe" });
  const values: JsonObject[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) return { error: error.message.split("\n")[0] ?? "YAML error" };
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
    if (value === null || value === undefined) continue;
    if (!isObject(value)) return { error: "a document is not a mapping" };
    values.push(value);
  }
  return { value: values };
}

export function readTomlObject(content: Buffer): { value: JsonObject } | { error: string } {
  const read = readText(content);
  if ("error" in read) return read;
  try {
    return { value: parseToml(read.text) as JsonObject };
  } catch (err) {
    return { error: (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "" };
  }
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A non-empty string, or undefined for anything else. */
export function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

export function objectOf(v: unknown): JsonObject {
  return isObject(v) ? v : {};
}

export function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Licenses as package manifests write them: a string (an SPDX expression or a
 * name), a list of strings, or the old `{type, url}` objects npm and composer
 * once used, alone or in a list.
 */
export function licensesOf(...fields: unknown[]): string[] | undefined {
  const found: string[] = [];
  for (const field of fields) {
    for (const item of Array.isArray(field) ? field : [field]) {
      const name = str(item) ?? (isObject(item) ? (str(item.type) ?? str(item.name)) : undefined);
      if (name && !found.includes(name)) found.push(name);
    }
  }
  return found.length > 0 ? found : undefined;
}

/** A record with only the fields that have a value, so outputs compare cleanly. */
export function record(
  type: PackageType,
  name: string,
  version: string,
  extra: Omit<PackageRecord, "type" | "name" | "version"> = {},
): PackageRecord {
  const given = Object.entries(extra).filter(([key, value]) => {
    if (value === undefined) return false;
    return key !== "metadata" || Object.keys(value as object).length > 0;
  });
  return { type, name, version, ...(Object.fromEntries(given) as Partial<PackageRecord>) };
}

/** Keeps the first record of each name and version: lockfiles list a package once per range. */
export function uniqueRecords(records: PackageRecord[]): PackageRecord[] {
  const seen = new Map<string, PackageRecord>();
  for (const r of records) {
    const key = `${r.name}@${r.version}`;
    const kept = seen.get(key);
    if (!kept) seen.set(key, r);
    // A package needed both by the project and by another package is direct.
    else if (r.dependency === "direct") kept.dependency = "direct";
  }
  return [...seen.values()];
}
