import { open } from "node:fs/promises";
import { VigilError } from "../../errors.js";
import type {
  ImageConfigSummary,
  ImageMetadata,
  Inventory,
  LayerRef,
  Package,
  ScanWarning,
} from "../../inventory/types.js";
import { isThirdParty, thirdPartyWarnings } from "../../inventory/vendor.js";
import { FactMap, P } from "../properties.js";
import type { SpdxDocument } from "../spdx.js";
import { parseTagValue } from "../spdx-tag-value.js";
import { readCycloneDx, type CdxBom } from "./cyclonedx.js";
import { parseCycloneDxXml } from "./cyclonedx-xml.js";
import { osFromSbom } from "./os.js";
import { resolveLayer, toSbomPackage } from "./packages.js";
import { readSpdx } from "./spdx.js";
import { DEFAULT_LIMITS, type SbomDocument, type SbomEntry, type SbomLimits } from "./types.js";

export { DEFAULT_LIMITS, type SbomLimits } from "./types.js";

/** Largest SBOM file read: parsing JSON takes several times its size in memory. */
export const MAX_SBOM_BYTES = 256 * 1024 ** 2;

/** Warnings of one kind past this many are counted, not listed. */
const MAX_WARNINGS = 50;

/**
 * Reads an SBOM file of any supported format into an inventory, as if its
 * image had been scanned: the OS, every package with a purl and a version,
 * and a warning for each component that had to be skipped.
 */
export async function readSbomFile(
  file: string,
  opts: { reference?: string; limits?: SbomLimits; maxBytes?: number } = {},
): Promise<Inventory> {
  const content = await readLimited(file, opts.maxBytes ?? MAX_SBOM_BYTES);
  const doc = parseSbom(content, file, opts.limits);
  return toInventory(doc, opts.reference ?? `sbom:${file}`);
}

/** Pure: bytes of any supported SBOM format → the entries it lists. */
export function parseSbom(
  content: Buffer,
  file: string,
  limits: SbomLimits = DEFAULT_LIMITS,
): SbomDocument {
  const text = content.toString("utf8").replace(/^\uFEFF/, "");
  const head = text.trimStart().slice(0, 64);
  try {
    if (/^[[{]/.test(head)) return fromJson(parseJson(text, file), file, limits);
    if (head.startsWith("<")) return readCycloneDx(parseCycloneDxXml(text, file), file, limits);
    if (/^(#[^\n]*\n\s*)*SPDXVersion:/.test(text.trimStart())) {
      return readSpdx(parseTagValue(text, file), file, limits);
    }
  } catch (err) {
    // A document nested deeper than the stack: refuse it rather than crash.
    if (err instanceof RangeError) {
      throw new VigilError("BAD_SBOM", `${file}: nested too deeply to read`, { cause: err });
    }
    throw err;
  }
  throw new VigilError("BAD_SBOM", `${file}: not an SBOM vigil reads`, {
    hint: "expected CycloneDX (JSON or XML) or SPDX 2.2/2.3 (JSON or tag-value)",
  });
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    // An in-toto .jsonl file holds one envelope per line; the first is read.
    const first = text.trimStart().split("\n")[0] as string;
    if (first.length < text.trim().length) {
      try {
        return JSON.parse(first);
      } catch {
        // fall through to the original error
      }
    }
    const why = err instanceof Error ? err.message : String(err);
    throw new VigilError("BAD_SBOM", `${file}: not valid JSON: ${why}`, { cause: err });
  }
}

function fromJson(json: unknown, file: string, limits: SbomLimits, depth = 0): SbomDocument {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new VigilError("BAD_SBOM", `${file}: not an SBOM: the JSON is not an object`);
  }
  const o = json as Record<string, unknown>;
  if (o.bomFormat === "CycloneDX") return readCycloneDx(o as CdxBom, file, limits);
  if (typeof o.spdxVersion === "string")
    return readSpdx(o as unknown as SpdxDocument, file, limits);

  // An attestation: a DSSE envelope around an in-toto statement whose
  // predicate is the SBOM (as `cosign attest --type cyclonedx` writes).
  if (depth < 2 && typeof o.payload === "string" && typeof o.payloadType === "string") {
    const payload = Buffer.from(o.payload, "base64").toString("utf8");
    return fromJson(parseJson(payload, file), file, limits, depth + 1);
  }
  if (depth < 2 && typeof o.predicate === "object" && o.predicate !== null) {
    return fromJson(o.predicate, file, limits, depth + 1);
  }

  const spdx3 = JSON.stringify(o["@context"] ?? "").includes("spdx");
  throw new VigilError(
    "BAD_SBOM",
    `${file}: ${spdx3 ? "SPDX 3 is not supported" : "not a CycloneDX or SPDX document"}`,
    { hint: "vigil reads CycloneDX 1.2-1.6 and SPDX 2.2/2.3" },
  );
}

/** The entries of an SBOM as an inventory; skipped entries become warnings. */
export function toInventory(doc: SbomDocument, reference: string): Inventory {
  const osEntry =
    doc.entries.find((e) => e.kind === "os") ?? (doc.root?.kind === "os" ? doc.root : undefined);
  const image = imageFrom(doc.root, reference);
  const os = osFromSbom(osEntry, doc.entries);
  const warnings = new WarningList();

  const packages: Package[] = [];
  const owners = new Map<Package, string>();
  for (const entry of doc.entries) {
    if (entry.kind !== "package") continue;
    const result = toSbomPackage(entry);
    if ("skip" in result) {
      warnings.add("SBOM_COMPONENT_SKIPPED", `${entry.label}: ${result.skip}; skipped`);
      continue;
    }
    const { record, purl, path, layer, ownedBy } = result.ok;
    const pkg: Package = {
      ...record,
      purl,
      path: path ?? "",
      layer: resolveLayer(layer, image.layers),
      // As in an image scan: an rpm another vendor built is not matched as the distribution's.
      ...(isThirdParty(record, os) && { thirdParty: true }),
    };
    packages.push(pkg);
    if (ownedBy) owners.set(pkg, ownedBy);
  }
  restoreOwners(owners, packages);

  const hasOsPackages = packages.some((p) => ["deb", "apk", "rpm"].includes(p.type));
  if (hasOsPackages && !os) {
    warnings.add(
      "SBOM_NO_OS",
      "the SBOM names no OS (no operating-system component, no distro qualifier); OS packages are not matched",
    );
  }
  const vendorWarnings = thirdPartyWarnings(packages, os);
  return {
    image,
    os,
    packages: sortPackages(packages),
    warnings: [...warnings.list(), ...vendorWarnings],
  };
}

/** A language package names its OS package by purl; one the SBOM does not list stays unowned. */
function restoreOwners(owners: Map<Package, string>, packages: Package[]): void {
  const byPurl = new Map(packages.map((p) => [p.purl, p]));
  for (const [pkg, purl] of owners) {
    const os = byPurl.get(purl);
    if (os) pkg.ownedBy = { type: os.type, name: os.name, version: os.version, purl: os.purl };
  }
}

/** The image from the root component: vigil's facts when it wrote them, else what is there. */
function imageFrom(root: SbomEntry | undefined, reference: string): ImageMetadata {
  const f = root?.facts ?? new FactMap();
  const trivy = (k: string) => f.all(`aquasecurity:trivy:${k}`);
  const [os = "unknown", architecture = "unknown", variant] = (f.get(P.platform) ?? "").split("/");

  const layers = layersFrom(f);
  const labels = Object.fromEntries(f.withPrefix(P.label));
  const config: ImageConfigSummary = {
    env: [],
    exposedPorts: f.all(P.exposedPort),
    labels,
    healthcheck: f.get(P.healthcheck) === "true",
  };
  if (f.get(P.user)) config.user = f.get(P.user);
  if (f.get(P.cmd)) config.cmd = jsonList(f.get(P.cmd));
  if (f.get(P.entrypoint)) config.entrypoint = jsonList(f.get(P.entrypoint));
  if (f.get(P.workingDir)) config.workingDir = f.get(P.workingDir);
  if (f.get(P.created)) config.created = f.get(P.created);

  const rootDigest = root?.version?.startsWith("sha256:") ? root.version : undefined;
  return {
    reference,
    digest: f.get(P.digest) ?? trivy("RepoDigest")[0]?.replace(/^.*@/, "") ?? rootDigest ?? "",
    configDigest: f.get(P.configDigest) ?? trivy("ImageID")[0] ?? "",
    platform: variant ? { os, architecture, variant } : { os, architecture },
    tags: f.all(P.tag).length > 0 ? f.all(P.tag) : trivy("RepoTag"),
    layers:
      layers.length > 0 ? layers : trivy("DiffID").map((diffId, index) => ({ index, diffId })),
    config,
    base: baseFrom(f),
  };
}

/** The base image as vigil wrote it: `vigil:image:base:*`. */
function baseFrom(f: FactMap): ImageMetadata["base"] {
  const from = f
    .all(P.baseFrom)
    .filter((x): x is "label" | "history" => x === "label" || x === "history");
  if (from.length === 0) return undefined;
  const layers = f.get(P.baseLayers);
  return {
    name: f.get(P.baseName),
    digest: f.get(P.baseDigest),
    layers: layers === undefined ? undefined : Number(layers),
    from,
  };
}

function layersFrom(f: FactMap): LayerRef[] {
  const layers = new Map<number, LayerRef>();
  for (const [rest, value] of f.withPrefix(P.layer)) {
    const m = /^(\d+):(diff-id|digest|created-by)$/.exec(rest);
    if (!m) continue;
    const index = Number(m[1]);
    const layer = layers.get(index) ?? { index, diffId: "" };
    if (m[2] === "diff-id") layer.diffId = value;
    if (m[2] === "digest") layer.digest = value;
    if (m[2] === "created-by") layer.createdBy = value;
    layers.set(index, layer);
  }
  return [...layers.values()].sort((a, b) => a.index - b.index);
}

function jsonList(text: string | undefined): string[] | undefined {
  try {
    const v: unknown = JSON.parse(text ?? "");
    return Array.isArray(v) ? v.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** One warning per skipped component, up to a limit per kind; the rest are counted. */
class WarningList {
  private readonly warnings: ScanWarning[] = [];
  private readonly counts = new Map<string, number>();

  add(code: string, message: string): void {
    const n = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, n);
    if (n <= MAX_WARNINGS) this.warnings.push({ code, message });
  }

  list(): ScanWarning[] {
    const out = [...this.warnings];
    for (const [code, n] of this.counts) {
      if (n > MAX_WARNINGS) {
        out.push({ code, message: `${n - MAX_WARNINGS} more like the above, not listed` });
      }
    }
    return out;
  }
}

function sortPackages(packages: Package[]): Package[] {
  return packages.sort(
    (a, b) =>
      a.type.localeCompare(b.type) ||
      a.name.localeCompare(b.name) ||
      a.version.localeCompare(b.version) ||
      a.path.localeCompare(b.path),
  );
}

/** Reads at most `max` bytes; a larger file is refused before it is read. */
async function readLimited(file: string, max: number): Promise<Buffer> {
  const fh = await open(file, "r").catch((err: unknown) => {
    throw new VigilError("NOT_FOUND", `${file}: cannot open the SBOM`, {
      cause: err,
      hint: (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : undefined,
    });
  });
  try {
    const { size } = await fh.stat();
    if (size > max) {
      throw new VigilError("LIMIT_EXCEEDED", `${file}: SBOM of ${size} bytes is over the limit`, {
        hint: `vigil reads SBOMs up to ${max} bytes`,
      });
    }
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}
