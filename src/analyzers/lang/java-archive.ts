import type { PackageRecord } from "../../inventory/types.js";
import type { AnalyzerOutput, ByteSource, FileAnalyzer } from "../types.js";
import {
  fromFileName,
  fromManifest,
  fromPomProperties,
  toRecord,
  type JavaIdentity,
} from "./java/identity.js";
import { parseManifest } from "./java/manifest.js";
import { parseProperties } from "./java/pom-properties.js";
import { entrySource, listEntries, readEntry, type ZipEntry } from "./java/zip.js";

const ARCHIVE = /\.(?:jar|war|ear|par|sar|nar|jpi|hpi)$/i;
const POM_PROPERTIES = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;
const MANIFEST = /^META-INF\/MANIFEST\.MF$/i;

/**
 * Limits that make a hostile archive cost a warning, not the scan. Stored
 * nested archives (Spring Boot's) are read in place; deflated ones are
 * inflated into memory one at a time, so at most MAX_DEPTH of them are held.
 */
export const JAVA_LIMITS = {
  maxDepth: 8,
  maxNestedBytes: 64 << 20,
  /** Bytes inflated for one top-level file, nested archives and small entries together. */
  maxInflatedBytes: 1024 << 20,
  maxArchives: 5000,
  maxEntries: 500_000,
  maxSmallEntryBytes: 1 << 20,
};

/**
 * Java archives, nested to any depth within JAVA_LIMITS: every artifact a
 * pom.properties names (a shaded jar lists each it swallowed), else what the
 * manifest says, else the file name. Packages keep the top-level file as
 * their path; `javaEvidence` names the entry inside (`WEB-INF/lib/a.jar!/…`).
 * note: self-executing jars start with a shell script, so the zip is found
 * from its end, never by its first bytes.
 * note: a jar whose only pom.properties are those of artifacts it shaded in
 * is reported as them, not as itself; pom.xml alone is not read (issue 4).
 */
export const javaArchiveAnalyzer: FileAnalyzer = {
  id: "java-archive",
  version: 1,
  access: "random",
  maxBytes: 4 * 1024 ** 3,
  claims: (path) => ARCHIVE.test(path),
  analyze: ({ path, source }) => analyzeJavaArchive(path, source),
};

type Warning = NonNullable<AnalyzerOutput["warnings"]>[number];

interface Walk {
  packages: Map<string, PackageRecord>;
  warnings: Warning[];
  /** Limits already reported: a bomb gets one warning per limit, not one per entry. */
  reported: Set<string>;
  archives: number;
  inflated: number;
  limits: typeof JAVA_LIMITS;
}

export async function analyzeJavaArchive(
  path: string,
  source: ByteSource,
  limits = JAVA_LIMITS,
): Promise<AnalyzerOutput> {
  const walk: Walk = {
    packages: new Map(),
    warnings: [],
    reported: new Set(),
    archives: 0,
    inflated: 0,
    limits,
  };
  await readArchive(walk, source, baseName(path), "", 0);
  return { packages: [...walk.packages.values()], warnings: walk.warnings };
}

async function readArchive(
  walk: Walk,
  source: ByteSource,
  fileName: string,
  prefix: string,
  depth: number,
) {
  walk.archives += 1;
  let listing;
  try {
    listing = await listEntries(source, walk.limits.maxEntries);
  } catch (err) {
    warn(walk, "BAD_JAVA_ARCHIVE", `${where(prefix)}not a readable zip: ${reason(err)}`);
    return;
  }
  if (listing.total > listing.entries.length) {
    warn(
      walk,
      "JAVA_ARCHIVE_LIMIT",
      `${where(prefix)}only the first ${listing.entries.length} of ${listing.total} entries were read`,
    );
  }

  const unsafe = listing.entries.filter((e) => e.unsafe);
  if (unsafe.length > 0) {
    const first = JSON.stringify(unsafe[0]?.name);
    warn(
      walk,
      "UNSAFE_ARCHIVE_ENTRY",
      `${where(prefix)}${unsafe.length} entry name(s) point outside the archive ` +
        `(${first}…); those entries were ignored`,
    );
  }
  const entries = listing.entries.filter((e) => !e.unsafe);

  const identities = await identify(walk, source, entries, fileName, prefix);
  for (const { id, evidence } of identities) add(walk, id, evidence);

  for (const entry of entries.filter((e) => ARCHIVE.test(e.name))) {
    await readNested(walk, source, entry, prefix, depth + 1);
  }
}

async function identify(
  walk: Walk,
  source: ByteSource,
  entries: ZipEntry[],
  fileName: string,
  prefix: string,
) {
  const found: { id: JavaIdentity; evidence: string }[] = [];
  for (const entry of entries.filter((e) => POM_PROPERTIES.test(e.name))) {
    const text = await smallEntry(walk, source, entry, prefix);
    const id = text === undefined ? undefined : fromPomProperties(parseProperties(text));
    if (id) found.push({ id, evidence: prefix + entry.name });
  }
  if (found.length > 0) return found;

  const stem = fileName.replace(ARCHIVE, "");
  const manifestEntry = entries.find((e) => MANIFEST.test(e.name));
  const text = manifestEntry && (await smallEntry(walk, source, manifestEntry, prefix));
  const fromMf = text === undefined ? undefined : fromManifest(parseManifest(text));
  if (fromMf && manifestEntry) return [{ id: fromMf, evidence: prefix + manifestEntry.name }];

  const fromName = fromFileName(stem);
  return fromName ? [{ id: fromName, evidence: prefix || fileName }] : [];
}

async function smallEntry(walk: Walk, source: ByteSource, entry: ZipEntry, prefix: string) {
  if (!budget(walk, entry.size, prefix + entry.name)) return undefined;
  try {
    return (await readEntry(source, entry, walk.limits.maxSmallEntryBytes)).toString("utf8");
  } catch (err) {
    warn(walk, "BAD_JAVA_ARCHIVE", `${where(prefix)}${entry.name} not read: ${reason(err)}`);
    return undefined;
  }
}

async function readNested(
  walk: Walk,
  source: ByteSource,
  entry: ZipEntry,
  prefix: string,
  depth: number,
) {
  const name = prefix + entry.name;
  const { limits } = walk;
  if (depth > limits.maxDepth) {
    return limit(
      walk,
      "depth",
      `${name}: nested deeper than ${limits.maxDepth} archives; not read`,
    );
  }
  if (walk.archives >= limits.maxArchives) {
    const message =
      `${name}: more than ${limits.maxArchives} nested archives; ` +
      "it and the rest were not read";
    return limit(walk, "archives", message);
  }
  if (entry.method !== 0 && entry.size > limits.maxNestedBytes) {
    return warn(
      walk,
      "JAVA_ARCHIVE_LIMIT",
      `${name}: ${entry.size} bytes inflated is over the ${limits.maxNestedBytes}-byte limit; not read`,
    );
  }
  if (entry.method !== 0 && !budget(walk, entry.size, name)) return;

  let nested: ByteSource;
  try {
    nested = await entrySource(source, entry, limits.maxNestedBytes);
  } catch (err) {
    return warn(walk, "BAD_JAVA_ARCHIVE", `${name} not read: ${reason(err)}`);
  }
  await readArchive(walk, nested, baseName(entry.name), `${name}!/`, depth);
}

/** Counts what is about to be inflated; past the limit, one warning and no more reading. */
function budget(walk: Walk, bytes: number, name: string): boolean {
  const max = walk.limits.maxInflatedBytes;
  if (walk.inflated + bytes > max) {
    limit(
      walk,
      "inflated",
      `${name}: over ${max} bytes inflated from this file; the rest was not read`,
    );
    return false;
  }
  walk.inflated += bytes;
  return true;
}

function limit(walk: Walk, which: string, message: string): void {
  if (walk.reported.has(which)) return;
  walk.reported.add(which);
  warn(walk, "JAVA_ARCHIVE_LIMIT", message);
}

/** One record per artifact and version in a file, with the first evidence found. */
function add(walk: Walk, id: JavaIdentity, evidence: string) {
  const record = toRecord(id, evidence);
  const key = `${record.name}@${record.version}`;
  if (!walk.packages.has(key)) walk.packages.set(key, record);
}

function warn(walk: Walk, code: string, message: string): void {
  walk.warnings.push({ code, message });
}

const where = (prefix: string) => (prefix ? `${prefix.slice(0, -2)}: ` : "");
const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));
const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);
