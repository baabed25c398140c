import { EMPTY_CONFIG, type VigilConfig } from "../config/file.js";
import type { Inventory } from "../inventory/types.js";
import type { LayerAnalysis } from "../layers/types.js";
import { severityRank } from "../match/types.js";
import type { ImageConfig } from "../source/types.js";
import { allowed, type AllowRule } from "./allow.js";
import { builtinRules, looksLikePlaceholder } from "./rules.js";
import { fingerprint, redact, SecretScanner } from "./scanner.js";
import type { ContentScanStats, SecretFinding, SecretHit } from "./types.js";

/**
 * Secrets from every layer, each marked with the later layer that deleted
 * or replaced its file: a secret in any layer has leaked with the image.
 */
export function layerSecrets(layers: readonly LayerAnalysis[]): SecretFinding[] {
  const ordered = [...layers].sort((a, b) => a.index - b.index);
  return ordered.flatMap((layer) =>
    (layer.secrets ?? []).map((hit) => {
      const removedIn = ordered.find((l) => l.index > layer.index && hides(l, hit.path))?.index;
      const finding: SecretFinding = { ...hit, path: `/${hit.path}`, layer: layer.index };
      if (removedIn !== undefined) finding.removedIn = removedIn;
      return finding;
    }),
  );
}

/** Whether a later layer deletes, hides (opaque directory) or overwrites the path. */
function hides(later: LayerAnalysis, path: string): boolean {
  const ancestors = parentsOf(path);
  if (later.whiteouts.some((w) => w === path || ancestors.includes(w))) return true;
  if (later.opaqueDirs.some((d) => d === "" || ancestors.includes(d))) return true;
  if (later.entries.has(path)) return true;
  // A directory replaced by a file or link takes its subtree with it.
  return ancestors.some((a) => {
    const kind = later.entries.get(a);
    return kind !== undefined && kind !== "d";
  });
}

function parentsOf(path: string): string[] {
  const parts = path.split("/");
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** Environment names that say their value is a credential. */
const SECRET_NAME =
  /(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|ACCESS_?KEY)/i;

export function isSecretEnvName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * The image config keeps what `ENV`, `LABEL` and `RUN` were given: Env
 * values, labels and history commands are scanned like a file, and an Env
 * variable named like a credential is a finding by its name alone.
 */
export function configSecrets(config: ImageConfig, scanner: SecretScanner): SecretFinding[] {
  const env = config.config?.Env ?? [];
  const found: SecretFinding[] = [];
  const seen = new Set<string>();
  const add = (hits: SecretHit[]) => {
    for (const h of hits) {
      if (!seen.has(h.fingerprint)) found.push({ ...h, path: h.path });
      seen.add(h.fingerprint);
    }
  };

  env.forEach((entry) => {
    const eq = entry.indexOf("=");
    const name = eq === -1 ? entry : entry.slice(0, eq);
    const value = eq === -1 ? "" : entry.slice(eq + 1);
    if (isSecretEnvName(name) && value && !looksLikePlaceholder(value)) {
      add([envHit(name, value)]);
      return;
    }
    add(scanner.scanText("(image config) Env", entry));
  });

  const labels = Object.entries(config.config?.Labels ?? {});
  for (const [key, value] of labels) {
    add(scanner.scanText("(image config) Labels", `${key}=${value}`));
  }
  (config.history ?? []).forEach((h, i) => {
    const hits = scanner.scanText(`(image config) history[${i}].created_by`, h.created_by ?? "");
    add(hits.map((x) => ({ ...x, line: undefined })));
  });
  return found.map(({ line, ...rest }) => (line === undefined ? rest : { ...rest, line }));
}

function envHit(name: string, value: string): SecretHit {
  return {
    rule: "env-secret",
    title: "Credential in an image environment variable",
    severity: "HIGH",
    path: "(image config) Env",
    match: `${name}=${redact(value)}`,
    fingerprint: fingerprint("env-secret", value),
  };
}

export function totalStats(layers: readonly LayerAnalysis[]): ContentScanStats {
  const total: ContentScanStats = { files: 0, bytes: 0, skipped: {} };
  for (const l of layers) {
    if (!l.contentScan) continue;
    total.files += l.contentScan.files;
    total.bytes += l.contentScan.bytes;
    for (const [reason, n] of Object.entries(l.contentScan.skipped)) {
      total.skipped[reason] = (total.skipped[reason] ?? 0) + n;
    }
  }
  return total;
}

/**
 * Completes an inventory's secrets: adds those in the image config, drops
 * the allowed ones (counted), and sorts them as every report shows them.
 */
export function finishSecrets(
  inventory: Inventory,
  config: ImageConfig,
  scanner: SecretScanner,
  allow: readonly AllowRule[],
): void {
  if (!inventory.secrets || !inventory.secretScan) return;
  const all = [...inventory.secrets, ...configSecrets(config, scanner)];
  const kept = all.filter((s) => !allowed(s, allow));
  inventory.secretScan.allowed = all.length - kept.length;
  inventory.secrets = kept.sort(compareSecrets);
  redactConfig(inventory, scanner);
}

/** Reports show the config: its secrets are masked there as in findings. */
function redactConfig(inventory: Inventory, scanner: SecretScanner): void {
  const config = inventory.image.config;
  config.env = config.env.map((entry) => {
    const eq = entry.indexOf("=");
    const name = eq === -1 ? entry : entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (eq !== -1 && value && isSecretEnvName(name)) return `${name}=${redact(value)}`;
    return scanner.redactText(entry);
  });
  for (const [key, value] of Object.entries(config.labels)) {
    config.labels[key] = scanner.redactText(value);
  }
  for (const layer of inventory.image.layers) {
    if (layer.createdBy) layer.createdBy = scanner.redactText(layer.createdBy);
  }
}

export function compareSecrets(a: SecretFinding, b: SecretFinding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    a.path.localeCompare(b.path) ||
    (a.layer ?? -1) - (b.layer ?? -1) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    a.rule.localeCompare(b.rule)
  );
}

/** The built-in rules less the disabled ones, plus the config's own. */
export function secretScannerFor(config: VigilConfig = EMPTY_CONFIG): SecretScanner {
  const disabled = new Set(config.secrets.disable);
  const rules = builtinRules.filter((r) => !disabled.has(r.id));
  return new SecretScanner([...rules, ...config.secrets.rules]);
}
