import { VigilError } from "../../errors.js";
import { FactMap } from "../properties.js";
import type { SpdxDocument, SpdxPackage } from "../spdx.js";
import { str, tooMany } from "./cyclonedx.js";
import type { SbomDocument, SbomEntry, SbomLimits } from "./types.js";

export const SPDX_READ_VERSIONS = ["SPDX-2.2", "SPDX-2.3"];

const NO_VALUE = new Set(["NOASSERTION", "NONE"]);

/**
 * SPDX 2.2 and 2.3, JSON or tag-value (already parsed into the JSON shape).
 * The image is the package the document describes; the OS is the package
 * whose purpose (or, from Trivy, whose id) says so.
 */
export function readSpdx(doc: SpdxDocument, file: string, limits: SbomLimits): SbomDocument {
  const version = String(doc.spdxVersion ?? "");
  if (!SPDX_READ_VERSIONS.includes(version)) {
    throw new VigilError("BAD_SBOM", `${file}: spdxVersion "${version}" is not supported`, {
      hint: "vigil reads SPDX 2.2 and 2.3 (JSON and tag-value)",
    });
  }
  const packages = doc.packages ?? [];
  if (!Array.isArray(packages)) {
    throw new VigilError("BAD_SBOM", `${file}: "packages" is not a list`);
  }
  if (packages.length > limits.maxComponents) throw tooMany(file, limits);

  const described = new Set<string>(
    Array.isArray(doc.documentDescribes) ? doc.documentDescribes : [],
  );
  for (const r of Array.isArray(doc.relationships) ? doc.relationships : []) {
    if (r?.spdxElementId === "SPDXRef-DOCUMENT" && r.relationshipType === "DESCRIBES") {
      described.add(r.relatedSpdxElement);
    }
  }

  let root: SbomEntry | undefined;
  const entries: SbomEntry[] = [];
  packages.forEach((p, i) => {
    if (typeof p !== "object" || p === null) return;
    const entry = toEntry(p, i);
    const isRoot = described.has(p.SPDXID) && (entry.kind === "image" || !entry.purl);
    if (isRoot && !root) root = { ...entry, kind: "image" };
    else entries.push(entry);
  });
  return { format: version, root, entries };
}

function toEntry(p: SpdxPackage, index: number): SbomEntry {
  const facts = new FactMap();
  for (const a of Array.isArray(p.annotations) ? p.annotations : []) {
    const m = /^(vigil:[^=]+)=([\s\S]*)$/.exec(str(a?.comment) ?? "");
    if (m) facts.add(m[1] as string, m[2] as string);
  }
  // note: Trivy's SPDX writes its facts as attribution texts, `Key: value`.
  const attributions = (p as { attributionTexts?: unknown }).attributionTexts;
  for (const t of Array.isArray(attributions) ? attributions : []) {
    const m = /^(\w+): (.*)$/.exec(str(t) ?? "");
    if (m) facts.add(`aquasecurity:trivy:${m[1]}`, m[2] as string);
  }

  const purpose = str(p.primaryPackagePurpose)?.toUpperCase().replace(/_/g, "-");
  const id = str(p.SPDXID) ?? "";
  const kind =
    purpose === "OPERATING-SYSTEM" || id.startsWith("SPDXRef-OperatingSystem")
      ? "os"
      : purpose === "CONTAINER" || id.startsWith("SPDXRef-ContainerImage")
        ? "image"
        : purpose === "FILE" || purpose === "SOURCE" || purpose === "ARCHIVE"
          ? "other"
          : "package";

  const declared = str(p.licenseDeclared);
  const concluded = str(p.licenseConcluded);
  const license = [declared, concluded].find((l) => l && !NO_VALUE.has(l));
  const name = str(p.name);
  return {
    kind,
    name,
    version: str(p.versionInfo),
    purl: purlOf(p),
    licenses: license ? [license] : [],
    supplier: supplierOf(str(p.supplier)),
    description: str(p.description),
    sourceInfo: str(p.sourceInfo),
    facts,
    label: `package ${index + 1} "${name ?? "?"}" (${id || "no SPDXID"})`,
  };
}

function purlOf(p: SpdxPackage): string | undefined {
  const refs = Array.isArray(p.externalRefs) ? p.externalRefs : [];
  const ref = refs.find((r) => str(r?.referenceType)?.toLowerCase() === "purl");
  return str(ref?.referenceLocator)?.trim();
}

/** `Person: Name (mail)` back to `Name <mail>`; NOASSERTION is no supplier. */
function supplierOf(text: string | undefined): string | undefined {
  if (!text || NO_VALUE.has(text)) return undefined;
  const bare = text.replace(/^(Person|Organization|Tool):\s*/, "");
  return bare.replace(/\s*\(([^()]*@[^()]*)\)\s*$/, " <$1>").trim();
}
