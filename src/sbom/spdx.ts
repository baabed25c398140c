// SPDX 2.3 written from vigil's own model. No maintained JavaScript library
// models SPDX 2.x documents (the SPDX project's own tools are Java, Python
// and Go); the JSON form is plain data, checked against the official schema
// in the tests, and tag-value is a rendering of the same document.
import { createHash } from "node:crypto";
import { VIGIL_VERSION } from "../about.js";
import type { Inventory, Package } from "../inventory/types.js";
import { bomRefs, ociPurl } from "./refs.js";
import { contentUuid, imageName, isoSeconds, type DocumentIdentity } from "./identity.js";
import { combineLicenses } from "./licenses.js";
import { imageFacts, osFacts, packageFacts, type Fact } from "./properties.js";

export interface SpdxDocument {
  spdxVersion: string;
  dataLicense: string;
  SPDXID: string;
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[]; comment?: string };
  packages: SpdxPackage[];
  relationships: SpdxRelationship[];
  hasExtractedLicensingInfos?: SpdxExtractedLicense[];
  documentDescribes?: string[];
}

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  supplier?: string;
  downloadLocation: string;
  filesAnalyzed?: boolean;
  checksums?: { algorithm: string; checksumValue: string }[];
  sourceInfo?: string;
  licenseConcluded?: string;
  licenseDeclared?: string;
  copyrightText?: string;
  description?: string;
  primaryPackagePurpose?: string;
  externalRefs?: SpdxExternalRef[];
  annotations?: SpdxAnnotation[];
}

export interface SpdxExternalRef {
  referenceCategory: string;
  referenceType: string;
  referenceLocator: string;
}

export interface SpdxAnnotation {
  annotationDate: string;
  annotationType: "OTHER" | "REVIEW";
  annotator: string;
  comment: string;
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: string;
  relatedSpdxElement: string;
}

export interface SpdxExtractedLicense {
  licenseId: string;
  extractedText: string;
  name?: string;
}

export const TOOL = `Tool: vigil-${VIGIL_VERSION}`;
const NOASSERTION = "NOASSERTION";
const PLACEHOLDER = "00000000-0000-0000-0000-000000000000";

/** The inventory as an SPDX 2.3 document; `serialize` turns it into bytes. */
export function buildSpdx(inventory: Inventory, identity: DocumentIdentity): SpdxDocument {
  const created = isoSeconds(identity.timestamp);
  const annotate = (facts: Fact[]): SpdxAnnotation[] | undefined =>
    facts.length === 0
      ? undefined
      : facts.map(([k, v]) => ({
          annotationDate: created,
          annotationType: "OTHER",
          annotator: TOOL,
          comment: `${k}=${v}`,
        }));

  const name = imageName(inventory.image);
  const image = imagePackage(inventory, name, annotate);
  const packages: SpdxPackage[] = [image];
  const relationships: SpdxRelationship[] = [
    {
      spdxElementId: "SPDXRef-DOCUMENT",
      relationshipType: "DESCRIBES",
      relatedSpdxElement: image.SPDXID,
    },
  ];
  const contains = (id: string) =>
    relationships.push({
      spdxElementId: image.SPDXID,
      relationshipType: "CONTAINS",
      relatedSpdxElement: id,
    });

  if (inventory.os) {
    const os = inventory.os;
    packages.push({
      SPDXID: "SPDXRef-OperatingSystem",
      name: os.family,
      versionInfo: os.fullVersion ?? os.release,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      description: os.prettyName,
      primaryPackagePurpose: "OPERATING_SYSTEM",
      annotations: annotate(osFacts(os)),
    });
    contains("SPDXRef-OperatingSystem");
  }

  const licenses = new LicenseRefs();
  for (const [pkg, ref] of bomRefs(inventory.packages)) {
    const p = spdxPackage(pkg, ref, licenses, annotate);
    packages.push(p);
    contains(p.SPDXID);
  }

  const doc: SpdxDocument = {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name,
    documentNamespace: `urn:uuid:${identity.serial ?? PLACEHOLDER}`,
    creationInfo: { created, creators: [TOOL] },
    packages,
    relationships,
  };
  const extracted = licenses.extracted();
  if (extracted.length > 0) doc.hasExtractedLicensingInfos = extracted;
  return doc;
}

/** Fills in a content-derived namespace when the identity left it open. */
export function finishSpdx(text: string, identity: DocumentIdentity): string {
  if (identity.serial) return text;
  return text.replace(PLACEHOLDER, contentUuid(text));
}

export function renderSpdxJson(inventory: Inventory, identity: DocumentIdentity): string {
  const doc = buildSpdx(inventory, identity);
  return finishSpdx(`${JSON.stringify(doc, null, 2)}\n`, identity);
}

function imagePackage(
  inventory: Inventory,
  name: string,
  annotate: (facts: Fact[]) => SpdxAnnotation[] | undefined,
): SpdxPackage {
  const { image } = inventory;
  const p: SpdxPackage = {
    SPDXID: "SPDXRef-Image",
    name,
    versionInfo: image.digest,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    description: image.config.labels["org.opencontainers.image.description"],
    primaryPackagePurpose: "CONTAINER",
    annotations: annotate(imageFacts(image)),
  };
  const hex = /^sha256:([a-f0-9]{64})$/.exec(image.digest)?.[1];
  if (hex) p.checksums = [{ algorithm: "SHA256", checksumValue: hex }];
  const purl = ociPurl(name, image);
  if (purl) p.externalRefs = [purlRef(purl)];
  return p;
}

function spdxPackage(
  pkg: Package,
  ref: string,
  licenses: LicenseRefs,
  annotate: (facts: Fact[]) => SpdxAnnotation[] | undefined,
): SpdxPackage {
  const p: SpdxPackage = {
    SPDXID: spdxId(pkg.name, ref),
    name: pkg.name,
    versionInfo: pkg.version,
    downloadLocation: NOASSERTION,
    filesAnalyzed: false,
    licenseConcluded: NOASSERTION,
    licenseDeclared: licenses.declared(pkg.licenses ?? []),
    copyrightText: NOASSERTION,
    primaryPackagePurpose: "LIBRARY",
    externalRefs: [purlRef(pkg.purl)],
    annotations: annotate(packageFacts(pkg)),
  };
  if (pkg.maintainer) p.supplier = `Person: ${supplierName(pkg.maintainer)}`;
  if (pkg.sourceName) {
    const version = pkg.sourceVersion ? ` ${pkg.sourceVersion}` : "";
    p.sourceInfo = `built package from: ${pkg.sourceName}${version}`;
  }
  return p;
}

function purlRef(purl: string): SpdxExternalRef {
  return { referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: purl };
}

/** `Name <mail>` as SPDX writes a person: `Name (mail)`. */
function supplierName(maintainer: string): string {
  return maintainer.replace(/\s*<([^>]*)>\s*$/, " ($1)").trim();
}

/** `SPDXRef-Package-deb-libc6-1a2b3c4d5e6f`: readable, and unique through a hash of the ref. */
export function spdxId(name: string, ref: string): string {
  const safe = name.replace(/[^A-Za-z0-9.-]+/g, "-").slice(0, 64);
  const type = /^pkg:([a-z0-9.+-]+)\//.exec(ref)?.[1] ?? "generic";
  const hash = createHash("sha256").update(ref).digest("hex").slice(0, 12);
  return `SPDXRef-Package-${type}-${safe}-${hash}`;
}

/**
 * License texts that are no SPDX expression become `LicenseRef-…` entries
 * with the text kept, as SPDX requires for licenses off its list.
 */
class LicenseRefs {
  private readonly refs = new Map<string, string>();

  declared(texts: readonly string[]): string {
    const choices = combineLicenses(texts);
    if (choices.length === 0) return NOASSERTION;
    const parts = choices.map((c) => ("expression" in c ? c.expression : this.refFor(c.name)));
    if (parts.length === 1) return parts[0] as string;
    return parts.map((p) => (/\s/.test(p) ? `(${p})` : p)).join(" AND ");
  }

  extracted(): SpdxExtractedLicense[] {
    return [...this.refs]
      .map(([text, licenseId]) => ({ licenseId, extractedText: text, name: text }))
      .sort((a, b) => (a.licenseId < b.licenseId ? -1 : a.licenseId > b.licenseId ? 1 : 0));
  }

  private refFor(text: string): string {
    let id = this.refs.get(text);
    if (!id) {
      const safe = text
        .replace(/[^A-Za-z0-9.-]+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 48);
      const hash = createHash("sha256").update(text).digest("hex").slice(0, 8);
      id = `LicenseRef-${safe || "unnamed"}-${hash}`;
      this.refs.set(text, id);
    }
    return id;
  }
}
