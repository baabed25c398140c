import { VigilError } from "../../errors.js";
import type { PackageRecord } from "../../inventory/types.js";
import { parseSbom } from "../../sbom/read/index.js";
import { toSbomPackage } from "../../sbom/read/packages.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";

// SBOMs that images carry about themselves: the conventional
// /usr/share/sbom/ folder, and Bitnami's per-component SPDX files
// (/opt/bitnami/<component>/.spdx-<component>.spdx, SPDX JSON inside).
const SHARE_SBOM = /^usr\/share\/sbom\/[^/]+\.(json|spdx|xml)$/;
const BITNAMI = /^opt\/bitnami\/(?:[^/]+\/)*\.spdx-[^/]+\.spdx$/;

/**
 * Packages listed by an SBOM inside the image, read as evidence: each keeps
 * the file it came from as its path (and so its layer), and `metadata.sbom`
 * names the SBOM format; the purl as written is kept in `metadata.purl`.
 *
 * note: deb, apk and rpm entries are left to the package databases, which
 * are the authority for what is installed; reading them here too would list
 * (and match) every OS package twice.
 */
export const embeddedSbomAnalyzer: Analyzer = {
  id: "embedded-sbom",
  version: 1,
  maxBytes: 32 << 20,
  claims: (path) => SHARE_SBOM.test(path) || BITNAMI.test(path),
  analyze: ({ path, content }) => parseEmbeddedSbom(content, path),
};

const OS_TYPES = new Set(["deb", "apk", "rpm"]);

export function parseEmbeddedSbom(content: Buffer, path: string): AnalyzerOutput {
  let doc;
  try {
    doc = parseSbom(content, `/${path}`);
  } catch (err) {
    if (!(err instanceof VigilError)) throw err;
    return { warnings: [{ code: "BAD_EMBEDDED_SBOM", message: `not read: ${err.message}` }] };
  }

  const packages: PackageRecord[] = [];
  let skipped = 0;
  for (const entry of doc.entries) {
    if (entry.kind !== "package") continue;
    const result = toSbomPackage(entry);
    if ("skip" in result) {
      skipped += 1;
      continue;
    }
    const { record, purl } = result.ok;
    if (OS_TYPES.has(record.type)) continue;
    record.metadata = { ...record.metadata, sbom: doc.format, purl };
    packages.push(record);
  }

  const warnings =
    skipped === 0
      ? []
      : [
          {
            code: "SBOM_COMPONENT_SKIPPED",
            message: `${skipped} component(s) without a usable purl or version were not read`,
          },
        ];
  return { packages, warnings };
}
