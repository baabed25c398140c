import type { OsInfo, PackageRecord, ScanWarning } from "../inventory/types.js";

/** What a file's tar header says, before any of its bytes are read. */
export interface EntryFacts {
  /** Normalised path without a leading slash. */
  path: string;
  size: number;
  /** Permission bits, e.g. 0o755. */
  mode: number;
}

/** How an analyzer says which files it wants; the walk reads a file once for all of them. */
export interface Claims {
  /** Stable kebab-case id; part of the layer-cache key. */
  id: string;
  /** Bump when the output for the same input changes; part of the cache key. */
  version: number;
  /** Paths are relative to the image root, normalised, without a leading slash. */
  claims(path: string): boolean;
  /**
   * Claims a regular file by its header when its name says nothing (an
   * executable, whatever it is called). Asked only of files claims() refused.
   */
  claimsEntry?(entry: EntryFacts): boolean;
  /**
   * Narrows a claim by the file's first bytes (HEAD_BYTES of them, fewer in
   * a smaller file): false drops the claim before the rest is kept.
   */
  claimsHead?(head: Buffer, path: string): boolean;
  /**
   * The fixed paths this analyzer reads, for analyzers that have them. The
   * merge uses them to notice a database reached only through a symlinked
   * directory (lib/apk → usr/lib/apk), which a stream of tar names cannot see.
   */
  paths?: readonly string[];
  /** Files larger than this are skipped with a warning instead of being read. */
  maxBytes: number;
}

/**
 * An analyzer of small files held whole in memory: synchronous and pure, no
 * I/O and no logging; problems come back as warnings.
 */
export interface Analyzer extends Claims {
  access?: "buffer";
  analyze(file: AnalyzerInput): AnalyzerOutput;
}

/**
 * An analyzer of binaries and archives, which may be far bigger than memory
 * should hold: it reads by random access from memory or from a temporary
 * copy on disk, through `source`, and may be asynchronous (zip libraries
 * are). Still no I/O of its own and no logging. The source is valid only
 * until analyze() settles: its bytes are reused for the next file, or its
 * file deleted, so nothing it returns may point into them.
 */
export interface FileAnalyzer extends Claims {
  access: "random";
  analyze(file: FileInput): Promise<AnalyzerOutput>;
}

export type AnyAnalyzer = Analyzer | FileAnalyzer;

export interface AnalyzerInput {
  /** Normalised path without a leading slash, e.g. `var/lib/dpkg/status`. */
  path: string;
  content: Buffer;
}

export interface FileInput {
  /** Normalised path without a leading slash, e.g. `usr/bin/umoci`. */
  path: string;
  source: ByteSource;
}

/** Random access to one file's bytes, wherever the walk keeps them. */
export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `offset`; fewer only at the end of the file. */
  read(offset: number, length: number): Promise<Buffer>;
  /** The whole content, when it is held in memory (files under the spill threshold). */
  readonly buffer?: Buffer;
}

/** A partial OS fact from one file; the merge step combines them by priority. */
export interface OsFact extends Omit<OsInfo, "source"> {
  /** Higher wins: os-release beats lsb-release beats debian_version. */
  priority: number;
}

/** Licenses for a package another file lists (Debian's copyright files name no version). */
export interface PackageLicenses {
  type: PackageRecord["type"];
  name: string;
  /** As written; an empty list says the file was read and named none. */
  licenses: string[];
}

/** The files an OS package installed, for telling which language packages it owns. */
export interface OwnedFiles {
  type: PackageRecord["type"];
  name: string;
  /** Absolute paths inside the image, as the package database lists them. */
  files: string[];
}

export interface AnalyzerOutput {
  packages?: PackageRecord[];
  packageLicenses?: PackageLicenses[];
  ownedFiles?: OwnedFiles[];
  os?: OsFact;
  /** Warnings without layer/path: the caller fills those in. */
  warnings?: Omit<ScanWarning, "layer" | "path">[];
}
