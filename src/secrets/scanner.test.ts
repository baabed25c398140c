import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { crc32 } from "node:zlib";
import { builtinRules, validTokenChecksum } from "./rules.js";
import { hostileTexts } from "../testing/hostile-text.js";
import { compileRule, redact, SecretScanner } from "./scanner.js";

const scanner = new SecretScanner();
const rulesIn = (text: string) => scanner.scanText("f", text).map((h) => h.rule);

/** A token in GitHub's format: prefix, 30 random characters, base62 CRC32. */
function checksummed(prefix: string, body: string): string {
  const digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  let n = crc32(body);
  let sum = "";
  while (n > 0) {
    sum = digits[n % 62] + sum;
    n = Math.floor(n / 62);
  }
  return `${prefix}${body}${sum.padStart(6, "0")}`;
}

const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const pem = (type: "pkcs1" | "pkcs8" | "sec1", key = rsa.privateKey) =>
  key.export({ type, format: "pem" }) as string;

// Fake values only, built so that no real credential sits in this file.
const cases: [string, string, string | undefined][] = [
  ["RSA PEM, PKCS#1", pem("pkcs1"), "private-key"],
  ["PKCS#8", pem("pkcs8"), "private-key"],
  ["EC PEM", pem("sec1", ec.privateKey), "private-key"],
  [
    "encrypted PKCS#8",
    rsa.privateKey.export({
      type: "pkcs8",
      format: "pem",
      cipher: "aes-256-cbc",
      passphrase: "x",
    }) as string,
    "private-key",
  ],
  [
    "OpenSSH",
    `-----BEGIN OPENSSH PRIVATE KEY-----\n${"b3BlbnNzaC1rZXktdjEAAAAA".repeat(4)}\n-----END OPENSSH PRIVATE KEY-----`,
    "private-key",
  ],
  [
    "a PEM whose body is not a key",
    `-----BEGIN RSA PRIVATE KEY-----\n${"A".repeat(80)}\n-----END RSA PRIVATE KEY-----`,
    undefined,
  ],
  [
    "GCP service account JSON",
    JSON.stringify({ type: "service_account", private_key: pem("pkcs8") }),
    "gcp-service-account",
  ],
  ["AWS key id", "key = AKIA2E0A8F3B244C9986", "aws-access-key-id"],
  ["AWS key id inside a longer word", "XAKIA2E0A8F3B244C99861", undefined],
  [
    "AWS secret",
    `aws_secret_access_key = ${"k9Qz7Lm2Vb8Nx4Rt6Yw1Pa3Sd5Fg0Hj2Kl4Zx6Cv"}`,
    "aws-secret-access-key",
  ],
  ["Google API key", `k="AIza${"SyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q"}"`, "gcp-api-key"],
  [
    "Azure storage key",
    `DefaultEndpointsProtocol=https;AccountName=a;AccountKey=${"Ab1+".repeat(21)}Ab==`,
    "azure-storage-key",
  ],
  [
    "Azure client secret",
    `secret: abc8Q~${"Zx9_Yw8.Vu7-Ts6~Rq5Po4Nm3Lk2Ji1Hg"}`,
    "azure-client-secret",
  ],
  ["GitHub token", checksummed("ghp_", "R4nd0mTokenBodyForUnitTests123"), "github-token"],
  ["GitHub token, bad checksum", "ghp_R4nd0mTokenBodyForUnitTests123AAAAAA", undefined],
  [
    "GitHub fine-grained",
    `github_pat_${"A1".repeat(11)}_${"b2C".repeat(19)}xy`,
    "github-fine-grained-token",
  ],
  ["GitLab token", "glpat-Zx9Yw8Vu7Ts6Rq5Po4Nm", "gitlab-token"],
  ["Slack bot token", "xoxb-1234567890-abcdefghijKLMNOP", "slack-token"],
  ["Stripe live key", `sk_live_${"4eC39HqLyjWDarjtT1zdp7dc"}`, "stripe-key"],
  ["Twilio key", `TWILIO_KEY=SK${"0123456789abcdef".repeat(2)}`, "twilio-api-key"],
  ["SendGrid key", `SG.${"a".repeat(22)}.${"B".repeat(43)}`, "sendgrid-api-key"],
  ["npm token", checksummed("npm_", "N0tARealNpmTokenJustATestBody1"), "npm-token"],
  [".npmrc token", "//registry.example/:_authToken=0123456789abcdef0123", "npmrc-auth-token"],
  ["PyPI token", `pypi-AgE${"Iabc-_9".repeat(12)}`, "pypi-token"],
  [
    "JWT",
    `${Buffer.from('{"alg":"HS256"}').toString("base64url")}.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${"s1gnatureBytes_-x".repeat(2)}`,
    "jwt",
  ],
  ["database URL", "postgres://app:S3cr3tPw9x@db.internal:5432/app", "database-url-password"],
  ["database URL with a placeholder", "postgres://app:${DB_PASS}@db/app", undefined],
  ["assignment with entropy", "DB_PASSWORD=hX7#kP2@mQ9!vR4z", "generic-secret-assignment"],
  ["assignment of a word", "password = correcthorsebattery", undefined],
  ["assignment of a constant", "exports.TOKEN = exports.STRICT_TOKEN", undefined],
];

describe("secret rules", () => {
  for (const [name, text, rule] of cases) {
    it(`${name}: ${rule ?? "nothing"}`, () => {
      assert.deepEqual(rulesIn(text), rule ? [rule] : []);
    });
  }

  it("have unique kebab-case ids and at least one keyword each", () => {
    const ids = builtinRules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of builtinRules) {
      assert.match(r.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      assert.ok(r.keywords.length > 0, r.id);
      assert.doesNotThrow(() => compileRule(r), `${r.id} must compile on RE2`);
    }
  });

  it("check GitHub's CRC32 the way the corpus token carries it", () => {
    assert.ok(validTokenChecksum(checksummed("ghp_", "x".repeat(30)), 4));
    assert.ok(!validTokenChecksum(`ghp_${"x".repeat(36)}`, 4));
  });

  it("mark AWS documentation keys as examples and report lines", () => {
    const hits = scanner.scanText(
      "c",
      "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    );
    assert.deepEqual(
      hits.map((h) => [h.rule, h.line, h.example]),
      [
        ["aws-access-key-id", 2, true],
        ["aws-secret-access-key", 3, true],
      ],
    );
  });

  it("never carry the secret in the match, fingerprint or detail", () => {
    for (const [, text, rule] of cases) {
      for (const hit of scanner.scanText("f", text)) {
        const shown = JSON.stringify(hit);
        const secret = rule === "private-key" ? text.split("\n")[1] : text.slice(-12);
        assert.ok(!shown.includes(secret as string), `${rule}: ${shown}`);
        assert.ok(!shown.includes("-----BEGIN"), `${rule}: ${shown}`);
      }
    }
  });

  it("redact: a short prefix at most, and nothing of short values", () => {
    assert.equal(redact("abcdefghijklmnopqrst"), "abcd****************");
    assert.equal(redact("short"), "*****");
    assert.equal(redact("ab"), "****");
  });
});

describe("secret scanner on hostile input", () => {
  // RE2 keeps these linear (npm run bench times them); here: nothing is lost after them.
  const key = "AKIA2E0A8F3B244C9986";
  for (const [name, text] of hostileTexts()) {
    it(`finds a key after ${name}`, () => {
      const hits = scanner.scanText("f", `${text}\nid = ${key}\n`);
      assert.ok(
        hits.some((h) => h.rule === "aws-access-key-id" && h.line === text.split("\n").length + 1),
        JSON.stringify(hits.slice(0, 3)),
      );
    });
  }

  it("skips binary files, even named .env", () => {
    const out = scanner.scan(".env", Buffer.from(`\0\0ghp_${"x".repeat(36)}`));
    assert.deepEqual(out, { skipped: "binary" });
  });
});
