import { compileCondition, ConditionError, type Condition } from "./cel.js";
import { DEFAULT_POLICY_NAME, DEFAULT_POLICY_YAML } from "./default-policy.js";
import { EXCEPTION_SCHEMA, readExceptions } from "./exceptions.js";
import { VARIABLES, type Facts, type FieldType } from "./facts.js";
import { ajv, SourceFile } from "./source.js";
import { ACTIONS, type Action, type Exception } from "./types.js";

export interface Rule {
  id: string;
  action: Action;
  condition: Condition;
  /** With `{finding.id}`-style placeholders. */
  message: string;
  /** `file:line`. */
  source: string;
}

export interface Policy {
  name: string;
  /** The file, or `(built-in default policy)`. */
  source: string;
  /** What a finding no rule matches gets. */
  defaultAction: Action;
  rules: Rule[];
  exceptions: Exception[];
  allowExceptionsWithoutOwner: boolean;
  allowExceptionsWithoutExpiry: boolean;
}

const KEBAB = "^[a-z0-9]+(?:-[a-z0-9]+)*$";

const checkPolicy = ajv.compile({
  type: "object",
  additionalProperties: false,
  required: ["rules"],
  properties: {
    name: { type: "string", minLength: 1 },
    description: { type: "string" },
    default: { enum: [...ACTIONS] },
    allowExceptionsWithoutOwner: { type: "boolean" },
    allowExceptionsWithoutExpiry: { type: "boolean" },
    rules: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "action", "when"],
        properties: {
          id: { type: "string", pattern: KEBAB },
          action: { enum: [...ACTIONS] },
          when: { type: "string", minLength: 1 },
          message: { type: "string" },
          description: { type: "string" },
        },
      },
    },
    exceptions: { type: "array", items: EXCEPTION_SCHEMA },
  },
});

interface RawPolicy {
  name?: string;
  default?: Action;
  allowExceptionsWithoutOwner?: boolean;
  allowExceptionsWithoutExpiry?: boolean;
  rules: { id: string; action: Action; when: string; message?: string }[];
}

export const BUILT_IN = "(built-in default policy)";

/** `--policy default` is the built-in policy; anything else is a file. */
export async function loadPolicy(nameOrFile: string): Promise<Policy> {
  if (nameOrFile === DEFAULT_POLICY_NAME) return defaultPolicy();
  return parsePolicy(await SourceFile.read(nameOrFile, "BAD_POLICY"));
}

export function defaultPolicy(): Policy {
  return parsePolicy(new SourceFile(BUILT_IN, DEFAULT_POLICY_YAML, "BAD_POLICY"));
}

export function parsePolicy(source: SourceFile): Policy {
  source.validate(checkPolicy);
  const raw = source.value as RawPolicy;

  const ids = new Set<string>();
  const rules = raw.rules.map((r, i): Rule => {
    if (ids.has(r.id)) throw source.errorAt(["rules", i, "id"], "a second rule with this id");
    ids.add(r.id);
    return {
      id: r.id,
      action: r.action,
      condition: compileAt(source, ["rules", i, "when"], r.when),
      message: checkedMessage(source, ["rules", i, "message"], r.message ?? defaultMessage(r)),
      source: `${source.name}:${source.lineOf(["rules", i]) ?? 1}`,
    };
  });

  return {
    name: raw.name ?? source.name,
    source: source.name,
    defaultAction: raw.default ?? "warn",
    rules,
    exceptions: readExceptions(source, ["exceptions"]),
    allowExceptionsWithoutOwner: raw.allowExceptionsWithoutOwner ?? false,
    allowExceptionsWithoutExpiry: raw.allowExceptionsWithoutExpiry ?? false,
  };
}

function compileAt(source: SourceFile, path: (string | number)[], text: string): Condition {
  try {
    return compileCondition(text);
  } catch (err) {
    if (!(err instanceof ConditionError)) throw err;
    const column = err.column === undefined ? "" : ` (column ${err.column})`;
    throw source.error(source.lineOf(path), `${err.message}${column}`, text);
  }
}

function defaultMessage(r: { id: string; action: Action }): string {
  return `${r.id}: {finding.id}`;
}

const PLACEHOLDER = /\{([a-zA-Z.]+)\}/g;

/** Every `{variable.field}` in a message must name a field of the schema. */
function checkedMessage(source: SourceFile, path: (string | number)[], message: string): string {
  for (const [, name] of message.matchAll(PLACEHOLDER)) {
    if (typeOf(name as string) === undefined) {
      throw source.errorAt(
        path,
        `unknown placeholder {${name}}`,
        "use {finding.id}, {pkg.name}, …",
      );
    }
  }
  return message;
}

function typeOf(dotted: string): FieldType | undefined {
  let t: FieldType | undefined = VARIABLES;
  for (const part of dotted.split(".")) {
    if (typeof t !== "object") return undefined;
    t = (t as Record<string, FieldType>)[part];
  }
  return t;
}

/** The message with its placeholders filled from the finding's facts. */
export function fillMessage(message: string, facts: Facts): string {
  return message.replace(PLACEHOLDER, (_, dotted: string) => {
    let v: unknown = facts;
    for (const part of dotted.split(".")) v = (v as Record<string, unknown>)[part];
    return Array.isArray(v) ? v.join(", ") : String(v);
  });
}
