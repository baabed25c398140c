import type { ImageMetadata, Package } from "../inventory/types.js";
import { parsePurl, purlCovers } from "./exceptions.js";
import { SourceFile } from "./source.js";
import { VEX_STATUSES, type VexStatus } from "./types.js";

/** One VEX statement, whichever format it came in. */
export interface VexStatement {
  vulnerability: string;
  aliases: string[];
  /** Purls or image names the statement is about; subcomponents narrow a product to packages. */
  products: { id: string; subcomponents: string[] }[];
  status: VexStatus;
  justification?: string;
  /** Why (not_affected), or what to do (affected). */
  detail?: string;
  /** `file:line`. */
  source: string;
  /** `file:line` of its products, for an error about them. */
  productsSource: string;
}

type Path = (string | number)[];
type Json = Record<string, unknown>;

/**
 * Reads `--vex FILE`: an OpenVEX document, an in-toto statement or DSSE
 * envelope carrying one, or a CycloneDX BOM whose vulnerabilities carry an
 * `analysis` (CycloneDX VEX, standalone or embedded in an SBOM).
 */
export async function loadVex(file: string): Promise<VexDocument> {
  const source = await SourceFile.read(file, "BAD_VEX");
  return { name: file, statements: readVex(source) };
}

export interface VexDocument {
  name: string;
  statements: VexStatement[];
}

export function readVex(source: SourceFile): VexStatement[] {
  const doc = source.value as Json;
  if (typeof doc.payload === "string" && typeof doc.payloadType === "string") {
    return readEnvelope(source, doc.payload);
  }
  if (isOpenVex(doc)) return readOpenVex(source, doc, []);
  if (isInToto(doc)) return readOpenVex(source, doc.predicate as Json, ["predicate"]);
  if (doc.bomFormat === "CycloneDX") return readCycloneDx(source, doc);
  throw source.error(
    1,
    "not a VEX document vigil reads",
    undefined,
    "give an OpenVEX document, an in-toto attestation of one, or a CycloneDX BOM with vulnerabilities",
  );
}

function isOpenVex(doc: Json): boolean {
  return typeof doc["@context"] === "string" && doc["@context"].includes("openvex");
}

function isInToto(doc: Json): boolean {
  const type = String(doc.predicateType ?? "");
  return String(doc._type ?? "").includes("in-toto") && type.includes("openvex");
}

/** A DSSE envelope: the statement is base64 in `payload`; its lines are not the file's. */
function readEnvelope(source: SourceFile, payload: string): VexStatement[] {
  const text = Buffer.from(payload, "base64").toString("utf8");
  const inner = new SourceFile(`${source.name} (payload)`, text, "BAD_VEX");
  const statement = inner.value as Json;
  if (!isInToto(statement)) {
    throw source.errorAt(["payload"], "the envelope carries no OpenVEX statement");
  }
  return readOpenVex(inner, statement.predicate as Json, ["predicate"]);
}

function readOpenVex(source: SourceFile, doc: Json, at: Path): VexStatement[] {
  const statements = doc.statements;
  if (!Array.isArray(statements)) throw source.errorAt(at, "an OpenVEX document needs statements");

  return statements.map((raw: Json, i) => {
    const path = [...at, "statements", i];
    const vuln = raw.vulnerability;
    const name = typeof vuln === "string" ? vuln : (vuln as Json | undefined)?.name;
    if (typeof name !== "string")
      throw source.errorAt(path, "the statement names no vulnerability");
    const status = raw.status as VexStatus;
    if (!VEX_STATUSES.includes(status)) {
      throw source.errorAt([...path, "status"], `must be one of ${VEX_STATUSES.join(", ")}`);
    }
    if (status === "not_affected" && !raw.justification && !raw.impact_statement) {
      throw source.errorAt(path, "not_affected needs a justification or an impact_statement");
    }

    // v0.0.1 put subcomponents beside the products; v0.2 puts them inside each.
    const shared = ids(raw.subcomponents);
    const products = (Array.isArray(raw.products) ? raw.products : []).map((p: unknown) => {
      const id = typeof p === "string" ? p : String((p as Json)["@id"] ?? "");
      const subs = typeof p === "string" ? [] : ids((p as Json).subcomponents);
      return { id, subcomponents: [...subs, ...shared] };
    });
    const aliases = Array.isArray((vuln as Json | undefined)?.aliases)
      ? ((vuln as Json).aliases as string[])
      : [];

    return {
      vulnerability: name,
      aliases,
      products,
      status,
      justification: raw.justification as string | undefined,
      detail: (raw.impact_statement ?? raw.action_statement ?? raw.status_notes) as
        | string
        | undefined,
      source: `${source.name}:${source.lineOf(path) ?? 1}`,
      productsSource: `${source.name}:${source.lineOf([...path, "products"]) ?? source.lineOf(path) ?? 1}`,
    };
  });
}

function ids(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((s) => (typeof s === "string" ? s : String((s as Json)["@id"] ?? "")));
}

/** CycloneDX analysis states, as the OpenVEX statuses they mean. */
const CDX_STATES: Record<string, VexStatus> = {
  not_affected: "not_affected",
  false_positive: "not_affected",
  resolved: "fixed",
  resolved_with_pedigree: "fixed",
  exploitable: "affected",
  in_triage: "under_investigation",
};

function readCycloneDx(source: SourceFile, bom: Json): VexStatement[] {
  const purls = componentPurls(bom);
  const vulns = Array.isArray(bom.vulnerabilities) ? (bom.vulnerabilities as Json[]) : [];

  return vulns.flatMap((v, i) => {
    const analysis = v.analysis as Json | undefined;
    // A vulnerability without an analysis is a finding (a VDR), not a statement.
    if (!analysis?.state) return [];
    const path = ["vulnerabilities", i];
    const status = CDX_STATES[String(analysis.state)];
    if (!status) {
      const states = Object.keys(CDX_STATES).join(", ");
      throw source.errorAt([...path, "analysis", "state"], `must be one of ${states}`);
    }
    const affects = (Array.isArray(v.affects) ? (v.affects as Json[]) : []).map((a) =>
      resolveRef(String(a.ref ?? ""), purls),
    );
    const aliases = (Array.isArray(v.references) ? (v.references as Json[]) : [])
      .map((r) => String(r.id ?? ""))
      .filter(Boolean);

    return [
      {
        vulnerability: String(v.id ?? ""),
        aliases,
        products: affects.map((id) => ({ id, subcomponents: [] })),
        status,
        justification: analysis.justification as string | undefined,
        detail: analysis.detail as string | undefined,
        source: `${source.name}:${source.lineOf(path) ?? 1}`,
        productsSource: `${source.name}:${source.lineOf([...path, "affects"]) ?? source.lineOf(path) ?? 1}`,
      },
    ];
  });
}

function componentPurls(bom: Json): Map<string, string> {
  const refs = new Map<string, string>();
  const visit = (c: Json | undefined) => {
    if (!c) return;
    if (typeof c["bom-ref"] === "string" && typeof c.purl === "string") {
      refs.set(c["bom-ref"], c.purl);
    }
    for (const child of Array.isArray(c.components) ? (c.components as Json[]) : []) visit(child);
  };
  visit((bom.metadata as Json | undefined)?.component as Json | undefined);
  for (const c of Array.isArray(bom.components) ? (bom.components as Json[]) : []) visit(c);
  return refs;
}

/** A bom-ref, or a BOM-Link (`urn:cdx:serial/1#ref`) into another BOM: vigil's refs are purls. */
function resolveRef(ref: string, purls: ReadonlyMap<string, string>): string {
  const local = ref.startsWith("urn:cdx:") ? ref.slice(ref.indexOf("#") + 1) : ref;
  const decoded = safeDecode(local);
  return purls.get(decoded) ?? purls.get(local) ?? decoded.replace(/#\d+$/, "");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Whether a product names this image: its digest in a `pkg:oci` purl, or its name. */
export function namesImage(product: string, image: ImageMetadata, names: string[]): boolean {
  const digests = [image.digest, image.configDigest];
  const purl = product.startsWith("pkg:oci/") ? parsePurl(product) : undefined;
  if (purl) return digests.includes(purl.version ?? "") || names.includes(purl.name);
  return digests.some((d) => product.includes(d)) || names.includes(product);
}

/** Whether a statement speaks of this package of this image. */
export function statementCovers(
  s: VexStatement,
  pkg: Package,
  image: ImageMetadata,
  names: string[],
): boolean {
  return s.products.some((p) => {
    if (namesImage(p.id, image, names)) {
      return p.subcomponents.length === 0 || p.subcomponents.some((c) => purlCovers(c, pkg.purl));
    }
    return purlCovers(p.id, pkg.purl);
  });
}
