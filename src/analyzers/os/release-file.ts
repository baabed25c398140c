// The one-line release files of Red Hat's family and Amazon Linux:
// `CentOS Linux release 7.6.1810 (Core)`, `Amazon Linux release 2 (Karoo)`.
// Images without os-release (RHEL and CentOS 6, Oracle Linux 6) have only
// these; the analyzers in this folder declare which file and how much it
// counts, and share this parser.
import type { Analyzer, OsFact } from "../types.js";
import { releaseFor } from "./os-release.js";

/** Product name at the start of the line → os-release ID of that distribution. */
const PRODUCTS: readonly [RegExp, string][] = [
  // note: CoreOS has its own lifecycle and no advisories of its own here.
  [/^Red Hat Enterprise Linux CoreOS\b/i, "rhcos"],
  [/^Red Hat Enterprise Linux\b/i, "rhel"],
  [/^CentOS\b/i, "centos"],
  [/^AlmaLinux\b/i, "almalinux"],
  [/^Rocky Linux\b/i, "rocky"],
  [/^Oracle Linux\b/i, "ol"],
  [/^Fedora\b/i, "fedora"],
  [/^Amazon Linux\b/i, "amzn"],
  [/^Scientific Linux\b/i, "scientific"],
];

const LINE = /^(.+?)\s+release\s+(\d+(?:\.\d+)*)/i;

/** Parses the first line; undefined when it names no distribution vigil knows. */
export function parseReleaseLine(text: string): Omit<OsFact, "priority"> | undefined {
  const line = text.split("\n", 1)[0]?.trim() ?? "";
  const m = LINE.exec(line);
  if (!m) return undefined;

  const product = m[1] as string;
  const version = m[2] as string;
  const family = PRODUCTS.find(([re]) => re.test(product))?.[1];
  if (!family) return undefined;
  return {
    family,
    release: releaseFor(family, version, undefined, line),
    fullVersion: version,
    prettyName: line,
  };
}

export interface ReleaseFileSpec {
  id: string;
  paths: readonly string[];
  /** Below os-release (99/100); distribution-specific files above redhat-release. */
  priority: number;
}

export function releaseFileAnalyzer(spec: ReleaseFileSpec): Analyzer {
  const paths = new Set(spec.paths);
  return {
    id: spec.id,
    version: 1,
    maxBytes: 4 << 10,
    claims: (path) => paths.has(path),
    analyze: ({ content }) => {
      const fact = parseReleaseLine(content.toString("utf8"));
      return fact ? { os: { ...fact, priority: spec.priority } } : {};
    },
  };
}
