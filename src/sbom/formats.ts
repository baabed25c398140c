// The SBOM formats' names, apart from their writers, so the CLI's help and
// option checks do not load the CycloneDX library on every start.
export const SBOM_FORMATS = [
  "cyclonedx-json",
  "cyclonedx-xml",
  "spdx-json",
  "spdx-tag-value",
] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

export const CYCLONEDX_VERSIONS = ["1.5", "1.6"] as const;
export type CycloneDxVersion = (typeof CYCLONEDX_VERSIONS)[number];
