// The variables a rule's condition reads: `finding`, `pkg` and `image`. The
// schema below is what the checker holds conditions to (an unknown field is
// an error when the policy loads, not a silent false at scan time), and the
// interfaces are what the evaluator binds. The README lists every field.

import type { FindingKind } from "./types.js";

/** A field's type as a condition sees it; an object is a nested schema. */
export type FieldType = "string" | "int" | "double" | "bool" | "strings" | "labels" | Schema;
export interface Schema {
  readonly [field: string]: FieldType;
}

export const FINDING_SCHEMA = {
  kind: "string",
  id: "string",
  aliases: "strings",
  title: "string",
  severity: "string",
  cvss: { score: "double", vector: "string", version: "string" },
  fixAvailable: "bool",
  fixedVersion: "string",
  status: "string",
  kev: "bool",
  ransomware: "bool",
  epss: { score: "double", percentile: "double" },
  risk: "double",
  path: "string",
  layer: "int",
  inBaseImage: "bool",
  removed: "bool",
  vex: "string",
} as const satisfies Schema;

export const PKG_SCHEMA = {
  type: "string",
  name: "string",
  version: "string",
  purl: "string",
  sourceName: "string",
  direct: "bool",
  transitive: "bool",
} as const satisfies Schema;

export const IMAGE_SCHEMA = {
  reference: "string",
  name: "string",
  digest: "string",
  tags: "strings",
  os: "string",
  osRelease: "string",
  user: "string",
  exposedPorts: "strings",
  labels: "labels",
  layers: "int",
  base: { name: "string", digest: "string", layers: "int" },
} as const satisfies Schema;

export const VARIABLES: Schema = {
  finding: FINDING_SCHEMA,
  pkg: PKG_SCHEMA,
  image: IMAGE_SCHEMA,
};

export interface FindingFacts {
  kind: FindingKind;
  /** CVE or first id; the secret rule; the check id; `license:<class>`. */
  id: string;
  aliases: string[];
  title: string;
  severity: string;
  /** Score 0 and empty strings when no vector rated it. */
  cvss: { score: number; vector: string; version: string };
  fixAvailable: boolean;
  fixedVersion: string;
  /** Vulnerabilities: `fixed` or `affected`; other kinds: empty. */
  status: string;
  kev: boolean;
  /** CISA's "known ransomware campaign use". */
  ransomware: boolean;
  epss: { score: number; percentile: number };
  /** 0–100, see `risk.ts`. */
  risk: number;
  /** Where in the image: the package's file, the secret's file, the first evidence. */
  path: string;
  /** 0-based; -1 when no layer holds it (the image config, an SBOM). */
  layer: number;
  inBaseImage: boolean;
  /** A secret in a file a later layer removed. */
  removed: boolean;
  /** The status a VEX statement gave it (`affected`, `under_investigation`), else empty. */
  vex: string;
}

export interface PackageFacts {
  type: string;
  name: string;
  version: string;
  purl: string;
  sourceName: string;
  /** A dependency the project names itself; both false when unknown (OS packages). */
  direct: boolean;
  transitive: boolean;
}

export interface ImageFacts {
  reference: string;
  name: string;
  digest: string;
  tags: string[];
  os: string;
  osRelease: string;
  user: string;
  exposedPorts: string[];
  labels: Record<string, string>;
  layers: number;
  /** Empty strings and 0 layers when no base image is known. */
  base: { name: string; digest: string; layers: number };
}

export interface Facts {
  finding: FindingFacts;
  pkg: PackageFacts;
  image: ImageFacts;
}

export const NO_PACKAGE: PackageFacts = {
  type: "",
  name: "",
  version: "",
  purl: "",
  sourceName: "",
  direct: false,
  transitive: false,
};
