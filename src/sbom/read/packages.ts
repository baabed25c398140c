import { PackageURL } from "packageurl-js";
import type { LayerRef, PackageRecord, PackageType } from "../../inventory/types.js";
import { pep503Name } from "../../inventory/names.js";
import { P } from "../properties.js";
import type { SbomEntry } from "./types.js";

const TYPES = new Set<PackageType>([
  "deb",
  "apk",
  "rpm",
  "npm",
  "pypi",
  "maven",
  "golang",
  "cargo",
  "gem",
  "composer",
  "nuget",
]);

/** A package read from an SBOM: the record, its purl as written, and where it was found. */
export interface SbomPackage {
  record: PackageRecord;
  purl: string;
  path?: string;
  layer?: { index?: number; diffId?: string; digest?: string };
  /** The purl of the OS package that installed it (vigil's own SBOMs say). */
  ownedBy?: string;
}

export type Converted = { ok: SbomPackage } | { skip: string };

/**
 * Interprets one entry through its purl, which is what says which ecosystem
 * (and so which advisories) a package belongs to. The version comes from the
 * purl where it has one: Trivy's SPDX puts only the upstream version in
 * `versionInfo` and the full one in the purl.
 */
export function toSbomPackage(e: SbomEntry): Converted {
  if (!e.purl) return { skip: "no purl, so no ecosystem to match it in" };
  let purl: PackageURL;
  try {
    purl = PackageURL.fromString(e.purl);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return { skip: `purl "${e.purl}" does not parse (${why})` };
  }

  const q = purl.qualifiers ?? {};
  let version = purl.version ?? e.version;
  if (!version) return { skip: "no version in the component or its purl" };
  if (purl.type === "rpm" && q.epoch && q.epoch !== "0" && !version.includes(":")) {
    version = `${q.epoch}:${version}`;
  }

  const type = TYPES.has(purl.type as PackageType) ? (purl.type as PackageType) : "generic";
  const record: PackageRecord = { type, name: nameOf(purl, e.name), version };
  if (q.arch) record.arch = q.arch;
  Object.assign(record, sourceOf(e, purl));
  if (e.licenses.length > 0) record.licenses = e.licenses;
  if (e.supplier) record.maintainer = e.supplier;
  const dependency = e.facts.get(P.dependency);
  if (dependency === "direct" || dependency === "indirect") record.dependency = dependency;

  const metadata = Object.fromEntries(e.facts.withPrefix(P.metadata));
  if (Object.keys(metadata).length > 0) record.metadata = metadata;
  const ownedBy = e.facts.get(P.ownedBy);
  return { ok: { record, purl: e.purl, path: pathOf(e), layer: layerOf(e), ownedBy } };
}

/** How vigil names a package of each type: the purl's name, with its namespace where it is part of it. */
function nameOf(purl: PackageURL, written: string | undefined): string {
  // A PyPI purl holds the normalised name; the component keeps it as written (PyYAML).
  if (purl.type === "pypi" && written && pep503Name(written) === pep503Name(purl.name)) {
    return written;
  }
  const ns = purl.namespace;
  if (!ns || ["deb", "apk", "rpm", "pypi", "cargo", "gem", "nuget"].includes(purl.type)) {
    return purl.name;
  }
  if (purl.type === "maven") return `${ns}:${purl.name}`;
  return `${ns}/${purl.name}`;
}

/**
 * The source package, as vigil, Trivy (`SrcName`, `SrcVersion`, `SrcRelease`,
 * `SrcEpoch`), Syft (`upstream` qualifier, `syft:metadata:source*`) or any
 * SPDX writer (`built package from: NAME VERSION`) record it.
 */
function sourceOf(
  e: SbomEntry,
  purl: PackageURL,
): Pick<PackageRecord, "sourceName" | "sourceVersion"> {
  const f = e.facts;
  const vigilName = f.get(P.sourceName);
  if (vigilName) return { sourceName: vigilName, sourceVersion: f.get(P.sourceVersion) };

  const trivyName = f.get("aquasecurity:trivy:SrcName");
  if (trivyName) {
    let version = f.get("aquasecurity:trivy:SrcVersion");
    const release = f.get("aquasecurity:trivy:SrcRelease");
    const epoch = f.get("aquasecurity:trivy:SrcEpoch");
    if (version && release) version = `${version}-${release}`;
    if (version && epoch && epoch !== "0") version = `${epoch}:${version}`;
    return { sourceName: trivyName, sourceVersion: version };
  }

  const syftName = f.get("syft:metadata:source");
  if (syftName)
    return { sourceName: syftName, sourceVersion: f.get("syft:metadata:sourceVersion") };

  const upstream = purl.qualifiers?.upstream;
  if (upstream) {
    const at = upstream.indexOf("@");
    return at < 0
      ? { sourceName: upstream }
      : { sourceName: upstream.slice(0, at), sourceVersion: upstream.slice(at + 1) };
  }

  const built = /^built package from:\s*(\S+)(?:\s+(\S+))?/.exec(e.sourceInfo ?? "");
  if (built) return { sourceName: built[1], sourceVersion: built[2] };
  return {};
}

function pathOf(e: SbomEntry): string | undefined {
  const f = e.facts;
  const p = f.get(P.path) ?? f.get("aquasecurity:trivy:FilePath") ?? f.get("syft:location:0:path");
  if (!p) return undefined;
  return p.startsWith("/") ? p : `/${p}`;
}

function layerOf(e: SbomEntry): SbomPackage["layer"] {
  const f = e.facts;
  const index = f.get(P.layerIndex);
  const diffId =
    f.get(P.layerDiffId) ??
    f.get("aquasecurity:trivy:LayerDiffID") ??
    f.get("syft:location:0:layerID");
  const digest = f.get(P.layerDigest) ?? f.get("aquasecurity:trivy:LayerDigest");
  if (index === undefined && !diffId && !digest) return undefined;
  return { index: index === undefined ? undefined : Number(index), diffId, digest };
}

/** The layer an SBOM names, completed from the image's layer list when it has one. */
export function resolveLayer(found: SbomPackage["layer"], layers: readonly LayerRef[]): LayerRef {
  const known =
    layers.find((l) => found?.diffId && l.diffId === found.diffId) ??
    layers.find((l) => found?.digest && l.digest === found.digest) ??
    layers.find((l) => found?.index !== undefined && l.index === found.index);
  if (known) return known;
  // note: -1 means "not known": SBOMs from other tools often name no layer.
  return {
    index: found?.index ?? -1,
    diffId: found?.diffId ?? "",
    digest: found?.digest,
  };
}
