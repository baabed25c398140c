import type { AnalyzerOutput } from "../analyzers/types.js";
import type { ScanWarning } from "../inventory/types.js";
import type { ContentScanStats, SecretHit } from "../secrets/types.js";

/** What an entry is; `h` is a hard link, `o` a device, fifo or other special file. */
export type EntryKind = "f" | "d" | "l" | "h" | "o";

/** One analyzer's output for one file of one layer. */
export interface FileFinding {
  path: string;
  analyzer: string;
  output: AnalyzerOutput;
}

/**
 * Everything later stages need from one layer, gathered in one pass over its
 * tar stream. It holds no file contents beyond what analyzers returned, so it
 * can be cached by diffID and merged without reading the layer again.
 */
export interface LayerAnalysis {
  index: number;
  diffId: string;
  digest?: string;
  entries: Map<string, EntryKind>;
  /** Symlink and hard-link targets, by the link's path (hard links normalised). */
  links: Map<string, string>;
  /** Paths this layer deletes from the layers below (`.wh.NAME`). */
  whiteouts: string[];
  /** Directories whose lower-layer contents this layer hides (`.wh..wh..opq`). */
  opaqueDirs: string[];
  findings: FileFinding[];
  /** Secrets in this layer's files, whether or not a later layer deletes them. */
  secrets: SecretHit[];
  contentScan: ContentScanStats;
  /**
   * Entries whose permission bits matter to the misconfiguration checks:
   * setuid or setgid, or writable by everyone (symlinks and sticky directories aside).
   */
  notableModes: [path: string, mode: number][];
  warnings: ScanWarning[];
  compressedBytes: number;
  uncompressedBytes: number;
}

/**
 * Reads every regular text file of every layer (not only claimed ones), in
 * the same pass. Its version belongs in the layer-cache key like an analyzer's.
 */
export interface ContentScanner {
  id: string;
  version: string;
  /** Bigger files are skipped and counted as `too-large`. */
  maxBytes: number;
  scan(path: string, content: Buffer): ContentScanOutput;
}

export interface ContentScanOutput {
  secrets?: SecretHit[];
  /** Why the file was not scanned after all (`binary`), for the counts. */
  skipped?: string;
}
