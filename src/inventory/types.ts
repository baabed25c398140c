// The scan's internal SBOM. Every later stage (matcher, reports, SBOM export)
// reads these types; formats are views of them, never the other way round.

import type { LicenseClass } from "../licenses/classify.js";
import type { ContentScanStats, SecretFinding } from "../secrets/types.js";

/** Package kinds, named as purl types so export needs no mapping table. */
export type PackageType =
  | "deb"
  | "apk"
  | "rpm"
  | "npm"
  | "pypi"
  | "maven"
  | "golang"
  | "cargo"
  | "gem"
  | "composer"
  | "nuget"
  | "generic";

/** Where something was found: the layer (by index and uncompressed digest). */
export interface LayerRef {
  index: number;
  diffId: string;
  /** The digest of the blob as stored (compressed), when the source has one. */
  digest?: string;
  /** The history `created_by` of this layer, when the config records it. */
  createdBy?: string;
}

/** A package as a parser reports it: pure facts from one file, no layer yet. */
export interface PackageRecord {
  type: PackageType;
  name: string;
  version: string;
  arch?: string;
  /** Source package (dpkg `Source:`, apk origin `o:`, rpm SOURCERPM name). */
  sourceName?: string;
  sourceVersion?: string;
  licenses?: string[];
  maintainer?: string;
  /**
   * How the project depends on it, where a lockfile or manifest says so: `direct` when the
   * project names it itself, `indirect` when only other packages need it. Absent when the
   * file it came from does not tell (an installed package.json, a yarn v1 lock, …).
   */
  dependency?: "direct" | "indirect";
  /**
   * Only declared by a lockfile or pinned requirement, not read from an installed copy. The
   * inventory folds it into the installed record of the same project when there is one
   * (`mergeDeclared`).
   */
  declared?: boolean;
  /** Extra per-format facts a matcher or report may need (rpm epoch, vendor, …). */
  metadata?: Record<string, string>;
}

/** A package in the final image: the record plus where it came from. */
export interface Package extends PackageRecord {
  /** The layer whose contents introduced this package (name and version). */
  layer: LayerRef;
  /** The file it was read from, absolute inside the image (`/var/lib/dpkg/status`). */
  path: string;
  purl: string;
  /** Built by another vendor than the OS's (rpm `Vendor`); not matched against the OS's advisories. */
  thirdParty?: boolean;
  /**
   * The OS package that installed this language package's file: the
   * distribution's advisories judge it, through that package.
   */
  ownedBy?: { type: PackageType; name: string; version: string; purl: string };
  /** How restrictive its licenses are (`unknown` when none was found); set by the license scan. */
  licenseClass?: LicenseClass;
}

/** Operating system as detected from os-release and its fallbacks. */
export interface OsInfo {
  /** Normalised family id: debian, ubuntu, alpine, rhel, centos, … */
  family: string;
  /** Release as the advisories key it: "12" for Debian, "22.04" for Ubuntu, "3.18" for Alpine. */
  release: string;
  /** The full version string found (debian_version "12.15", alpine-release "3.18.9"). */
  fullVersion?: string;
  codename?: string;
  prettyName?: string;
  /** When the release's security support ends or ended (os-release SUPPORT_END, else vigil's table). */
  eol?: { date: string };
  /** Which file decided it, absolute inside the image. */
  source: string;
}

/** A problem that did not stop the scan: tied to the layer and file it concerns. */
export interface ScanWarning {
  code: string;
  message: string;
  layer?: number;
  path?: string;
  line?: number;
}

export interface ImageMetadata {
  reference: string;
  /** Manifest digest; the image's identity. */
  digest: string;
  configDigest: string;
  platform: { os: string; architecture: string; variant?: string };
  tags: string[];
  layers: LayerRef[];
  config: ImageConfigSummary;
  /** The image it was built on, when labels or history tell (see `base-image.ts`). */
  base?: BaseImage;
}

export interface BaseImage {
  /** `org.opencontainers.image.base.name` and `.base.digest`, when labelled. */
  name?: string;
  digest?: string;
  /** How many of the first layers are the base image's; absent when unknown. */
  layers?: number;
  /** What told: the OCI labels, the history, or both. */
  from: ("label" | "history")[];
}

export interface ImageConfigSummary {
  user?: string;
  env: string[];
  cmd?: string[];
  entrypoint?: string[];
  workingDir?: string;
  exposedPorts: string[];
  labels: Record<string, string>;
  healthcheck: boolean;
  created?: string;
}

/** A file whose permission bits a check judges; mode in octal, as `ls` and `chmod` write it. */
export interface ModeFact {
  path: string;
  mode: string;
  layer: number;
}

/** What the misconfiguration checks need to know of the final filesystem. */
export interface FileFacts {
  setuid: ModeFact[];
  worldWritable: ModeFact[];
  /** One per cache directory with files left in it; `layer` is the last that added one. */
  packageCaches: { path: string; manager: string; files: number; layer: number }[];
}

export interface Inventory {
  image: ImageMetadata;
  os?: OsInfo;
  packages: Package[];
  /** Secrets in any layer or the image config; absent when secrets were not scanned. */
  secrets?: SecretFinding[];
  /** What the secret scan read and skipped (with the reason), over all layers. */
  secretScan?: ContentScanStats & { allowed: number };
  /** Absent for an SBOM, which lists no files. */
  files?: FileFacts;
  warnings: ScanWarning[];
}
