import type { Severity } from "../match/types.js";

/** One secret as a layer's scan saw it: no layer or removal facts yet. */
export interface SecretHit {
  rule: string;
  title: string;
  severity: Severity;
  /** Normalised path without a leading slash; for the image config, `(config) Env` and so on. */
  path: string;
  line?: number;
  /** The matched text with the secret itself masked; safe to print and store. */
  match: string;
  /** Hash of rule and secret: stable across scans, used by allow rules. */
  fingerprint: string;
  example?: boolean;
  /** What a check confirmed, e.g. "valid CRC32 checksum", "RSA 2048-bit, parses". */
  detail?: string;
}

/** What the content scan of one layer read and skipped, by reason. */
export interface ContentScanStats {
  files: number;
  bytes: number;
  skipped: Record<string, number>;
}

/** A secret in the image, as reports show it. */
export interface SecretFinding extends Omit<SecretHit, "path"> {
  /** Absolute inside the image (`/app/.env`), or where in the config it sits. */
  path: string;
  /** Index of the layer whose file held it; absent for the image config. */
  layer?: number;
  /** Index of the later layer that deleted or replaced the file; the secret still leaked. */
  removedIn?: number;
}
