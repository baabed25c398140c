import type * as CDX from "@cyclonedx/cyclonedx-library";
import { VIGIL_VERSION } from "../about.js";
import type { Inventory, Package } from "../inventory/types.js";
import type { Finding, Severity } from "../match/types.js";
import { contentUuid, imageName, type DocumentIdentity } from "./identity.js";
import { combineLicenses, isSingleLicenseId } from "./licenses.js";
import { imageFacts, osFacts, packageFacts, type Fact } from "./properties.js";

import type { CycloneDxVersion } from "./formats.js";
import { bomRefs, ociPurl } from "./refs.js";
import { lazyRequire } from "../util/lazy-require.js";

// The CycloneDX library takes a tenth of a second to load: it is loaded on
// the first SBOM or VDR written, not on every start of the CLI.
let library: typeof CDX | undefined;
let Models: typeof CDX.Models;
let Enums: typeof CDX.Enums;
let Spec: typeof CDX.Spec;
let Serialize: typeof CDX.Serialize;

function loadLibrary(): typeof CDX {
  if (!library) {
    library = lazyRequire<typeof CDX>("@cyclonedx/cyclonedx-library");
    ({ Models, Enums, Spec, Serialize } = library);
  }
  return library;
}

export { CYCLONEDX_VERSIONS, type CycloneDxVersion } from "./formats.js";
export { bomRefs, ociPurl } from "./refs.js";

export interface CycloneDxOptions {
  specVersion: CycloneDxVersion;
  encoding: "json" | "xml";
  identity: DocumentIdentity;
  /** With findings the BOM is a VDR: components plus their vulnerabilities. */
  findings?: readonly Finding[];
}

export const IMAGE_REF = "vigil:image";
export const OS_REF = "vigil:os";

// A stand-in serial for deterministic output, replaced by a hash of the result.
const PLACEHOLDER = "urn:uuid:00000000-0000-0000-0000-000000000000";

/** The inventory as a CycloneDX BOM, serialised by the CycloneDX library. */
export function renderCycloneDx(inventory: Inventory, opts: CycloneDxOptions): string {
  loadLibrary();
  const bom = buildBom(inventory, opts);
  bom.serialNumber = opts.identity.serial ? `urn:uuid:${opts.identity.serial}` : PLACEHOLDER;

  const spec = opts.specVersion === "1.5" ? Spec.Spec1dot5 : Spec.Spec1dot6;
  const serializer =
    opts.encoding === "json"
      ? new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(spec))
      : new Serialize.XmlSerializer(new Serialize.XML.Normalize.Factory(spec));
  const text = `${serializer.serialize(bom, { sortLists: true, space: 2 })}\n`;

  if (opts.identity.serial) return text;
  return text.replace(PLACEHOLDER, `urn:uuid:${contentUuid(text)}`);
}

function buildBom(inventory: Inventory, opts: CycloneDxOptions): CDX.Models.Bom {
  const bom = new Models.Bom();
  bom.metadata.timestamp = opts.identity.timestamp;
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, "vigil", { version: VIGIL_VERSION }),
  );

  const root = imageComponent(inventory);
  bom.metadata.component = root;

  if (inventory.os) {
    const os = new Models.Component(Enums.ComponentType.OperatingSystem, inventory.os.family, {
      bomRef: OS_REF,
      version: inventory.os.fullVersion ?? inventory.os.release,
      description: inventory.os.prettyName,
      properties: properties(osFacts(inventory.os)),
    });
    bom.components.add(os);
    root.dependencies.add(os.bomRef);
  }

  const components = new Map<Package, CDX.Models.Component>();
  for (const [pkg, ref] of bomRefs(inventory.packages)) {
    const c = packageComponent(pkg, ref);
    components.set(pkg, c);
    bom.components.add(c);
    // note: the image "depends on" what it contains; lock-declared
    // dependencies between packages come with language packages (issue 4).
    root.dependencies.add(c.bomRef);
  }

  if (opts.findings) addVulnerabilities(bom, opts.findings, components);
  return bom;
}

function imageComponent(inventory: Inventory): CDX.Models.Component {
  const { image } = inventory;
  const name = imageName(image);
  const root = new Models.Component(Enums.ComponentType.Container, name, {
    bomRef: IMAGE_REF,
    version: image.digest,
    purl: ociPurl(name, image),
    properties: properties(imageFacts(image)),
    description: image.config.labels["org.opencontainers.image.description"],
  });
  const hex = /^sha256:([a-f0-9]{64})$/.exec(image.digest)?.[1];
  if (hex) root.hashes.set(Enums.HashAlgorithm["SHA-256"], hex);
  return root;
}

function packageComponent(pkg: Package, bomRef: string): CDX.Models.Component {
  const { group, name } = splitGroup(pkg);
  const c = new Models.Component(Enums.ComponentType.Library, name, {
    bomRef,
    group,
    version: pkg.version,
    purl: pkg.purl,
    author: pkg.maintainer,
    properties: properties(packageFacts(pkg)),
  });
  for (const choice of combineLicenses(pkg.licenses ?? [])) c.licenses.add(license(choice));
  return c;
}

function license(choice: ReturnType<typeof combineLicenses>[number]): CDX.Models.License {
  if ("name" in choice) return new Models.NamedLicense(choice.name);
  const id = choice.expression;
  if (isSingleLicenseId(id) && loadLibrary().SPDX.isSupportedSpdxId(id))
    return new Models.SpdxLicense(id);
  return new Models.LicenseExpression(id);
}

/** Maven `group:artifact` and npm `@scope/name` split as CycloneDX expects. */
function splitGroup(pkg: Package): { group?: string; name: string } {
  if (pkg.type === "maven" && pkg.name.includes(":")) {
    const [group, name] = pkg.name.split(":", 2) as [string, string];
    return { group, name };
  }
  if (pkg.type === "npm" && pkg.name.startsWith("@") && pkg.name.includes("/")) {
    const at = pkg.name.indexOf("/");
    return { group: pkg.name.slice(0, at), name: pkg.name.slice(at + 1) };
  }
  return { name: pkg.name };
}

function properties(facts: Fact[]): CDX.Models.PropertyRepository {
  const repo = new Models.PropertyRepository();
  for (const [name, value] of facts) repo.add(new Models.Property(name, value));
  return repo;
}

function severityOf(severity: Severity): CDX.Enums.Vulnerability.Severity {
  const S = Enums.Vulnerability.Severity;
  const map: Record<Severity, CDX.Enums.Vulnerability.Severity> = {
    CRITICAL: S.Critical,
    HIGH: S.High,
    MEDIUM: S.Medium,
    LOW: S.Low,
    NEGLIGIBLE: S.Info,
    UNKNOWN: S.Unknown,
  };
  return map[severity];
}

/**
 * One vulnerability per id, affecting every component it was found in; a
 * fixed version is stated as that version being `unaffected`.
 */
function addVulnerabilities(
  bom: CDX.Models.Bom,
  findings: readonly Finding[],
  components: Map<Package, CDX.Models.Component>,
): void {
  const byId = new Map<string, Finding[]>();
  for (const f of findings) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);

  for (const [id, group] of byId) {
    const first = group[0] as Finding;
    const v = new Models.Vulnerability.Vulnerability({
      bomRef: `vigil:vulnerability:${id}`,
      id,
      source: new Models.Vulnerability.Source({ name: first.sources.join(", ") }),
      description: first.title,
      published: first.published ? validDate(first.published) : undefined,
    });
    v.ratings.add(rating(first));
    for (const alias of first.aliases) {
      v.references.add(
        new Models.Vulnerability.Reference(alias, new Models.Vulnerability.Source()),
      );
    }
    for (const url of first.references) v.advisories.add(new Models.Vulnerability.Advisory(url));

    for (const f of group) {
      const component = components.get(f.package);
      if (!component) continue;
      v.affects.add(affect(f, component));
    }
    const fixes = group.filter((f) => f.fixedVersion);
    if (fixes.length > 0) {
      v.recommendation = fixes
        .map((f) => `Upgrade ${f.package.name} to ${f.fixedVersion}`)
        .filter((text, i, all) => all.indexOf(text) === i)
        .join("; ");
    }
    bom.vulnerabilities.add(v);
  }
}

function rating(f: Finding): CDX.Models.Vulnerability.Rating {
  const severity = severityOf(f.severity);
  if (!f.cvss) return new Models.Vulnerability.Rating({ severity });
  return new Models.Vulnerability.Rating({
    severity,
    score: f.cvss.score,
    vector: f.cvss.vector,
    method: ratingMethod(f.cvss),
  });
}

function ratingMethod(cvss: NonNullable<Finding["cvss"]>): CDX.Enums.Vulnerability.RatingMethod {
  const m = Enums.Vulnerability.RatingMethod;
  if (cvss.version === "CVSS_V2") return m.CVSSv2;
  if (cvss.version === "CVSS_V4") return m.CVSSv4;
  return cvss.vector.startsWith("CVSS:3.1") ? m.CVSSv31 : m.CVSSv3;
}

function affect(f: Finding, component: CDX.Models.Component): CDX.Models.Vulnerability.Affect {
  const status = Enums.Vulnerability.AffectStatus;
  const versions = new Models.Vulnerability.AffectedVersionRepository([
    new Models.Vulnerability.AffectedSingleVersion(f.package.version, { status: status.Affected }),
  ]);
  if (f.fixedVersion) {
    versions.add(
      new Models.Vulnerability.AffectedSingleVersion(f.fixedVersion, {
        status: status.Unaffected,
      }),
    );
  }
  return new Models.Vulnerability.Affect(component.bomRef, { versions });
}

function validDate(text: string): Date | undefined {
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
