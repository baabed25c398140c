import { XMLParser } from "fast-xml-parser";
import { VigilError } from "../../errors.js";
import type { CdxBom, CdxComponent } from "./cyclonedx.js";

// Elements that repeat in a CycloneDX BOM, read as lists even when single.
const LISTS = new Set(["component", "license", "expression", "property"]);

/**
 * Reads a CycloneDX XML BOM into the JSON shape, so one reader interprets
 * both. A document type declaration is refused: CycloneDX has none, and
 * entity expansion is how XML is made to eat memory.
 */
export function parseCycloneDxXml(text: string, file: string): CdxBom {
  if (/<!DOCTYPE/i.test(text)) {
    throw new VigilError("BAD_SBOM", `${file}: XML with a DOCTYPE is not read`, {
      hint: "CycloneDX XML has no document type declaration",
    });
  }

  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    removeNSPrefix: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    isArray: (name) => LISTS.has(name),
  });
  let doc: { bom?: XmlBom };
  try {
    doc = parser.parse(text, true) as { bom?: XmlBom };
  } catch (err) {
    throw new VigilError("BAD_SBOM", `${file}: not well-formed XML: ${firstLine(err)}`, {
      cause: err,
    });
  }

  const bom = doc.bom;
  const ns = bom?.["@xmlns"] ?? "";
  const version = /cyclonedx\.org\/schema\/bom\/(\d+\.\d+)/.exec(ns)?.[1];
  if (!bom || !version) {
    throw new VigilError("BAD_SBOM", `${file}: not a CycloneDX XML document`, {
      hint: 'expected <bom xmlns="http://cyclonedx.org/schema/bom/1.x">',
    });
  }

  return {
    bomFormat: "CycloneDX",
    specVersion: version,
    metadata: { component: bom.metadata?.component?.map(component)[0] },
    components: (bom.components?.component ?? []).map(component),
  };
}

interface XmlBom {
  "@xmlns"?: string;
  metadata?: { component?: XmlComponent[] };
  components?: { component?: XmlComponent[] };
}

interface XmlComponent {
  "@type"?: string;
  "@bom-ref"?: string;
  name?: unknown;
  version?: unknown;
  purl?: unknown;
  description?: unknown;
  author?: unknown;
  publisher?: unknown;
  supplier?: { name?: unknown };
  licenses?: { license?: { id?: unknown; name?: unknown }[]; expression?: unknown[] };
  properties?: { property?: ({ "@name"?: string; "#text"?: unknown } | string)[] };
  components?: { component?: XmlComponent[] };
}

function component(x: XmlComponent): CdxComponent {
  const licenses = [
    ...(x.licenses?.license ?? []).map((l) => ({
      license: { id: text(l.id), name: text(l.name) },
    })),
    ...(x.licenses?.expression ?? []).map((e) => ({ expression: text(e) })),
  ];
  const properties = (x.properties?.property ?? []).flatMap((p) =>
    typeof p === "object" && p["@name"]
      ? [{ name: p["@name"], value: text(p["#text"]) ?? "" }]
      : [],
  );
  return {
    type: x["@type"],
    "bom-ref": x["@bom-ref"],
    name: text(x.name),
    version: text(x.version),
    purl: text(x.purl),
    description: text(x.description),
    author: text(x.author),
    publisher: text(x.publisher),
    supplier: x.supplier ? { name: text(x.supplier.name) } : undefined,
    licenses,
    properties,
    components: (x.components?.component ?? []).map(component),
  };
}

/** Element text: a string, or `#text` when the element also has attributes. */
function text(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && "#text" in v)
    return String((v as { "#text": unknown })["#text"]);
  return undefined;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] as string;
}
