import type { SecretFinding } from "./types.js";

/**
 * A finding someone has looked at and accepted. Every field given must match;
 * `path` is a glob over the absolute path (`*` within a name, `**` across).
 */
export interface AllowRule {
  path?: string;
  rule?: string;
  fingerprint?: string;
  reason?: string;
}

export function allowed(finding: SecretFinding, rules: readonly AllowRule[]): boolean {
  return rules.some(
    (r) =>
      (r.rule === undefined || r.rule === finding.rule) &&
      (r.fingerprint === undefined || r.fingerprint === finding.fingerprint) &&
      (r.path === undefined || globToRegExp(r.path).test(finding.path)),
  );
}

/** `**` matches across directories, `*` and `?` within one name; the rest is literal. */
export function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*" && glob[i + 1] === "*") {
      out += ".*";
      i += 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}
