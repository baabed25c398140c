import { VigilError } from "../../errors.js";
import { FactMap } from "../properties.js";
import type { SbomDocument, SbomEntry, SbomLimits } from "./types.js";

/** CycloneDX versions read: 1.2 introduced JSON; 1.7 reads as 1.6 does. */
export const CYCLONEDX_READ_VERSIONS = ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];

/**
 * A CycloneDX component in the shape both encodings reduce to. The JSON
 * reader passes components through; the XML reader builds these.
 */
export interface CdxComponent {
  type?: string;
  name?: string;
  version?: string;
  purl?: string;
  "bom-ref"?: string;
  description?: string;
  author?: string;
  publisher?: string;
  supplier?: { name?: string };
  licenses?: { license?: { id?: string; name?: string }; expression?: string }[];
  properties?: { name?: string; value?: string }[];
  components?: CdxComponent[];
}

export interface CdxBom {
  bomFormat?: string;
  specVersion?: string;
  metadata?: { component?: CdxComponent };
  components?: CdxComponent[];
}

const NOT_PACKAGES = new Set([
  "container",
  "platform",
  "device",
  "firmware",
  "file",
  "machine-learning-model",
  "data",
  "device-driver",
  "cryptographic-asset",
]);

export function readCycloneDx(bom: CdxBom, file: string, limits: SbomLimits): SbomDocument {
  const version = String(bom.specVersion ?? "");
  if (!CYCLONEDX_READ_VERSIONS.includes(version)) {
    throw new VigilError(
      "BAD_SBOM",
      `${file}: CycloneDX specVersion "${version}" is not supported`,
      { hint: "vigil reads CycloneDX 1.2 to 1.6 (JSON and XML)" },
    );
  }
  if (bom.components !== undefined && !Array.isArray(bom.components)) {
    throw new VigilError("BAD_SBOM", `${file}: "components" is not a list`);
  }

  const entries: SbomEntry[] = [];
  // Nested components are walked with a stack: a deep tree cannot overflow it.
  const stack: CdxComponent[] = [...(bom.components ?? [])].reverse();
  while (stack.length > 0) {
    const c = stack.pop() as CdxComponent;
    if (typeof c !== "object" || c === null) continue;
    if (entries.length >= limits.maxComponents) throw tooMany(file, limits);
    entries.push(toEntry(c, entries.length));
    if (Array.isArray(c.components)) stack.push(...[...c.components].reverse());
  }

  const meta = bom.metadata?.component;
  const root = meta && typeof meta === "object" ? toEntry(meta, -1) : undefined;
  if (root) root.kind = root.kind === "os" ? "os" : "image";
  return { format: `CycloneDX ${version}`, root, entries };
}

export function tooMany(file: string, limits: SbomLimits): VigilError {
  return new VigilError("LIMIT_EXCEEDED", `${file}: more than ${limits.maxComponents} components`, {
    hint: "vigil refuses SBOMs this large; split it, or raise --max-components",
  });
}

function toEntry(c: CdxComponent, index: number): SbomEntry {
  const type = str(c.type);
  const kind =
    type === "operating-system" ? "os" : type && NOT_PACKAGES.has(type) ? "other" : "package";
  const facts = new FactMap();
  for (const p of Array.isArray(c.properties) ? c.properties : []) {
    if (typeof p?.name === "string") facts.add(p.name, str(p.value) ?? "");
  }

  const name = str(c.name);
  const ref = str(c["bom-ref"]);
  const where = index < 0 ? "metadata component" : `component ${index + 1}`;
  return {
    kind,
    name,
    version: str(c.version),
    purl: str(c.purl)?.trim(),
    licenses: licensesOf(c),
    supplier: str(c.author) ?? str(c.supplier?.name) ?? str(c.publisher),
    description: str(c.description),
    facts,
    label: `${where} "${name ?? "?"}"${ref ? ` (bom-ref ${ref})` : ""}`,
  };
}

function licensesOf(c: CdxComponent): string[] {
  if (!Array.isArray(c.licenses)) return [];
  return c.licenses.flatMap((l) => {
    const text = str(l?.expression) ?? str(l?.license?.id) ?? str(l?.license?.name);
    return text ? [text] : [];
  });
}

/** A string field, or undefined for anything else (numbers are accepted as text). */
export function str(v: unknown): string | undefined {
  if (typeof v === "string") return v === "" ? undefined : v;
  if (typeof v === "number") return String(v);
  return undefined;
}
