import { createHash } from "node:crypto";
import type { ContentScanner, ContentScanOutput } from "../layers/types.js";
import { looksBinary } from "../util/binary.js";
import { builtinRules, isExampleSecret, type SecretRule } from "./rules.js";
import type { SecretHit } from "./types.js";

/** Larger files are skipped (counted as `too-large`); keys and configs are small. */
export const DEFAULT_MAX_SECRET_FILE_BYTES = 8 * 1024 * 1024;

/**
 * Finds secrets in file contents. One keyword pass decides which rules'
 * patterns run at all, so most files cost a single linear scan.
 */
export class SecretScanner implements ContentScanner {
  readonly id = "secrets";
  readonly version: string;
  private readonly keywords: RegExp;
  private readonly byKeyword = new Map<string, SecretRule[]>();

  constructor(
    readonly rules: readonly SecretRule[] = builtinRules,
    readonly maxBytes = DEFAULT_MAX_SECRET_FILE_BYTES,
  ) {
    for (const rule of rules) {
      for (const k of rule.keywords) {
        const key = k.toLowerCase();
        this.byKeyword.set(key, [...(this.byKeyword.get(key) ?? []), rule]);
      }
    }
    const alternatives = [...this.byKeyword.keys()].map(escapeRegExp);
    this.keywords = new RegExp(alternatives.join("|") || "(?!)", "gi");
    this.version = createHash("sha256")
      .update(rules.map((r) => `${r.id}:${r.pattern.source}:${r.keywords.join(",")}`).join("\n"))
      .digest("hex")
      .slice(0, 12);
  }

  scan(path: string, content: Buffer): ContentScanOutput {
    if (looksBinary(content)) return { skipped: "binary" };
    return { secrets: this.scanText(path, content.toString("latin1")) };
  }

  /** Every rule whose keyword occurs runs over the whole text; hits are deduplicated. */
  scanText(path: string, text: string): SecretHit[] {
    const candidates = new Set<SecretRule>();
    for (const m of text.matchAll(this.keywords)) {
      for (const rule of this.byKeyword.get(m[0].toLowerCase()) ?? []) candidates.add(rule);
    }
    if (candidates.size === 0) return [];

    const lines = new LineIndex(text);
    const seen = new Set<string>();
    const hits: SecretHit[] = [];
    // Rules run in declaration order: a specific rule claims a secret before the generic one.
    for (const rule of this.rules.filter((r) => candidates.has(r))) {
      for (const m of text.matchAll(rule.pattern)) {
        const hit = toHit(rule, path, m, lines);
        const key = `${hit.line}:${hit.secret}`;
        if (!hit.ok || seen.has(key)) continue;
        seen.add(key);
        hits.push(hit.value);
      }
    }
    return hits;
  }

  /** The text with every secret a rule finds masked, for config values kept in reports. */
  redactText(text: string): string {
    let out = text;
    for (const rule of this.rules) {
      for (const m of text.matchAll(rule.pattern)) {
        const secret = m.groups?.secret ?? m[0];
        if (rule.check && rule.check(secret) === false) continue;
        out = out.split(secret).join(redact(secret));
      }
    }
    return out;
  }
}

function toHit(rule: SecretRule, path: string, m: RegExpMatchArray, lines: LineIndex) {
  const secret = m.groups?.secret ?? m[0];
  const line = lines.lineAt((m.index ?? 0) + m[0].indexOf(secret));
  const checked = rule.check ? rule.check(secret) : true;
  const value: SecretHit = {
    rule: rule.id,
    title: rule.title,
    severity: rule.severity,
    path,
    line,
    match: m[0].replace(secret, redact(secret)),
    fingerprint: fingerprint(rule.id, secret),
  };
  if (isExampleSecret(secret)) value.example = true;
  if (typeof checked === "object") value.detail = checked.detail;
  return { ok: checked !== false, secret, line, value };
}

/**
 * Keeps a short prefix so people can tell which key it was, masks the rest.
 * Short values show nothing; a PEM block shows only its dashes.
 */
export function redact(secret: string): string {
  const shown = secret.length >= 16 ? 4 : 0;
  const masked = Math.min(secret.length - shown, 16);
  return `${secret.slice(0, shown).replace(/\s/g, " ")}${"*".repeat(Math.max(masked, 4))}`;
}

export function fingerprint(rule: string, secret: string): string {
  return createHash("sha256").update(`${rule}:${secret}`).digest("hex").slice(0, 16);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Line numbers for match offsets, computed only for files that have a hit. */
class LineIndex {
  private starts?: number[];

  constructor(private readonly text: string) {}

  lineAt(offset: number): number {
    this.starts ??= this.index();
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private index(): number[] {
    const starts = [0];
    for (let i = this.text.indexOf("\n"); i !== -1; i = this.text.indexOf("\n", i + 1)) {
      starts.push(i + 1);
    }
    return starts;
  }
}
