import type { AnyAnalyzer, OsFact } from "../analyzers/types.js";
import { VigilError } from "../errors.js";
import { MergedView } from "../layers/merge.js";
import { layerSecrets, totalStats } from "../secrets/collect.js";
import type { FileFinding, LayerAnalysis } from "../layers/types.js";
import type { ImageSource } from "../source/types.js";
import { mergeDeclared } from "./declared.js";
import { baseImageOf } from "./base-image.js";
import { endOfLife } from "./eol.js";
import { fileFacts } from "./files.js";
import { attributeToOsPackages } from "./ownership.js";
import { attachLicenses } from "./package-licenses.js";
import { purlFor } from "./purl.js";
import type {
  ImageConfigSummary,
  ImageMetadata,
  Inventory,
  LayerRef,
  OsInfo,
  Package,
  PackageRecord,
  ScanWarning,
} from "./types.js";
import { isThirdParty, thirdPartyWarnings } from "./vendor.js";

type LayeredFinding = FileFinding & { layer: number };

/**
 * Combines per-layer analyses into what the final image holds: only files a
 * container would see are believed, and each package is attributed to the
 * layer that introduced it (not the last one that rewrote its database).
 */
export function buildInventory(
  source: ImageSource,
  layers: readonly LayerAnalysis[],
  analyzers: readonly AnyAnalyzer[],
): Inventory {
  const image = imageMetadata(source);
  const view = new MergedView(layers);
  const linkWarnings = checkClaimedLinks(view, analyzers, source.reference);
  const all = layers.flatMap((l) => l.findings.map((f) => ({ ...f, layer: l.index })));
  const visible = view.visible(all);

  const os = chooseOs(visible);
  const found = visible.flatMap((f) =>
    (f.output.packages ?? []).map((record) =>
      toPackage(record, f, introducedIn(record, f, all), image.layers, os),
    ),
  );
  // A lockfile beside an installed tree only says how the project depends on it.
  const packages = mergeDeclared(found);

  attachLicenses(packages, visible, view);
  attributeToOsPackages(packages, visible);

  const warnings = [
    ...layers.flatMap((l) => l.warnings),
    ...findingWarnings(visible),
    ...linkWarnings,
    ...thirdPartyWarnings(packages, os),
  ];
  // Layers read without a content scanner (or cached before one) have no counts.
  const stats = totalStats(layers);
  const scanned = stats.files > 0 || Object.keys(stats.skipped).length > 0;
  const secrets = scanned
    ? { secrets: layerSecrets(layers), secretScan: { ...stats, allowed: 0 } }
    : {};
  const files = fileFacts(view, layers);
  return { image, os, packages: sortPackages(packages), warnings, files, ...secrets };
}

function imageMetadata(source: ImageSource): ImageMetadata {
  const c = source.config;
  const history = (c.history ?? []).filter((h) => !h.empty_layer);
  const layers: LayerRef[] = source.layers.map((l, i) => ({
    index: l.index,
    diffId: l.diffId,
    digest: l.digest,
    // History lines only line up with layers when the counts agree.
    createdBy: history.length === source.layers.length ? history[i]?.created_by : undefined,
  }));

  const cfg = c.config ?? {};
  const config: ImageConfigSummary = {
    user: cfg.User || undefined,
    env: cfg.Env ?? [],
    cmd: cfg.Cmd ?? undefined,
    entrypoint: cfg.Entrypoint ?? undefined,
    workingDir: cfg.WorkingDir || undefined,
    exposedPorts: Object.keys(cfg.ExposedPorts ?? {}).sort(),
    labels: cfg.Labels ?? {},
    healthcheck: Boolean(cfg.Healthcheck?.Test?.length && cfg.Healthcheck.Test[0] !== "NONE"),
    created: c.created,
  };

  return {
    reference: source.reference,
    digest: source.digest,
    configDigest: source.configDigest,
    platform: {
      os: c.os ?? "unknown",
      architecture: c.architecture ?? "unknown",
      variant: c.variant,
    },
    tags: source.tags,
    layers,
    config,
    base: baseImageOf(c),
  };
}

/**
 * A file vigil reads may be a symlink in the final image (etc/os-release is
 * one on Debian). Its target is read when an analyzer claims that path too;
 * a loop is an error, a target nobody read is a warning.
 * note: only buffer analyzers' paths count. Random-access analyzers claim
 * binaries and archives by name patterns where they lie; a symlink to one
 * (log4j-1.2.jar → log4j-1.2-1.2.17.jar) is an alias, not a moved database.
 */
function checkClaimedLinks(
  view: MergedView,
  all: readonly AnyAnalyzer[],
  image: string,
): ScanWarning[] {
  const analyzers = all.filter((a) => a.access !== "random");
  const claimed = (p: string) => analyzers.some((a) => a.claims(p));
  const warnings: ScanWarning[] = [];

  for (const [path, entry] of view.symlinks()) {
    if (!claimed(path)) continue;
    const target = resolveOrFail(view, path, entry.layer, image);
    if (target !== undefined && claimed(target)) continue;
    warnings.push({
      code: "LINK_NOT_FOLLOWED",
      message: `symlink to ${target ? `/${target}` : "a missing file"}, which was not read`,
      layer: entry.layer,
      path: `/${path}`,
    });
  }

  // A database under a symlinked directory never appears under its own name.
  for (const path of analyzers.flatMap((a) => a.paths ?? [])) {
    if (view.get(path)) continue;
    const target = resolveOrFail(view, path, 0, image);
    const file = target === undefined ? undefined : view.get(target);
    if (!file || target === path || claimed(target as string)) continue;
    warnings.push({
      code: "LINK_NOT_FOLLOWED",
      message: `reached through a symlinked directory at /${target}, which was not read`,
      layer: file.layer,
      path: `/${path}`,
    });
  }
  return warnings;
}

function resolveOrFail(view: MergedView, path: string, layer: number, image: string) {
  try {
    return view.resolve(path);
  } catch (err) {
    throw new VigilError(
      "SYMLINK_LOOP",
      `${image}: layer ${layer + 1}: entry "/${path}": symbolic link loop`,
      { cause: err, hint: "the image's links point at each other; vigil cannot read that file" },
    );
  }
}

function chooseOs(visible: readonly LayeredFinding[]): OsInfo | undefined {
  let best: { fact: OsFact; path: string } | undefined;
  for (const f of visible) {
    const fact = f.output.os;
    if (fact && (!best || fact.priority > best.fact.priority)) best = { fact, path: f.path };
  }
  if (!best) return undefined;
  const { priority: _priority, ...os } = best.fact;
  const eol = os.eol ?? endOfLife(os);
  return { ...os, ...(eol && { eol }), source: `/${best.path}` };
}

/**
 * A package database is rewritten by every layer that installs something; the
 * package came from the lowest layer of the unbroken run of rewrites that
 * still list it with the same version.
 */
function introducedIn(
  record: PackageRecord,
  visible: LayeredFinding,
  all: readonly LayeredFinding[],
): number {
  const earlier = all
    .filter((f) => f.path === visible.path && f.analyzer === visible.analyzer)
    .filter((f) => f.layer < visible.layer)
    .sort((a, b) => b.layer - a.layer);

  let layer = visible.layer;
  for (const f of earlier) {
    const listed = (f.output.packages ?? []).some(
      (p) => p.name === record.name && p.version === record.version && p.arch === record.arch,
    );
    if (!listed) break;
    layer = f.layer;
  }
  return layer;
}

function toPackage(
  record: PackageRecord,
  finding: LayeredFinding,
  layer: number,
  layers: LayerRef[],
  os: OsInfo | undefined,
): Package {
  return {
    ...record,
    layer: layers[layer] ?? { index: layer, diffId: "" },
    path: `/${finding.path}`,
    purl: purlFor(record, os),
    ...(isThirdParty(record, os) && { thirdParty: true }),
  };
}

function findingWarnings(visible: readonly LayeredFinding[]): ScanWarning[] {
  return visible.flatMap((f) =>
    (f.output.warnings ?? []).map((w) => ({ ...w, layer: f.layer, path: `/${f.path}` })),
  );
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
