// Identifiers both SBOM writers use, kept apart from the CycloneDX library so
// the SPDX writer and the readers do not load it.
import { PackageURL } from "packageurl-js";
import type { Inventory, Package } from "../inventory/types.js";

/** `pkg:oci/name@sha256:…?arch=…&tag=…`: the purl type for OCI artifacts. */
export function ociPurl(name: string, image: Inventory["image"]): string | undefined {
  if (!image.digest.startsWith("sha256:")) return undefined;
  const last = (name.split("/").pop() ?? name).toLowerCase();
  const qualifiers: Record<string, string> = { arch: image.platform.architecture };
  const tag = image.tags.map((t) => t.replace(/^.*:/, "")).find(Boolean);
  if (tag) qualifiers.tag = tag;
  return new PackageURL("oci", undefined, last, image.digest, qualifiers).toString();
}

/** Bom-refs are purls; a purl found at several paths gets `#2`, `#3`, … after the first. */
export function bomRefs(packages: readonly Package[]): [Package, string][] {
  const seen = new Map<string, number>();
  return packages.map((p) => {
    const n = (seen.get(p.purl) ?? 0) + 1;
    seen.set(p.purl, n);
    return [p, n === 1 ? p.purl : `${p.purl}#${n}`];
  });
}
