import { createHash } from "node:crypto";
import { VIGIL_VERSION } from "../about.js";
import type { Finding, Severity } from "../match/types.js";
import type { Decision } from "../policy/types.js";
import { imageName } from "../sbom/identity.js";
import { Verdicts, findingRisk, isExposed, type ScanResult } from "./model.js";

/**
 * SARIF 2.1.0 for code-scanning uploads: one rule per vulnerability, secret
 * rule, misconfiguration check and license class; each result located at
 * the file in the image it concerns (relative to the image's root; the
 * image config as `image-config.json`). A finding a decision ignored is
 * kept with a suppression saying who accepted it, as SARIF intends.
 */
export function renderSarif(result: ScanResult, findings: readonly Finding[]): string {
  const builder = new SarifBuilder(new Verdicts(result.policy));
  const exposed = isExposed(result.inventory.image);

  for (const f of findings) builder.vulnerability(f, findingRisk(f, exposed));
  for (const s of result.inventory.secrets ?? []) {
    builder.add({
      rule: { id: s.rule, title: s.title, severity: s.severity, tag: "secret" },
      message: `${s.title}: ${s.match}${s.removedIn === undefined ? "" : " (in a file a later layer removed)"}`,
      path: s.path,
      line: s.line,
      decision: builder.verdicts.secret(s),
      fingerprint: `${s.rule}:${s.fingerprint}:${s.path}`,
    });
  }
  for (const m of result.misconfigurations ?? []) {
    const first = m.evidence[0];
    builder.add({
      rule: {
        id: m.id,
        title: m.title,
        severity: m.severity,
        tag: "misconfiguration",
        help: m.fix,
      },
      message: `${m.title}: ${m.evidence.map((e) => e.detail).join("; ")}`,
      path: first?.path ?? "",
      line: first?.line,
      decision: builder.verdicts.misconfiguration(m),
      fingerprint: `misconfiguration:${m.id}`,
    });
  }
  for (const l of result.licenses ?? []) {
    builder.add({
      rule: {
        id: `license-${l.class}`,
        title: `${l.class} license`,
        severity: l.severity,
        tag: "license",
      },
      message: `${l.package.name} ${l.package.version}: ${l.licenses.join(", ") || "no license found"}`,
      path: l.package.path,
      decision: builder.verdicts.license(l),
      fingerprint: `license:${l.class}:${l.package.purl}`,
    });
  }

  const { image } = result.inventory;
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "vigil", version: VIGIL_VERSION, rules: builder.rules } },
        automationDetails: { id: `vigil/${imageName(image)}/` },
        results: builder.results,
        properties: {
          image: image.reference,
          digest: image.digest,
          os: result.inventory.os
            ? `${result.inventory.os.family} ${result.inventory.os.release}`
            : undefined,
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

interface RuleInput {
  id: string;
  title: string;
  severity: Severity;
  tag: "vulnerability" | "secret" | "misconfiguration" | "license";
  help?: string;
  helpUri?: string;
  cvss?: number;
}

interface ResultInput {
  rule: RuleInput;
  message: string;
  path: string;
  line?: number;
  decision?: Decision;
  fingerprint: string;
  properties?: Record<string, unknown>;
}

/** GitHub ranks by `security-severity`, a CVSS-like number; without a score, the severity's. */
const SECURITY_SEVERITY: Record<Severity, number> = {
  CRITICAL: 9.5,
  HIGH: 8,
  MEDIUM: 5.5,
  LOW: 3,
  NEGLIGIBLE: 1,
  UNKNOWN: 0,
};

function level(severity: Severity, decision: Decision | undefined): string {
  if (decision?.action === "deny") return "error";
  if (decision?.action === "warn") return "warning";
  if (severity === "CRITICAL" || severity === "HIGH") return "error";
  return severity === "MEDIUM" ? "warning" : "note";
}

class SarifBuilder {
  readonly rules: Record<string, unknown>[] = [];
  readonly results: Record<string, unknown>[] = [];
  private readonly ruleIndex = new Map<string, number>();

  constructor(readonly verdicts: Verdicts) {}

  vulnerability(f: Finding, risk: number): void {
    const fix = f.fixedVersion ? `; fixed in ${f.fixedVersion}` : "; no fix yet";
    this.add({
      rule: {
        id: f.id,
        title: f.title ?? f.id,
        severity: f.severity,
        tag: "vulnerability",
        helpUri: f.references[0],
        cvss: f.cvss?.score,
        help: [f.title, f.aliases.length ? `Aliases: ${f.aliases.join(", ")}` : ""]
          .filter(Boolean)
          .join("\n"),
      },
      message: `${f.package.name} ${f.package.version} is affected by ${f.id} (${f.severity}${fix})`,
      path: f.package.path,
      decision: this.verdicts.vulnerability(f),
      fingerprint: `${f.id}:${f.package.purl}:${f.package.path}`,
      properties: {
        risk,
        purl: f.package.purl,
        fixedVersion: f.fixedVersion,
        kev: f.kev !== undefined,
        epss: f.epss?.score,
      },
    });
  }

  add(r: ResultInput): void {
    const index = this.rule(r.rule);
    const decision = r.decision;
    this.results.push({
      ruleId: r.rule.id,
      ruleIndex: index,
      level: level(r.rule.severity, decision),
      message: { text: decision ? `${r.message}. ${decision.message}` : r.message },
      locations: [location(r.path, r.line)],
      partialFingerprints: {
        "vigilFinding/v1": createHash("sha256").update(r.fingerprint).digest("hex").slice(0, 32),
      },
      suppressions:
        decision?.action === "ignore"
          ? [{ kind: "external", status: "accepted", justification: decision.message }]
          : undefined,
      properties: { ...r.properties, decision: decision?.by },
    });
  }

  private rule(r: RuleInput): number {
    const known = this.ruleIndex.get(r.id);
    if (known !== undefined) return known;

    const score = r.cvss ?? SECURITY_SEVERITY[r.severity];
    this.rules.push({
      id: r.id,
      shortDescription: { text: r.title },
      fullDescription: { text: r.title },
      helpUri: r.helpUri,
      help: r.help ? { text: r.help } : undefined,
      defaultConfiguration: { level: level(r.severity, undefined) },
      properties: {
        tags: ["security", r.tag],
        "security-severity": score.toFixed(1),
        precision: "very-high",
      },
    });
    this.ruleIndex.set(r.id, this.rules.length - 1);
    return this.rules.length - 1;
  }
}

/** A file of the image, relative to its root; what comes from the config is `image-config.json`. */
function location(path: string, line: number | undefined) {
  const fromConfig = path === "" || path.startsWith("(");
  const uri = fromConfig ? "image-config.json" : encodeURI(path.replace(/^\/+/, ""));
  return {
    physicalLocation: {
      artifactLocation: { uri },
      region: line === undefined ? undefined : { startLine: line },
    },
    logicalLocations: fromConfig && path ? [{ name: path, kind: "member" }] : undefined,
  };
}
