import { PackageURL } from "packageurl-js";
import { globToRegExp } from "../secrets/allow.js";
import type { Facts } from "./facts.js";
import { ajv, SourceFile } from "./source.js";
import { FINDING_KINDS, type Exception, type ExceptionScope } from "./types.js";

/** The justifications OpenVEX allows for `not_affected`. */
export const JUSTIFICATIONS = [
  "component_not_present",
  "vulnerable_code_not_present",
  "vulnerable_code_not_in_execute_path",
  "vulnerable_code_cannot_be_controlled_by_adversary",
  "inline_mitigations_already_exist",
] as const;

export const EXCEPTION_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["reason", "scope"],
  properties: {
    id: { type: "string", minLength: 1 },
    owner: { type: "string", minLength: 1 },
    reason: { type: "string", minLength: 1 },
    expires: { type: "string" },
    justification: { enum: [...JUSTIFICATIONS] },
    scope: {
      type: "object",
      additionalProperties: false,
      minProperties: 1,
      properties: {
        vulnerability: { type: "string", minLength: 1 },
        package: { type: "string", minLength: 1 },
        image: { type: "string", minLength: 1 },
        path: { type: "string", minLength: 1 },
        kind: { enum: [...FINDING_KINDS] },
      },
    },
  },
} as const;

const checkFile = ajv.compile({
  type: "object",
  additionalProperties: false,
  required: ["exceptions"],
  properties: { exceptions: { type: "array", items: EXCEPTION_SCHEMA } },
});

/** `--exceptions FILE`: a YAML (or JSON) file with an `exceptions:` list. */
export async function loadExceptions(file: string): Promise<Exception[]> {
  const source = await SourceFile.read(file, "BAD_POLICY");
  source.validate(checkFile);
  return readExceptions(source, ["exceptions"]);
}

interface RawException {
  id?: string;
  owner?: string;
  reason: string;
  expires?: string;
  justification?: string;
  scope: ExceptionScope;
}

/** The list at `path` of an already validated file, each date checked. */
export function readExceptions(source: SourceFile, path: (string | number)[]): Exception[] {
  const list = (path.reduce<unknown>(
    (v, p) => (v as Record<string, unknown> | undefined)?.[p],
    source.value,
  ) ?? []) as RawException[];

  return list.map((raw, i) => {
    const at = [...path, i];
    if (raw.expires !== undefined && !isDate(raw.expires)) {
      throw source.errorAt([...at, "expires"], "not a date", "write it as YYYY-MM-DD");
    }
    return {
      id: raw.id ?? `${source.name}#${i + 1}`,
      owner: raw.owner,
      reason: raw.reason,
      expires: raw.expires,
      justification: raw.justification,
      scope: raw.scope,
      source: `${source.name}:${source.lineOf(at) ?? 1}`,
    };
  });
}

/** A real calendar day, `YYYY-MM-DD`. */
function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** `expires` is the last day it applies, in UTC. */
export function isExpired(e: Exception, today: string): boolean {
  return e.expires !== undefined && e.expires < today;
}

export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Every field of the scope must hold for the finding. */
export function exceptionMatches(e: Exception, facts: Facts): boolean {
  const { scope } = e;
  const { finding, pkg, image } = facts;

  if (scope.kind !== undefined && scope.kind !== finding.kind) return false;
  if (scope.vulnerability !== undefined && !namesFinding(scope.vulnerability, facts)) return false;
  if (scope.package !== undefined && !namesPackage(scope.package, pkg)) return false;
  if (scope.path !== undefined && !globToRegExp(scope.path).test(finding.path)) return false;
  if (scope.image !== undefined) {
    const pattern = textGlob(scope.image);
    const names = [image.reference, image.name, image.digest, ...image.tags];
    if (!names.some((n) => pattern.test(n))) return false;
  }
  return true;
}

function namesFinding(id: string, { finding }: Facts): boolean {
  const want = id.toUpperCase();
  const ids = [finding.id, ...finding.aliases];
  if (finding.kind === "license") ids.push(finding.id.replace(/^license:/, ""));
  return ids.some((x) => x.toUpperCase() === want);
}

/** `openssl`, `openssl@3.0.2`, or a purl; a purl's qualifiers and a missing version match any. */
function namesPackage(spec: string, pkg: Facts["pkg"]): boolean {
  if (pkg.name === "") return false;
  if (spec.startsWith("pkg:")) return purlCovers(spec, pkg.purl);

  const at = spec.lastIndexOf("@");
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : undefined;
  return name === pkg.name && (version === undefined || version === pkg.version);
}

export function purlCovers(spec: string, purl: string): boolean {
  const a = parsePurl(spec);
  const b = parsePurl(purl);
  if (!a || !b) return false;
  return (
    a.type === b.type &&
    (a.namespace ?? "") === (b.namespace ?? "") &&
    a.name === b.name &&
    (a.version === undefined || a.version === b.version)
  );
}

export function parsePurl(text: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(text);
  } catch {
    return undefined;
  }
}

/** Image names are not paths: `*` matches any text, `?` one character. */
function textGlob(glob: string): RegExp {
  const body = [...glob]
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\/]/g, "\\$&")))
    .join("");
  return new RegExp(`^${body}$`);
}
