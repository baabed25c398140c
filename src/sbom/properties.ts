// The `vigil:` facts an SBOM carries beyond what its format has fields for:
// where each package was found (layer, file), its source package, and the
// image's metadata. CycloneDX writes them as properties, SPDX as annotations;
// both readers turn them back into the same inventory fields.
import type { ImageMetadata, OsInfo, Package } from "../inventory/types.js";

export type Fact = [name: string, value: string];

export const P = {
  sourceName: "vigil:package:source-name",
  sourceVersion: "vigil:package:source-version",
  path: "vigil:package:path",
  dependency: "vigil:package:dependency",
  ownedBy: "vigil:package:owned-by",
  metadata: "vigil:package:metadata:",
  layerIndex: "vigil:layer:index",
  layerDiffId: "vigil:layer:diff-id",
  layerDigest: "vigil:layer:digest",
  reference: "vigil:image:reference",
  digest: "vigil:image:digest",
  configDigest: "vigil:image:config-digest",
  platform: "vigil:image:platform",
  tag: "vigil:image:tag",
  label: "vigil:image:label:",
  created: "vigil:image:created",
  user: "vigil:image:config:user",
  entrypoint: "vigil:image:config:entrypoint",
  cmd: "vigil:image:config:cmd",
  workingDir: "vigil:image:config:working-dir",
  exposedPort: "vigil:image:config:exposed-port",
  healthcheck: "vigil:image:config:healthcheck",
  layer: "vigil:image:layer:",
  baseName: "vigil:image:base:name",
  baseDigest: "vigil:image:base:digest",
  baseLayers: "vigil:image:base:layers",
  baseFrom: "vigil:image:base:from",
  osRelease: "vigil:os:release",
  osCodename: "vigil:os:codename",
  osSource: "vigil:os:source",
} as const;

/** Per package: source package, file, layer and any per-format metadata. */
export function packageFacts(p: Package): Fact[] {
  const facts: Fact[] = [];
  if (p.sourceName !== undefined) facts.push([P.sourceName, p.sourceName]);
  if (p.sourceVersion !== undefined) facts.push([P.sourceVersion, p.sourceVersion]);
  if (p.path !== "") facts.push([P.path, p.path]);
  if (p.dependency) facts.push([P.dependency, p.dependency]);
  if (p.ownedBy) facts.push([P.ownedBy, p.ownedBy.purl]);
  if (p.layer.index >= 0) facts.push([P.layerIndex, String(p.layer.index)]);
  if (p.layer.diffId !== "") facts.push([P.layerDiffId, p.layer.diffId]);
  if (p.layer.digest) facts.push([P.layerDigest, p.layer.digest]);
  for (const [k, v] of Object.entries(p.metadata ?? {}).sort(byKey)) {
    facts.push([`${P.metadata}${k}`, v]);
  }
  return facts;
}

/**
 * The image as a root component. The environment is left out on purpose:
 * images put credentials there, and an SBOM travels further than the image.
 */
export function imageFacts(image: ImageMetadata): Fact[] {
  const { platform, config } = image;
  const facts: Fact[] = [
    [P.reference, image.reference],
    [P.digest, image.digest],
    [P.configDigest, image.configDigest],
    [P.platform, [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/")],
    ...image.tags.map((t): Fact => [P.tag, t]),
    ...Object.entries(config.labels)
      .sort(byKey)
      .map(([k, v]): Fact => [`${P.label}${k}`, v]),
  ];
  if (config.created) facts.push([P.created, config.created]);
  if (config.user) facts.push([P.user, config.user]);
  if (config.entrypoint) facts.push([P.entrypoint, JSON.stringify(config.entrypoint)]);
  if (config.cmd) facts.push([P.cmd, JSON.stringify(config.cmd)]);
  if (config.workingDir) facts.push([P.workingDir, config.workingDir]);
  for (const port of config.exposedPorts) facts.push([P.exposedPort, port]);
  if (config.healthcheck) facts.push([P.healthcheck, "true"]);

  const { base } = image;
  if (base?.name) facts.push([P.baseName, base.name]);
  if (base?.digest) facts.push([P.baseDigest, base.digest]);
  if (base?.layers !== undefined) facts.push([P.baseLayers, String(base.layers)]);
  for (const from of base?.from ?? []) facts.push([P.baseFrom, from]);

  for (const l of image.layers) {
    const at = `${P.layer}${l.index}:`;
    facts.push([`${at}diff-id`, l.diffId]);
    if (l.digest) facts.push([`${at}digest`, l.digest]);
    if (l.createdBy) facts.push([`${at}created-by`, l.createdBy]);
  }
  return facts;
}

export function osFacts(os: OsInfo): Fact[] {
  const facts: Fact[] = [[P.osRelease, os.release]];
  if (os.codename) facts.push([P.osCodename, os.codename]);
  facts.push([P.osSource, os.source]);
  return facts;
}

/** Facts read back: every value of each name, in document order. */
export class FactMap {
  private readonly map = new Map<string, string[]>();

  constructor(facts: Iterable<Fact> = []) {
    for (const [k, v] of facts) this.add(k, v);
  }

  add(name: string, value: string): void {
    const list = this.map.get(name);
    if (list) list.push(value);
    else this.map.set(name, [value]);
  }

  get(name: string): string | undefined {
    return this.map.get(name)?.[0];
  }

  all(name: string): string[] {
    return this.map.get(name) ?? [];
  }

  /** Every `prefix<rest>` fact as `[rest, value]`. */
  withPrefix(prefix: string): Fact[] {
    const out: Fact[] = [];
    for (const [k, values] of this.map) {
      if (!k.startsWith(prefix)) continue;
      for (const v of values) out.push([k.slice(prefix.length), v]);
    }
    return out;
  }
}

function byKey(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
