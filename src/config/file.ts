import { readFile } from "node:fs/promises";
import type * as Yaml from "yaml";
import { VigilError } from "../errors.js";
import { SEVERITIES, type Severity } from "../match/types.js";
import { LICENSE_CLASSES, type LicenseClass } from "../licenses/classify.js";
import type { LicenseOptions } from "../licenses/findings.js";
import type { AllowRule } from "../secrets/allow.js";
import type { SecretRule } from "../secrets/rules.js";
import { compileRule } from "../secrets/scanner.js";
import { lazyRequire } from "../util/lazy-require.js";

/** `vigil.yaml`: what a team adds to and accepts from vigil's defaults. */
export interface VigilConfig {
  /** License classes: overrides of the table, and which classes become findings. */
  licenses: LicenseOptions;
  secrets: {
    /** Findings accepted by path glob, rule id and/or fingerprint. */
    allow: AllowRule[];
    /** Rules added to the built-in set. */
    rules: SecretRule[];
    /** Built-in rule ids not to run. */
    disable: string[];
  };
}

export const EMPTY_CONFIG: VigilConfig = {
  licenses: {},
  secrets: { allow: [], rules: [], disable: [] },
};

export async function loadConfig(file: string): Promise<VigilConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new VigilError("NOT_FOUND", `config file ${file} cannot be read`, { cause: err });
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file: string): VigilConfig {
  let doc: unknown;
  try {
    const { parse } = lazyRequire<typeof Yaml>("yaml");
    doc = parse(text) ?? {};
  } catch (err) {
    throw bad(file, `not YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  const secrets = field(doc, "secrets", file) ?? {};
  return {
    licenses: licenseOptions(field(doc, "licenses", file), `${file}: licenses`),
    secrets: {
      allow: list(secrets, "allow", file).map((a, i) =>
        allowRule(a, `${file}: secrets.allow[${i}]`),
      ),
      rules: list(secrets, "rules", file).map((r, i) =>
        customRule(r, `${file}: secrets.rules[${i}]`),
      ),
      disable: list(secrets, "disable", file).map((d) => String(d)),
    },
  };
}

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** `licenses: {report: [classes], classes: {class: [ids]}}`, every class name checked. */
function licenseOptions(value: unknown, where: string): LicenseOptions {
  const options: LicenseOptions = {};
  if (value === undefined) return options;
  const known = (name: unknown): LicenseClass => {
    if (!LICENSE_CLASSES.includes(name as LicenseClass)) {
      throw bad(where, `"${String(name)}" is no license class (${LICENSE_CLASSES.join(", ")})`);
    }
    return name as LicenseClass;
  };

  if (field(value, "report", where) !== undefined) {
    options.report = list(value, "report", where).map(known);
  }
  const classes = field(value, "classes", where);
  if (classes !== undefined) {
    options.classes = {};
    for (const name of Object.keys(classes)) {
      options.classes[known(name)] = list(classes, name, `${where}.classes`).map(String);
    }
  }
  return options;
}

function allowRule(value: unknown, where: string): AllowRule {
  const rule: AllowRule = {};
  for (const key of ["path", "rule", "fingerprint", "reason"] as const) {
    const v = field(value, key, where);
    if (v !== undefined) rule[key] = String(v);
  }
  if (!rule.path && !rule.rule && !rule.fingerprint) {
    throw bad(where, "needs at least one of path, rule, fingerprint");
  }
  return rule;
}

/**
 * A user's pattern runs over every file of untrusted images; like the
 * built-in ones it runs on RE2, which matches in linear time and rejects
 * backreferences and lookaround instead of backtracking.
 */
function customRule(value: unknown, where: string): SecretRule {
  const id = String(field(value, "id", where) ?? "");
  if (!KEBAB.test(id)) throw bad(where, `id "${id}" must be kebab-case`);
  const severity = String(field(value, "severity", where) ?? "HIGH").toUpperCase() as Severity;
  if (!SEVERITIES.includes(severity)) throw bad(where, `severity must be one of ${SEVERITIES}`);
  const keywords = list(value, "keywords", where).map(String);
  if (keywords.length === 0) throw bad(where, "needs keywords, which decide which files it reads");

  const rule: SecretRule = {
    id,
    title: String(field(value, "title", where) ?? id),
    severity,
    keywords,
    pattern: String(field(value, "pattern", where) ?? ""),
  };
  try {
    compileRule(rule);
  } catch (err) {
    throw bad(where, `pattern: ${(err as Error).message}`);
  }
  return rule;
}

function field(value: unknown, key: string, where: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw bad(where, "expected a mapping");
  return (value as Record<string, unknown>)[key] as Record<string, unknown> | undefined;
}

function list(value: unknown, key: string, where: string): unknown[] {
  const v = field(value, key, where);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw bad(where, `${key} must be a list`);
  return v;
}

function bad(where: string, message: string): VigilError {
  return new VigilError("BAD_OPTION", `${where}: ${message}`, {
    hint: "see the configuration section of the README",
  });
}
