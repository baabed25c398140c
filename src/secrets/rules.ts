import { createPrivateKey } from "node:crypto";
import { crc32 } from "node:zlib";
import type { Severity } from "../match/types.js";

/**
 * One kind of secret, declared as data. Patterns are RE2 syntax and run on
 * RE2, which matches in time linear in the input whatever the pattern: no
 * backtracking on hostile files. RE2 has no lookaround, so the boundaries a
 * token needs (no word character before or after it) are declared apart.
 */
export interface SecretRule {
  /** Stable kebab-case id; allow rules and reports name it. */
  id: string;
  title: string;
  severity: Severity;
  /** A file is searched with the pattern only when one of these occurs (case-insensitive). */
  keywords: readonly string[];
  /** RE2 source; the `secret` named group (else the whole match) is the secret itself. */
  pattern: string;
  ignoreCase?: boolean;
  /** Characters (a class body, `A-Za-z0-9_`) that may not come just before the match. */
  notBefore?: string;
  /** Characters that may not come just after the secret. */
  notAfter?: string;
  /** Confirms a match (checksum, key parse); returns false to drop it, or a detail to show. */
  check?: (secret: string) => CheckResult;
}

export type CheckResult = boolean | { detail: string };

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** GitHub and npm tokens end in a base62 CRC32 of the 30 random characters before it. */
export function validTokenChecksum(token: string, prefixLength: number): boolean {
  const body = token.slice(prefixLength, prefixLength + 30);
  const sum = token.slice(prefixLength + 30);
  let n = crc32(body);
  let encoded = "";
  while (n > 0) {
    encoded = BASE62[n % 62] + encoded;
    n = Math.floor(n / 62);
  }
  return encoded.padStart(6, "0") === sum;
}

/** Unencrypted PEM keys must parse; encrypted, OpenSSH and PGP ones are kept as found. */
export function checkPrivateKey(block: string): CheckResult {
  const pem = block.replace(/\\n/g, "\n");
  if (/ENCRYPTED/.test(pem)) return { detail: "encrypted" };
  if (/OPENSSH|PGP/.test(pem)) {
    return pem.replace(/-----[^-]{1,60}-----|\s/g, "").length >= 64;
  }
  try {
    const key = createPrivateKey(pem);
    const bits = key.asymmetricKeyDetails?.modulusLength;
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const size = bits ? `${bits}-bit` : (curve ?? "");
    return { detail: `${key.asymmetricKeyType?.toUpperCase() ?? "key"} ${size}, parses`.trim() };
  } catch {
    return false;
  }
}

/** A JWT's header is base64url JSON naming its algorithm. */
function checkJwt(token: string): CheckResult {
  const header = token.slice(0, token.indexOf("."));
  try {
    const parsed = JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as unknown;
    return typeof parsed === "object" && parsed !== null && "alg" in parsed;
  } catch {
    return false;
  }
}

/** Bits per character: placeholders and words score low, random keys high. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

// note: anchored at the start, so "Corpus-Example-…" is not a placeholder but "example…" is.
const PLACEHOLDER =
  /^(?:[<${%[(]|x{3}|\*{3}|changeme|change_me|example|placeholder|your[_-]|dummy|redacted|secret|password|none|null)/i;

/** Values a config template or a doc puts where a real secret would go. */
export function looksLikePlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) && !/EXAMPLE(KEY)?$/.test(value);
}

/** `exports.TOKEN = exports.STRICT_TOKEN`: code naming a constant, not a value. */
const MEMBER_ACCESS = /^[A-Za-z_$][\w$]{0,64}(?:\.[A-Za-z_$][\w$]{0,64}){1,8}$/;

function checkAssignedSecret(value: string): CheckResult {
  if (looksLikePlaceholder(value) || MEMBER_ACCESS.test(value)) return false;
  if (!/[0-9]/.test(value) || !/[A-Za-z]/.test(value)) return false;
  return entropy(value) >= 3.5;
}

const DB_SCHEMES =
  "postgres|postgresql|mysql|mariadb|mongodb|mongodb\\+srv|redis|rediss|amqp|amqps";

/** The built-in rule set; ids are stable and part of the report format. */
export const builtinRules: readonly SecretRule[] = [
  {
    id: "gcp-service-account",
    title: "GCP service account key (JSON)",
    severity: "CRITICAL",
    keywords: ["service_account"],
    pattern: String.raw`"private_key"[ \t]{0,4}:[ \t]{0,4}"(?P<secret>-----BEGIN PRIVATE KEY-----[A-Za-z0-9+/=\\\s]{64,}-----END PRIVATE KEY-----)`,
    check: checkPrivateKey,
  },
  {
    id: "private-key",
    title: "Private key",
    severity: "CRITICAL",
    keywords: ["PRIVATE KEY"],
    // note: the body class has no "-", so each BEGIN is matched against its own run of base64.
    pattern: String.raw`-----BEGIN[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----\r?\n(?:Proc-Type: 4,ENCRYPTED\r?\nDEK-Info: [A-Z0-9-]{1,32},[0-9A-Fa-f]{8,64}\r?\n)?[A-Za-z0-9+/=\\\s:]{64,}-----END[ A-Z0-9]{0,30}PRIVATE KEY(?: BLOCK)?-----`,
    check: checkPrivateKey,
  },
  {
    id: "aws-access-key-id",
    title: "AWS access key ID",
    severity: "HIGH",
    keywords: ["AKIA", "ASIA", "ABIA", "ACCA"],
    pattern: String.raw`(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})`,
    notBefore: "A-Z0-9",
    notAfter: "A-Z0-9",
  },
  {
    id: "aws-secret-access-key",
    title: "AWS secret access key",
    severity: "CRITICAL",
    keywords: ["secret_access_key", "secretaccesskey", "aws_secret"],
    pattern: String.raw`(?:aws_?secret_?access_?key|aws_?secret_?key|secret_?access_?key)["']?[ \t]{0,4}[:=]{1,2}[ \t]{0,4}["']?(?P<secret>[A-Za-z0-9/+]{40})`,
    ignoreCase: true,
    notAfter: "A-Za-z0-9/+=",
  },
  {
    id: "gcp-api-key",
    title: "Google API key",
    severity: "HIGH",
    keywords: ["AIza"],
    pattern: String.raw`(?P<secret>AIza[0-9A-Za-z_\-]{35})`,
    notBefore: String.raw`A-Za-z0-9_\-`,
    notAfter: String.raw`A-Za-z0-9_\-`,
  },
  {
    id: "azure-storage-key",
    title: "Azure storage account key",
    severity: "CRITICAL",
    keywords: ["AccountKey="],
    pattern: String.raw`AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)`,
  },
  {
    id: "azure-client-secret",
    title: "Azure AD client secret",
    severity: "HIGH",
    keywords: ["Q~"],
    pattern: String.raw`(?P<secret>[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})`,
    notBefore: String.raw`A-Za-z0-9_~.\-`,
    notAfter: String.raw`A-Za-z0-9_~.\-`,
  },
  {
    id: "github-token",
    title: "GitHub token",
    severity: "CRITICAL",
    keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
    pattern: String.raw`(?P<secret>gh[pousr]_[A-Za-z0-9]{36})`,
    notBefore: "A-Za-z0-9_",
    notAfter: "A-Za-z0-9",
    check: (t) => (validTokenChecksum(t, 4) ? { detail: "valid CRC32 checksum" } : false),
  },
  {
    id: "github-fine-grained-token",
    title: "GitHub fine-grained token",
    severity: "CRITICAL",
    keywords: ["github_pat_"],
    pattern: String.raw`(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})`,
    notAfter: "A-Za-z0-9",
  },
  {
    id: "gitlab-token",
    title: "GitLab token",
    severity: "CRITICAL",
    keywords: ["glpat-", "gldt-", "glrt-", "glptt-"],
    pattern: String.raw`(?P<secret>(?:glpat|gldt|glrt|glptt)-[A-Za-z0-9_\-]{20,64})`,
    notAfter: String.raw`A-Za-z0-9_\-`,
  },
  {
    id: "slack-token",
    title: "Slack token",
    severity: "HIGH",
    keywords: ["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"],
    pattern: String.raw`(?P<secret>xox[abprs]-[0-9]{6,16}-[A-Za-z0-9\-]{8,80})`,
  },
  {
    id: "slack-webhook",
    title: "Slack incoming webhook URL",
    severity: "MEDIUM",
    keywords: ["/services/T"],
    pattern: String.raw`/services/(?P<secret>T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24})`,
  },
  {
    id: "stripe-key",
    title: "Stripe secret key",
    severity: "CRITICAL",
    keywords: ["sk_live_", "rk_live_", "sk_test_", "rk_test_"],
    pattern: String.raw`(?P<secret>[sr]k_(?:live|test)_[A-Za-z0-9]{24,99})`,
    notAfter: "A-Za-z0-9",
  },
  {
    id: "twilio-api-key",
    title: "Twilio API key",
    severity: "HIGH",
    keywords: ["twilio"],
    pattern: String.raw`(?P<secret>SK[0-9a-f]{32})`,
    notBefore: "A-Za-z0-9",
    notAfter: "A-Za-z0-9",
  },
  {
    id: "sendgrid-api-key",
    title: "SendGrid API key",
    severity: "HIGH",
    keywords: ["SG."],
    pattern: String.raw`(?P<secret>SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})`,
    notAfter: String.raw`A-Za-z0-9_\-`,
  },
  {
    id: "npm-token",
    title: "npm access token",
    severity: "CRITICAL",
    keywords: ["npm_"],
    pattern: String.raw`(?P<secret>npm_[A-Za-z0-9]{36})`,
    notBefore: "A-Za-z0-9_",
    notAfter: "A-Za-z0-9",
    check: (t) => (validTokenChecksum(t, 4) ? { detail: "valid CRC32 checksum" } : false),
  },
  {
    id: "npmrc-auth-token",
    title: "npm registry auth token in .npmrc",
    severity: "CRITICAL",
    keywords: ["_authToken="],
    pattern: String.raw`:_authToken=(?P<secret>[A-Za-z0-9._~+/=\-]{16,256})`,
  },
  {
    id: "pypi-token",
    title: "PyPI upload token",
    severity: "CRITICAL",
    keywords: ["pypi-AgE"],
    pattern: String.raw`(?P<secret>pypi-AgE[A-Za-z0-9_\-]{60,1000})`,
  },
  {
    id: "jwt",
    title: "JSON Web Token",
    severity: "MEDIUM",
    keywords: ["eyJ"],
    pattern: String.raw`(?P<secret>eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{2,}\.[A-Za-z0-9_\-]{16,})`,
    notBefore: String.raw`A-Za-z0-9_\-`,
    check: checkJwt,
  },
  {
    id: "database-url-password",
    title: "Database URL with a password",
    severity: "HIGH",
    keywords: ["postgres", "mysql", "mariadb", "mongodb", "redis", "amqp"],
    pattern: String.raw`(?:${DB_SCHEMES})://[^\s:@/'"]{1,64}:(?P<secret>[^\s:@/'"]{3,128})@[A-Za-z0-9.\-]{1,255}`,
    ignoreCase: true,
    check: (p) => !looksLikePlaceholder(p) && !/^(?:pass|password|pwd)$/i.test(p),
  },
  {
    id: "generic-secret-assignment",
    title: "Password or secret assigned in a file",
    severity: "MEDIUM",
    keywords: ["password", "passwd", "secret", "api_key", "apikey", "token"],
    pattern: String.raw`(?:[A-Za-z0-9]{1,20}_)?(?:password|passwd|secret|api_?key|token)["']?[ \t]{0,4}[:=][ \t]{0,4}["']?(?P<secret>[A-Za-z0-9!#%&*+,./:;?@^_|~\-]{12,128})`,
    ignoreCase: true,
    notBefore: "A-Za-z0-9",
    check: checkAssignedSecret,
  },
];

/** AWS's own documentation keys and Stripe's docs key: found, but marked as examples. */
const EXAMPLE_VALUES = new Set(["sk_test_4eC39HqLyjWDarjtT1zdp7dc"]);

export function isExampleSecret(secret: string): boolean {
  return /EXAMPLE(?:KEY)?$/.test(secret) || EXAMPLE_VALUES.has(secret);
}
