import type { PackageRecord } from "../../inventory/types.js";
import { occurrences, textMatches } from "../../util/byte-source.js";
import type { AnalyzerOutput, ByteSource, FileAnalyzer } from "../types.js";
import { hasObjectHeader, MAX_BINARY_BYTES } from "./native/executable.js";

type Confidence = "high" | "medium";

interface Found {
  version: string;
  evidence: string;
  confidence: Confidence;
}

/** One runtime: the file names it ships under, and how its version is found in the bytes. */
interface Runtime {
  name: string;
  files: RegExp;
  find(source: ByteSource, fileName: string): Promise<Found | undefined>;
}

/** Bytes read after an anchor to match a version string. */
const WINDOW = 96;

/**
 * The first match of `pattern` (anchored at the start) in the bytes that
 * follow an occurrence of `anchor`; group 1 is the version.
 */
async function afterAnchor(
  source: ByteSource,
  anchor: string,
  pattern: RegExp,
  confidence: Confidence,
): Promise<Found | undefined> {
  for await (const at of occurrences(source, Buffer.from(anchor, "latin1"))) {
    const text = (await source.read(at, WINDOW)).toString("latin1");
    const m = pattern.exec(text);
    if (m) return { version: m[1] ?? m[0], evidence: m[0].replace(/\0/g, ""), confidence };
  }
  return undefined;
}

async function firstOf(...finds: (() => Promise<Found | undefined>)[]) {
  for (const find of finds) {
    const found = await find();
    if (found) return found;
  }
  return undefined;
}

/**
 * Python's version is a bare `3.11.2` among the binary's strings; the file
 * name says which minor version to look for, and the NULs around it that
 * it is a whole string.
 */
async function findPython(source: ByteSource, fileName: string) {
  const minor = /python(\d+\.\d+)/.exec(fileName)?.[1];
  if (!minor) return undefined;
  const pattern = new RegExp(`^\\0(${minor.replace(".", "\\.")}\\.\\d+(?:(?:a|b|rc)\\d+)?\\+?)\\0`);
  return afterAnchor(source, `\0${minor}.`, pattern, "medium");
}

/**
 * Redis keeps its version as a bare string too, among the versions its
 * commands were introduced in; the build id (version, then the build's
 * digits) tells which it is.
 */
async function findRedis(source: ByteSource) {
  const marker = await occurrences(source, Buffer.from("redis_version:", "latin1")).next();
  if (marker.done) return undefined;

  const candidates = new Set<string>();
  for await (const m of textMatches(source, /\0(\d+\.\d+\.\d+)\0/g)) candidates.add(m[1] as string);
  for (const version of candidates) {
    const escaped = version.replace(/\./g, "\\.");
    const buildId = await afterAnchor(source, version, new RegExp(`^${escaped}\\d{6,}`), "medium");
    if (buildId)
      return { version, evidence: `build id ${buildId.evidence}`, confidence: "medium" as const };
  }
  return undefined;
}

/**
 * Runtimes installed from tarballs leave no package database behind; their
 * binaries say what they are. Each runtime's own version string is looked
 * for after a fixed anchor (`node.js/v`, `nginx/`, `OpenSSL `), in memory or
 * in windows of a spilled file (Debian's libnode is 47 MiB).
 */
export const RUNTIMES: readonly Runtime[] = [
  {
    name: "node",
    files: /^(?:node|nodejs|libnode\.so(?:\.\d+)*)$/,
    find: (s) =>
      firstOf(
        () => afterAnchor(s, "node.js/v", /^node\.js\/v(\d+\.\d+\.\d+)/, "high"),
        () =>
          afterAnchor(s, "/download/release/v", /^\/download\/release\/v(\d+\.\d+\.\d+)\//, "high"),
      ),
  },
  {
    name: "python",
    files: /^(?:python\d+\.\d+[dmu]*|libpython\d+\.\d+[dmu]*\.so(?:\.[\d.]+)?)$/,
    find: findPython,
  },
  {
    name: "nginx",
    files: /^nginx$/,
    find: (s) => afterAnchor(s, "nginx/", /^nginx\/(\d+\.\d+\.\d+)/, "high"),
  },
  {
    name: "httpd",
    files: /^(?:httpd|apache2)$/,
    find: (s) => afterAnchor(s, "Apache/", /^Apache\/(\d+\.\d+\.\d+)/, "high"),
  },
  {
    // Debian's redis-server is a symlink to redis-check-rdb, the same program.
    name: "redis",
    files: /^(?:redis-server|redis-check-rdb)$/,
    find: findRedis,
  },
  {
    name: "openssl",
    files: /^(?:openssl|libcrypto\.so(?:\.[\d.]+)?)$/,
    find: (s) =>
      afterAnchor(
        s,
        "OpenSSL ",
        /^OpenSSL (\d+\.\d+\.\d+[a-z]{0,2})(?:-[\w.]+)? +\d{1,2} [A-Z][a-z]{2} \d{4}/,
        "high",
      ),
  },
];

const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const runtimeFor = (path: string) => RUNTIMES.find((r) => r.files.test(baseName(path)));

/** Every runtime's file names at once: claims() runs for every entry of every layer. */
const ANY_RUNTIME = new RegExp(
  `(?:^|/)(?:${RUNTIMES.map((r) => r.files.source.slice(1, -1)).join("|")})$`,
);

/**
 * Node.js, Python, nginx, Apache httpd, Redis and OpenSSL, by the version
 * string in their binaries, each with a confidence (`metadata.confidence`).
 * A runtime a distribution package installed is reported too: what the
 * binary says is evidence of its own; tying it to its package is later work.
 */
export const runtimeBinariesAnalyzer: FileAnalyzer = {
  id: "runtime-binaries",
  version: 1,
  access: "random",
  maxBytes: MAX_BINARY_BYTES,
  claims: (path) => ANY_RUNTIME.test(path),
  claimsHead: hasObjectHeader,
  analyze: ({ path, source }) => analyzeRuntimeBinary(path, source),
};

export async function analyzeRuntimeBinary(
  path: string,
  source: ByteSource,
): Promise<AnalyzerOutput> {
  const runtime = runtimeFor(path);
  const found = runtime && (await runtime.find(source, baseName(path)));
  if (!runtime || !found) return {};

  const record: PackageRecord = {
    type: "generic",
    name: runtime.name,
    version: found.version,
    metadata: { runtime: runtime.name, confidence: found.confidence, evidence: found.evidence },
  };
  return { packages: [record] };
}
