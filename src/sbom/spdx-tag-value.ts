// SPDX tag-value: the same document as the JSON form, one `Tag: value` per
// line, multi-line values between <text> and </text>.
import { VigilError } from "../errors.js";
import type { Inventory } from "../inventory/types.js";
import type { DocumentIdentity } from "./identity.js";
import {
  buildSpdx,
  finishSpdx,
  type SpdxAnnotation,
  type SpdxDocument,
  type SpdxPackage,
} from "./spdx.js";

export function renderSpdxTagValue(inventory: Inventory, identity: DocumentIdentity): string {
  return finishSpdx(toTagValue(buildSpdx(inventory, identity)), identity);
}

export function toTagValue(doc: SpdxDocument): string {
  const out: string[] = [];
  const tag = (name: string, value: string | undefined) => {
    if (value !== undefined) out.push(`${name}: ${text(value)}`);
  };

  tag("SPDXVersion", doc.spdxVersion);
  tag("DataLicense", doc.dataLicense);
  tag("SPDXID", doc.SPDXID);
  tag("DocumentName", doc.name);
  tag("DocumentNamespace", doc.documentNamespace);
  for (const c of doc.creationInfo.creators) tag("Creator", c);
  tag("Created", doc.creationInfo.created);

  for (const p of doc.packages) {
    out.push("", `##### Package: ${p.name}`, "");
    packageTags(p, tag);
    for (const a of p.annotations ?? []) annotationTags(a, p.SPDXID, tag);
  }

  if (doc.hasExtractedLicensingInfos?.length) {
    out.push("", "##### Other licenses", "");
    for (const l of doc.hasExtractedLicensingInfos) {
      tag("LicenseID", l.licenseId);
      tag("ExtractedText", l.extractedText);
      tag("LicenseName", l.name);
    }
  }

  out.push("", "##### Relationships", "");
  for (const r of doc.relationships) {
    tag("Relationship", `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`);
  }
  return `${out.join("\n")}\n`;
}

type Tag = (name: string, value: string | undefined) => void;

function packageTags(p: SpdxPackage, tag: Tag): void {
  tag("PackageName", p.name);
  tag("SPDXID", p.SPDXID);
  tag("PackageVersion", p.versionInfo);
  tag("PackageSupplier", p.supplier);
  tag("PackageDownloadLocation", p.downloadLocation);
  if (p.filesAnalyzed !== undefined) tag("FilesAnalyzed", String(p.filesAnalyzed));
  for (const c of p.checksums ?? []) tag("PackageChecksum", `${c.algorithm}: ${c.checksumValue}`);
  tag("PackageSourceInfo", p.sourceInfo);
  tag("PackageLicenseConcluded", p.licenseConcluded);
  tag("PackageLicenseDeclared", p.licenseDeclared);
  tag("PackageCopyrightText", p.copyrightText);
  tag("PackageDescription", p.description);
  // Tag-value spells the purpose with a hyphen where JSON has an underscore.
  tag("PrimaryPackagePurpose", p.primaryPackagePurpose?.replace(/_/g, "-"));
  for (const r of p.externalRefs ?? []) {
    tag("ExternalRef", `${r.referenceCategory} ${r.referenceType} ${r.referenceLocator}`);
  }
}

function annotationTags(a: SpdxAnnotation, ref: string, tag: Tag): void {
  tag("Annotator", a.annotator);
  tag("AnnotationDate", a.annotationDate);
  tag("AnnotationType", a.annotationType);
  tag("SPDXREF", ref);
  tag("AnnotationComment", a.comment);
}

/** Values that could be misread (several lines, markup, edge spaces) go in <text>. */
function text(value: string): string {
  if (/[\n\r<]|^\s|\s$/.test(value) || value === "") return `<text>${value}</text>`;
  return value;
}

/**
 * Reads tag-value into the JSON document shape, so one reader serves both.
 * Only what vigil reads is kept: document header, packages with their
 * external refs, annotations and source info, relationships.
 */
export function parseTagValue(input: string, file: string): SpdxDocument {
  const doc: SpdxDocument = {
    spdxVersion: "",
    dataLicense: "",
    SPDXID: "",
    name: "",
    documentNamespace: "",
    creationInfo: { created: "", creators: [] },
    packages: [],
    relationships: [],
  };
  const byId = new Map<string, SpdxPackage>();
  let pkg: SpdxPackage | undefined;
  let annotation: (SpdxAnnotation & { ref?: string }) | undefined;
  let inFile = false;

  const finishAnnotation = () => {
    if (!annotation) return;
    const target = annotation.ref ? byId.get(annotation.ref) : pkg;
    const { ref: _ref, ...rest } = annotation;
    if (target) (target.annotations ??= []).push(rest);
    annotation = undefined;
  };

  for (const { tag, value } of tagLines(input, file)) {
    if (tag.startsWith("Annotat") || tag === "SPDXREF") {
      if (tag === "Annotator") {
        finishAnnotation();
        annotation = { annotator: value, annotationDate: "", annotationType: "OTHER", comment: "" };
      } else if (annotation) {
        if (tag === "SPDXREF") annotation.ref = value;
        if (tag === "AnnotationDate") annotation.annotationDate = value;
        if (tag === "AnnotationComment") annotation.comment = value;
      }
      continue;
    }
    finishAnnotation();

    switch (tag) {
      case "SPDXVersion":
        doc.spdxVersion = value;
        break;
      case "DocumentName":
        doc.name = value;
        break;
      case "DocumentNamespace":
        doc.documentNamespace = value;
        break;
      case "Creator":
        doc.creationInfo.creators.push(value);
        break;
      case "Created":
        doc.creationInfo.created = value;
        break;
      case "PackageName":
        pkg = { SPDXID: "", name: value, downloadLocation: "" };
        doc.packages.push(pkg);
        inFile = false;
        break;
      case "FileName":
      case "SnippetSPDXID":
      case "LicenseID":
        inFile = true;
        break;
      case "SPDXID":
        if (pkg && !inFile) {
          pkg.SPDXID = value;
          byId.set(value, pkg);
        } else if (!pkg) doc.SPDXID = value;
        break;
      case "Relationship": {
        const [a, type, b] = value.split(/\s+/);
        if (a && type && b) {
          doc.relationships.push({
            spdxElementId: a,
            relationshipType: type,
            relatedSpdxElement: b,
          });
        }
        break;
      }
      default:
        if (pkg && !inFile) packageTag(pkg, tag, value);
    }
  }
  finishAnnotation();
  return doc;
}

function packageTag(pkg: SpdxPackage, tag: string, value: string): void {
  switch (tag) {
    case "PackageVersion":
      pkg.versionInfo = value;
      break;
    case "PackageSupplier":
      pkg.supplier = value;
      break;
    case "PackageSourceInfo":
      pkg.sourceInfo = value;
      break;
    case "PackageLicenseDeclared":
      pkg.licenseDeclared = value;
      break;
    case "PackageLicenseConcluded":
      pkg.licenseConcluded = value;
      break;
    case "PrimaryPackagePurpose":
      pkg.primaryPackagePurpose = value;
      break;
    case "ExternalRef": {
      const [category, type, ...locator] = value.split(/\s+/);
      if (category && type && locator.length > 0) {
        (pkg.externalRefs ??= []).push({
          referenceCategory: category,
          referenceType: type,
          referenceLocator: locator.join(" "),
        });
      }
      break;
    }
  }
}

function* tagLines(
  input: string,
  file: string,
): Generator<{ tag: string; value: string; line: number }> {
  const lines = input.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] as string;
    if (raw.trim() === "" || raw.startsWith("#")) continue;
    const colon = raw.indexOf(":");
    if (colon <= 0) {
      throw new VigilError("BAD_SBOM", `${file}: line ${i + 1}: not a "Tag: value" line`);
    }
    const tag = raw.slice(0, colon).trim();
    let value = raw.slice(colon + 1).trim();
    const start = i + 1;

    if (value.startsWith("<text>")) {
      value = value.slice("<text>".length);
      while (!value.includes("</text>") && i + 1 < lines.length) value += `\n${lines[++i]}`;
      const end = value.indexOf("</text>");
      if (end < 0) {
        throw new VigilError("BAD_SBOM", `${file}: line ${start}: <text> is never closed`);
      }
      value = value.slice(0, end);
    }
    yield { tag, value, line: start };
  }
}
