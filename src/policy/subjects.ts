import type { ImageMetadata, Inventory, Package } from "../inventory/types.js";
import type { LicenseFinding } from "../licenses/findings.js";
import type { Finding } from "../match/types.js";
import type { MisconfigFinding } from "../misconfig/types.js";
import type { ScanResult } from "../report/model.js";
import { imageName } from "../sbom/identity.js";
import type { SecretFinding } from "../secrets/types.js";
import { NO_PACKAGE, type Facts, type FindingFacts, type ImageFacts } from "./facts.js";
import { riskScore } from "./risk.js";
import type { FindingKind } from "./types.js";

/** One finding as the policy judges it: its key, what rules read, and the finding itself. */
export interface Subject {
  kind: FindingKind;
  key: string;
  facts: Facts;
  /** "CVE-2024-1 in openssl 3.0.1", "aws-access-key-id in /root/.aws/credentials:2". */
  label: string;
}

// Keys name a finding within one scan; reports use them to find its decision.

export function vulnerabilityKey(f: Finding): string {
  return `vulnerability:${f.id}:${f.package.purl}:${f.package.path}`;
}

export function secretKey(s: SecretFinding): string {
  return `secret:${s.rule}:${s.path}:${s.line ?? ""}:${s.layer ?? ""}:${s.fingerprint}`;
}

export function misconfigKey(m: MisconfigFinding): string {
  return `misconfiguration:${m.id}`;
}

export function licenseKey(l: LicenseFinding): string {
  return `license:${l.class}:${l.package.purl}:${l.package.path}`;
}

/** Every finding of a scan, in the order the report lists them. */
export function subjectsOf(
  result: ScanResult,
  vex: ReadonlyMap<string, string> = new Map(),
): Subject[] {
  const image = imageFacts(result.inventory.image, result.inventory);
  const ctx = { image, exposed: image.exposedPorts.length > 0, vex };

  return [
    ...result.findings.map((f) => vulnerabilitySubject(f, ctx)),
    ...(result.inventory.secrets ?? []).map((s) => secretSubject(s, ctx)),
    ...(result.misconfigurations ?? []).map((m) => misconfigSubject(m, ctx)),
    ...(result.licenses ?? []).map((l) => licenseSubject(l, ctx)),
  ];
}

interface Context {
  image: ImageFacts;
  exposed: boolean;
  vex: ReadonlyMap<string, string>;
}

/** The risk score of a vulnerability as `finding.risk` has it; reports sort by it. */
export function vulnerabilityRisk(f: Finding, exposed: boolean): number {
  return riskScore({
    kind: "vulnerability",
    severity: f.severity,
    cvss: f.cvss?.score,
    kev: f.kev !== undefined,
    epssPercentile: f.epss?.percentile,
    fixAvailable: f.status === "fixed",
    exposed,
    transitive: dependencyOf(f.package) === "transitive",
  });
}

function vulnerabilitySubject(f: Finding, ctx: Context): Subject {
  const key = vulnerabilityKey(f);
  const finding: FindingFacts = {
    ...blankFinding("vulnerability", f.id),
    aliases: f.aliases,
    title: f.title ?? "",
    severity: f.severity,
    cvss: f.cvss ?? { score: 0, vector: "", version: "" },
    fixAvailable: f.status === "fixed",
    fixedVersion: f.fixedVersion ?? "",
    status: f.status,
    kev: f.kev !== undefined,
    ransomware: f.kev?.ransomware === "Known",
    epss: f.epss ?? { score: 0, percentile: 0 },
    risk: vulnerabilityRisk(f, ctx.exposed),
    path: f.package.path,
    layer: f.package.layer.index,
    inBaseImage: inBase(f.package.layer.index, ctx.image),
    vex: ctx.vex.get(key) ?? "",
  };
  const label = `${f.id} in ${f.package.name} ${f.package.version}`;
  return {
    kind: "vulnerability",
    key,
    facts: { finding, pkg: packageFacts(f.package), image: ctx.image },
    label,
  };
}

function secretSubject(s: SecretFinding, ctx: Context): Subject {
  const layer = s.layer ?? -1;
  const finding: FindingFacts = {
    ...blankFinding("secret", s.rule),
    title: s.title,
    severity: s.severity,
    risk: riskScore({ kind: "secret", severity: s.severity, exposed: ctx.exposed }),
    path: s.path,
    layer,
    inBaseImage: inBase(layer, ctx.image),
    removed: s.removedIn !== undefined,
  };
  const where = s.line === undefined ? s.path : `${s.path}:${s.line}`;
  const label = `${s.rule} in ${where}`;
  return {
    kind: "secret",
    key: secretKey(s),
    facts: { finding, pkg: NO_PACKAGE, image: ctx.image },
    label,
  };
}

function misconfigSubject(m: MisconfigFinding, ctx: Context): Subject {
  const first = m.evidence[0];
  const layer = first?.layer ?? -1;
  const finding: FindingFacts = {
    ...blankFinding("misconfiguration", m.id),
    title: m.title,
    severity: m.severity,
    risk: riskScore({ kind: "misconfiguration", severity: m.severity, exposed: ctx.exposed }),
    path: first?.path ?? "",
    layer,
    inBaseImage: inBase(layer, ctx.image),
  };
  return {
    kind: "misconfiguration",
    key: misconfigKey(m),
    facts: { finding, pkg: NO_PACKAGE, image: ctx.image },
    label: m.id,
  };
}

function licenseSubject(l: LicenseFinding, ctx: Context): Subject {
  const id = `license:${l.class}`;
  const finding: FindingFacts = {
    ...blankFinding("license", id),
    title: l.licenses.join(", "),
    severity: l.severity,
    risk: riskScore({ kind: "license", severity: l.severity, exposed: ctx.exposed }),
    path: l.package.path,
    layer: l.package.layer,
    inBaseImage: inBase(l.package.layer, ctx.image),
  };
  const pkg = { ...NO_PACKAGE, ...l.package };
  const label = `${l.class} license of ${l.package.name} ${l.package.version}`;
  return { kind: "license", key: licenseKey(l), facts: { finding, pkg, image: ctx.image }, label };
}

function blankFinding(kind: FindingKind, id: string): FindingFacts {
  return {
    kind,
    id,
    aliases: [],
    title: "",
    severity: "UNKNOWN",
    cvss: { score: 0, vector: "", version: "" },
    fixAvailable: false,
    fixedVersion: "",
    status: "",
    kev: false,
    ransomware: false,
    epss: { score: 0, percentile: 0 },
    risk: 0,
    path: "",
    layer: -1,
    inBaseImage: false,
    removed: false,
    vex: "",
  };
}

/**
 * Lockfiles and manifests say whether the project names a package itself
 * (`dependency`: `direct`, or `indirect` when only other packages need it);
 * OS packages, and files that do not tell, leave it out.
 */
export function dependencyOf(p: Pick<Package, "dependency">): "direct" | "transitive" | undefined {
  if (p.dependency === "direct") return "direct";
  return p.dependency === "indirect" ? "transitive" : undefined;
}

function packageFacts(p: Package) {
  const dependency = dependencyOf(p);
  return {
    type: p.type,
    name: p.name,
    version: p.version,
    purl: p.purl,
    sourceName: p.sourceName ?? "",
    direct: dependency === "direct",
    transitive: dependency === "transitive",
  };
}

function inBase(layer: number, image: ImageFacts): boolean {
  return layer >= 0 && layer < image.base.layers;
}

export function imageFacts(image: ImageMetadata, inventory?: Pick<Inventory, "os">): ImageFacts {
  return {
    reference: image.reference,
    name: imageName(image),
    digest: image.digest,
    tags: image.tags ?? [],
    os: inventory?.os?.family ?? "",
    osRelease: inventory?.os?.release ?? "",
    user: image.config?.user ?? "",
    exposedPorts: image.config?.exposedPorts ?? [],
    labels: image.config?.labels ?? {},
    layers: image.layers?.length ?? 0,
    base: {
      name: image.base?.name ?? "",
      digest: image.base?.digest ?? "",
      layers: image.base?.layers ?? 0,
    },
  };
}
