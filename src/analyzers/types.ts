import type { OsInfo, PackageRecord, ScanWarning } from "../inventory/types.js";

/**
 * An analyzer claims some paths and turns one file's bytes into facts.
 * Parsers are pure: no I/O, no logging; problems come back as warnings.
 */
export interface Analyzer {
  /** Stable kebab-case id; part of the layer-cache key. */
  id: string;
  /** Bump when the output for the same input changes; part of the cache key. */
  version: number;
  /** Paths are relative to the image root, normalised, without a leading slash. */
  claims(path: string): boolean;
  /**
   * The fixed paths this analyzer reads, for analyzers that have them. The
   * merge uses them to notice a database reached only through a symlinked
   * directory (lib/apk → usr/lib/apk), which a stream of tar names cannot see.
   */
  paths?: readonly string[];
  /** Files larger than this are skipped with a warning instead of being read. */
  maxBytes: number;
  analyze(file: AnalyzerInput): AnalyzerOutput;
}

export interface AnalyzerInput {
  /** Normalised path without a leading slash, e.g. `var/lib/dpkg/status`. */
  path: string;
  content: Buffer;
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
