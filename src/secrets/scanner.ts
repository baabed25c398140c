import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import type RE2Type from "re2";
import type { ContentScanner, ContentScanOutput } from "../layers/types.js";
import { looksBinary } from "../util/binary.js";
import { builtinRules, isExampleSecret, type SecretRule } from "./rules.js";
import type { SecretHit } from "./types.js";

/** Larger files are skipped (counted as `too-large`); keys and configs are small. */
export const DEFAULT_MAX_SECRET_FILE_BYTES = 8 * 1024 * 1024;

const RE2 = createRequire(import.meta.url)("re2") as typeof RE2Type;

interface CompiledRule {
  rule: SecretRule;
  pattern: RE2Type;
  /** Tests the one byte after the secret; RE2 has no lookahead. */
  after?: RegExp;
}

/** Compiles a rule's pattern the way the scanner runs it; throws on RE2 syntax errors. */
export function compileRule(rule: SecretRule): CompiledRule {
  // A leading boundary can be consumed: the match before ended at its secret.
  const source = rule.notBefore
    ? `(?:^|[^${rule.notBefore}])(?P<match>${rule.pattern})`
    : rule.pattern;
  const pattern = new RE2(source, rule.ignoreCase ? "gi" : "g");
  const after = rule.notAfter ? new RegExp(`^[${rule.notAfter}]$`) : undefined;
  return { rule, pattern, after };
}

/**
 * Finds secrets in file contents. One keyword pass decides which rules'
 * patterns run at all, so most files cost a single linear scan. Everything
 * runs on RE2 over the file's bytes: linear time on any input.
 */
export class SecretScanner implements ContentScanner {
  readonly id = "secrets";
  readonly version: string;
  readonly rules: readonly SecretRule[];
  private readonly compiled: CompiledRule[];
  private readonly keywords: RE2Type;
  private readonly byKeyword = new Map<string, CompiledRule[]>();

  constructor(
    rules: readonly SecretRule[] = builtinRules,
    readonly maxBytes = DEFAULT_MAX_SECRET_FILE_BYTES,
  ) {
    this.rules = rules;
    this.compiled = rules.map(compileRule);
    for (const c of this.compiled) {
      for (const k of c.rule.keywords) {
        const key = k.toLowerCase();
        this.byKeyword.set(key, [...(this.byKeyword.get(key) ?? []), c]);
      }
    }
    const alternatives = [...this.byKeyword.keys()].map(escapeRegExp);
    this.keywords = new RE2(alternatives.join("|") || "[^\\s\\S]", "gi");
    this.version = createHash("sha256")
      .update(rules.map((r) => JSON.stringify({ ...r, check: undefined })).join("\n"))
      .digest("hex")
      .slice(0, 12);
  }

  scan(path: string, content: Buffer): ContentScanOutput {
    if (looksBinary(content)) return { skipped: "binary" };
    return { secrets: this.scanBytes(path, content) };
  }

  scanText(path: string, text: string): SecretHit[] {
    return this.scanBytes(path, Buffer.from(text, "utf8"));
  }

  /** Every rule whose keyword occurs runs over the whole file; hits are deduplicated. */
  scanBytes(path: string, content: Buffer): SecretHit[] {
    const candidates = this.candidates(content);
    if (candidates.size === 0) return [];

    const lines = new LineIndex(content);
    const seen = new Set<string>();
    const hits: SecretHit[] = [];
    // Rules run in declaration order: a specific rule claims a secret before the generic one.
    for (const c of this.compiled.filter((x) => candidates.has(x))) {
      for (const m of matches(c, content)) {
        const hit = toHit(c.rule, path, m, lines);
        const key = `${hit.value.line}:${m.secret}`;
        if (!hit.ok || seen.has(key)) continue;
        seen.add(key);
        hits.push(hit.value);
      }
    }
    return hits;
  }

  /** The text with every secret a rule finds masked, for config values kept in reports. */
  redactText(text: string): string {
    const content = Buffer.from(text, "utf8");
    let out = text;
    for (const c of this.compiled) {
      for (const m of matches(c, content)) {
        if (c.rule.check && c.rule.check(m.secret) === false) continue;
        out = out.split(m.secret).join(redact(m.secret));
      }
    }
    return out;
  }

  private candidates(content: Buffer): Set<CompiledRule> {
    const found = new Set<CompiledRule>();
    this.keywords.lastIndex = 0;
    for (let m = this.keywords.exec(content); m; m = this.keywords.exec(content)) {
      const key = (m[0] as unknown as Buffer).toString("latin1").toLowerCase();
      for (const c of this.byKeyword.get(key) ?? []) found.add(c);
    }
    return found;
  }
}

interface Match {
  /** The whole match and the secret in it, as text. */
  text: string;
  secret: string;
  /** Byte offset of the secret in the file. */
  offset: number;
}

/** A rule's matches over bytes, with its trailing boundary checked. */
function* matches(c: CompiledRule, content: Buffer): Generator<Match> {
  const re = c.pattern;
  re.lastIndex = 0;
  for (let m = re.exec(content); m; m = re.exec(content)) {
    const groups = m.groups as Record<string, Buffer | undefined> | undefined;
    const all = m[0] as unknown as Buffer;
    // Without the boundary byte a `notBefore` rule consumed ahead of the match.
    const whole = groups?.match ?? all;
    const secretBytes = groups?.secret ?? whole;
    const offset = m.index + all.indexOf(whole) + whole.indexOf(secretBytes);
    const next = content[offset + secretBytes.length];
    if (c.after && next !== undefined && c.after.test(String.fromCharCode(next))) continue;
    yield {
      text: whole.toString("latin1"),
      secret: secretBytes.toString("latin1"),
      offset,
    };
  }
}

function toHit(rule: SecretRule, path: string, m: Match, lines: LineIndex) {
  const checked = rule.check ? rule.check(m.secret) : true;
  const value: SecretHit = {
    rule: rule.id,
    title: rule.title,
    severity: rule.severity,
    path,
    line: lines.lineAt(m.offset),
    match: m.text.replace(m.secret, redact(m.secret)).replace(/[\r\n]+/g, " "),
    fingerprint: fingerprint(rule.id, m.secret),
  };
  if (isExampleSecret(m.secret)) value.example = true;
  if (typeof checked === "object") value.detail = checked.detail;
  return { ok: checked !== false, value };
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

/** Line numbers for byte offsets, computed only for files that have a hit. */
class LineIndex {
  private starts?: number[];

  constructor(private readonly content: Buffer) {}

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
    for (let i = this.content.indexOf(10); i !== -1; i = this.content.indexOf(10, i + 1)) {
      starts.push(i + 1);
    }
    return starts;
  }
}
