import { VigilError } from "../errors.js";
import type { ScanResult } from "../report/model.js";
import { imageName } from "../sbom/identity.js";
import { ConditionError } from "./cel.js";
import { exceptionMatches, isExpired, todayUtc } from "./exceptions.js";
import { fillMessage, type Policy, type Rule } from "./policy-file.js";
import { subjectsOf, vulnerabilityKey, type Subject } from "./subjects.js";
import type { Decision, Exception, PolicyOutcome } from "./types.js";
import { namesImage, statementCovers, type VexDocument, type VexStatement } from "./vex.js";

export interface PolicyInput {
  /** Absent when only exceptions or VEX were given: nothing is denied then. */
  policy?: Policy;
  /** From `--exceptions` files; the policy's own are added to them. */
  exceptions?: Exception[];
  vex?: VexDocument[];
  /** `YYYY-MM-DD`, UTC; default today. */
  today?: string;
}

/**
 * Decides every finding, in this order: a VEX statement that the image is
 * not affected (or fixed) ignores it; else an exception in force ignores it;
 * else the first rule whose condition holds decides; else the policy's
 * default. Every decision names what made it.
 */
export function evaluatePolicy(result: ScanResult, input: PolicyInput): PolicyOutcome {
  const { policy } = input;
  const exceptions = [...(policy?.exceptions ?? []), ...(input.exceptions ?? [])];
  checkExceptions(exceptions, policy);
  const today = input.today ?? todayUtc();

  const statements = vexStatements(result, input.vex ?? []);
  const subjects = subjectsOf(result, new Map([...statements].map(([k, s]) => [k, s.status])));
  const live = exceptions.filter((e) => !isExpired(e, today));
  const applied = new Map<Exception, string[]>();

  const decisions = subjects.map((subject) => {
    const vex = statements.get(subject.key);
    if (vex && (vex.status === "not_affected" || vex.status === "fixed")) {
      return vexDecision(subject, vex);
    }
    const exception = live.find((e) => exceptionMatches(e, subject.facts));
    if (exception) {
      applied.set(exception, [...(applied.get(exception) ?? []), subject.key]);
      return exceptionDecision(subject, exception, vex);
    }
    return ruleDecision(subject, policy, vex);
  });

  const counts = { deny: 0, warn: 0, ignore: 0 };
  for (const d of decisions) counts[d.action] += 1;
  return {
    policy: policy?.name,
    source: policy?.source,
    passed: counts.deny === 0,
    counts,
    decisions,
    expired: exceptions.filter((e) => isExpired(e, today)),
    applied: [...applied].map(([exception, keys]) => ({ exception, keys })),
  };
}

/** An exception nobody owns, or that never ends, is refused unless the policy allows it. */
function checkExceptions(exceptions: readonly Exception[], policy: Policy | undefined): void {
  for (const e of exceptions) {
    const noOwner = !e.owner && !policy?.allowExceptionsWithoutOwner;
    const noExpiry = !e.expires && !policy?.allowExceptionsWithoutExpiry;
    if (!noOwner && !noExpiry) continue;

    const missing = [noOwner ? "owner" : "", noExpiry ? "expiry date" : ""].filter(Boolean);
    const allow = [
      noOwner ? "allowExceptionsWithoutOwner" : "",
      noExpiry ? "allowExceptionsWithoutExpiry" : "",
    ];
    throw new VigilError(
      "BAD_POLICY",
      `${e.source}: exception ${e.id} has no ${missing.join(" and no ")}: \`${e.reason}\``,
      {
        hint: `give it an ${missing.join(" and an ")} (expires: YYYY-MM-DD), or set ${allow
          .filter(Boolean)
          .join(" and ")}: true in ${policy?.source ?? "a policy"}`,
      },
    );
  }
}

/**
 * The statement that decides each vulnerability finding: the last one, in
 * file order, that names its id (or an alias) and covers its package. A
 * document about none of the image's packages is an error: it was meant for
 * another image.
 */
function vexStatements(
  result: ScanResult,
  docs: readonly VexDocument[],
): Map<string, VexStatement> {
  const image = result.inventory.image;
  const names = [imageName(image), image.reference, ...image.tags];
  const decided = new Map<string, VexStatement>();

  for (const { statements } of docs) {
    const aboutImage = statements.some((s) =>
      s.products.some(
        (p) =>
          namesImage(p.id, image, names) ||
          result.inventory.packages.some((pkg) => statementCovers(s, pkg, image, names)),
      ),
    );
    if (statements.length > 0 && !aboutImage) {
      const first = statements[0] as VexStatement;
      const products = first.products.map((p) => p.id).join(", ") || "(none)";
      throw new VigilError(
        "BAD_VEX",
        `${first.productsSource}: the VEX document is about another product: \`${products}\``,
        { hint: `it names neither ${image.digest} nor any package of ${names[0]}` },
      );
    }

    for (const f of result.findings) {
      const ids = [f.id, ...f.aliases].map((x) => x.toUpperCase());
      for (const s of statements) {
        const named = [s.vulnerability, ...s.aliases].some((x) => ids.includes(x.toUpperCase()));
        if (named && statementCovers(s, f.package, image, names))
          decided.set(vulnerabilityKey(f), s);
      }
    }
  }
  return decided;
}

function base(subject: Subject): Pick<Decision, "key" | "kind" | "id"> {
  return { key: subject.key, kind: subject.kind, id: subject.facts.finding.id };
}

function vexDecision(subject: Subject, s: VexStatement): Decision {
  const why = [s.status, s.justification, s.detail].filter(Boolean).join(": ");
  return {
    ...base(subject),
    action: "ignore",
    by: { type: "vex", id: s.vulnerability, source: s.source },
    message: `VEX: ${why}`,
    vex: s.status,
  };
}

function exceptionDecision(subject: Subject, e: Exception, vex?: VexStatement): Decision {
  const owner = e.owner ? ` (${e.owner}${e.expires ? `, until ${e.expires}` : ""})` : "";
  return {
    ...base(subject),
    action: "ignore",
    by: { type: "exception", id: e.id, source: e.source },
    message: `excepted${owner}: ${e.reason}`,
    vex: vex?.status,
  };
}

function ruleDecision(subject: Subject, policy: Policy | undefined, vex?: VexStatement): Decision {
  const rule = policy?.rules.find((r) => holds(r, subject));
  if (rule) {
    return {
      ...base(subject),
      action: rule.action,
      by: { type: "rule", id: rule.id, source: rule.source },
      message: fillMessage(rule.message, subject.facts),
      vex: vex?.status,
    };
  }
  return {
    ...base(subject),
    action: policy?.defaultAction ?? "warn",
    by: { type: "default", id: "default", source: policy?.source ?? "" },
    message: `no rule matched ${subject.label}`,
    vex: vex?.status,
  };
}

function holds(rule: Rule, subject: Subject): boolean {
  try {
    return rule.condition.test(subject.facts);
  } catch (err) {
    if (!(err instanceof ConditionError)) throw err;
    throw new VigilError(
      "BAD_POLICY",
      `${rule.source}: rule ${rule.id} fails on ${subject.label}: ${err.message}: \`${rule.condition.text}\``,
      { hint: "guard the condition, e.g. size(finding.aliases) > 0 && …" },
    );
  }
}
