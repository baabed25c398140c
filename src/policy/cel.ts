import { celEnv, CelScalar, isCelError, mapType, parse, plan, type CelResult } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import type { Expr } from "@bufbuild/cel-spec/cel/expr/syntax_pb.js";
import { VARIABLES, type Facts, type FieldType, type Schema } from "./facts.js";

/** A condition that failed to parse or check: the message and the column it points at. */
export class ConditionError extends Error {
  constructor(
    message: string,
    readonly column?: number,
  ) {
    super(message);
  }
}

export interface Condition {
  text: string;
  /** Throws ConditionError when the expression errs on these facts. */
  test(facts: Facts): boolean;
}

const env = celEnv({
  variables: {
    finding: mapType(CelScalar.STRING, CelScalar.DYN),
    pkg: mapType(CelScalar.STRING, CelScalar.DYN),
    image: mapType(CelScalar.STRING, CelScalar.DYN),
  },
  funcs: strings,
});

/**
 * Parses and checks a condition against the fact schema, then plans it once.
 * note: @bufbuild/cel 0.6 does not export its type checker, so `check` below
 * holds expressions to the schema: unknown variables and fields, operators
 * applied to the wrong types, and a result that is not a bool.
 */
export function compileCondition(text: string): Condition {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(text);
  } catch (err) {
    const m = /^<input>:(\d+):(\d+): (.*)$/s.exec((err as Error).message);
    throw new ConditionError(`syntax error: ${m?.[3] ?? (err as Error).message}`, columnOf(m));
  }

  const positions = parsed.sourceInfo?.positions ?? {};
  const type = new Checker(positions).check(parsed.expr, new Map());
  if (type !== "bool" && type !== "dyn") {
    throw new ConditionError(`the condition is a ${typeName(type)}, not a bool`, 1);
  }

  const run = plan(env, parsed);
  return {
    text,
    test(facts) {
      const result: CelResult = run(bind(facts));
      if (isCelError(result)) {
        const at = result.exprId === undefined ? undefined : positions[String(result.exprId)];
        throw new ConditionError(result.message, at === undefined ? undefined : at + 1);
      }
      return result === true;
    },
  };
}

function columnOf(m: RegExpExecArray | null): number | undefined {
  return m ? Number(m[2]) + 1 : undefined;
}

/** CEL integers are bigints; everything else binds as it is. */
function bind(facts: Facts) {
  const finding = { ...facts.finding, layer: BigInt(facts.finding.layer) };
  const image = {
    ...facts.image,
    layers: BigInt(facts.image.layers),
    base: { ...facts.image.base, layers: BigInt(facts.image.base.layers) },
  };
  return { finding, pkg: { ...facts.pkg }, image };
}

type Type = FieldType | "dyn" | "null" | "list" | "map";

function typeName(t: Type): string {
  if (typeof t === "object") return "object";
  if (t === "strings") return "list of strings";
  if (t === "labels") return "map of strings";
  return t;
}

const isNumeric = (t: Type) => t === "int" || t === "double";
const isLoose = (t: Type) => t === "dyn" || t === "null";

function elementOf(t: Type): Type {
  if (t === "strings" || t === "labels") return "string";
  return "dyn";
}

const STRING_METHODS: Record<string, Type> = {
  startsWith: "bool",
  endsWith: "bool",
  contains: "bool",
  matches: "bool",
  lowerAscii: "string",
  upperAscii: "string",
  trim: "string",
  replace: "string",
  substring: "string",
  charAt: "string",
  indexOf: "int",
  lastIndexOf: "int",
  split: "strings",
};
const CONVERSIONS: Record<string, Type> = {
  int: "int",
  uint: "int",
  double: "double",
  string: "string",
  bool: "bool",
  size: "int",
  dyn: "dyn",
  type: "dyn",
  timestamp: "dyn",
  duration: "dyn",
};

/** Infers each sub-expression's type from the schema; throws at the first thing that cannot hold. */
class Checker {
  constructor(private readonly positions: Record<string, number>) {}

  check(e: Expr, scope: ReadonlyMap<string, Type>): Type {
    const k = e.exprKind;
    switch (k.case) {
      case "constExpr":
        return this.constant(k.value.constantKind.case);
      case "identExpr":
        return this.ident(e, k.value.name, scope);
      case "selectExpr":
        return this.select(e, k.value.operand, k.value.field, k.value.testOnly, scope);
      case "listExpr":
        return this.list(k.value.elements, scope);
      case "structExpr":
        for (const entry of k.value.entries) {
          if (entry.keyKind.case === "mapKey") this.check(entry.keyKind.value, scope);
          if (entry.value) this.check(entry.value, scope);
        }
        return "map";
      case "comprehensionExpr":
        return this.comprehension(k.value, scope);
      case "callExpr":
        return this.call(e, k.value.function, k.value.target, k.value.args, scope);
      default:
        return "dyn";
    }
  }

  /** `shift` moves the column from where the parser placed the node (a select's dot). */
  private fail(e: Expr, message: string, shift = 0): never {
    const at = this.positions[String(e.id)];
    throw new ConditionError(message, at === undefined ? undefined : at + 1 + shift);
  }

  private constant(kind: string | undefined): Type {
    if (kind === "int64Value" || kind === "uint64Value") return "int";
    if (kind === "doubleValue") return "double";
    if (kind === "stringValue") return "string";
    if (kind === "boolValue") return "bool";
    if (kind === "nullValue") return "null";
    return "dyn";
  }

  private ident(e: Expr, name: string, scope: ReadonlyMap<string, Type>): Type {
    const local = scope.get(name);
    if (local !== undefined) return local;
    const global = VARIABLES[name];
    if (global !== undefined) return global;
    this.fail(e, `unknown variable ${name} (there are ${Object.keys(VARIABLES).join(", ")})`);
  }

  private select(
    e: Expr,
    operand: Expr | undefined,
    field: string,
    testOnly: boolean,
    scope: ReadonlyMap<string, Type>,
  ): Type {
    const of = operand ? this.check(operand, scope) : "dyn";
    if (typeof of === "object") {
      const t = (of as Schema)[field];
      if (t === undefined) {
        const path = operand ? describe(operand) : "";
        const known = Object.keys(of).join(", ");
        this.fail(e, `unknown field ${path}.${field} (${path} has ${known})`, 1);
      }
      return testOnly ? "bool" : t;
    }
    if (of === "labels" || isLoose(of) || of === "map") return testOnly ? "bool" : elementOf(of);
    this.fail(e, `a ${typeName(of)} has no field ${field}`);
  }

  private list(elements: Expr[], scope: ReadonlyMap<string, Type>): Type {
    const types = elements.map((x) => this.check(x, scope));
    return types.length > 0 && types.every((t) => t === "string") ? "strings" : "list";
  }

  private comprehension(
    c: Extract<Expr["exprKind"], { case: "comprehensionExpr" }>["value"],
    scope: ReadonlyMap<string, Type>,
  ): Type {
    const range = c.iterRange ? this.check(c.iterRange, scope) : "dyn";
    const accu = c.accuInit ? this.check(c.accuInit, scope) : "dyn";
    const inner = new Map(scope);
    inner.set(c.iterVar, elementOf(range));
    inner.set(c.accuVar, accu);
    if (c.loopCondition) this.check(c.loopCondition, inner);
    if (c.loopStep) this.check(c.loopStep, inner);
    return c.result ? this.check(c.result, inner) : "dyn";
  }

  private call(
    e: Expr,
    fn: string,
    target: Expr | undefined,
    args: Expr[],
    scope: ReadonlyMap<string, Type>,
  ): Type {
    const self = target ? this.check(target, scope) : undefined;
    const types = args.map((a) => this.check(a, scope));
    const [a, b] = types;

    switch (fn) {
      case "_&&_":
      case "_||_":
      case "!_":
      case "@not_strictly_false":
        types.forEach((t, i) => this.expect(args[i] as Expr, t, "bool", fn));
        return "bool";
      case "_==_":
      case "_!=_":
        if (!comparable(a as Type, b as Type)) this.mismatch(e, fn, a as Type, b as Type);
        return "bool";
      case "_<_":
      case "_<=_":
      case "_>_":
      case "_>=_":
        if (!ordered(a as Type, b as Type)) this.mismatch(e, fn, a as Type, b as Type);
        return "bool";
      case "@in":
        return this.membership(e, a as Type, b as Type);
      case "_+_":
      case "_-_":
      case "_*_":
      case "_/_":
      case "_%_":
        return this.arithmetic(e, fn, a as Type, b as Type);
      case "-_":
        if (!isNumeric(a as Type) && !isLoose(a as Type)) this.mismatch(e, fn, a as Type);
        return a as Type;
      case "_?_:_":
        this.expect(args[0] as Expr, a as Type, "bool", "?:");
        return types[1] === types[2] ? (types[1] as Type) : "dyn";
      case "_[_]":
        return elementOf(a as Type);
    }
    if (self !== undefined) return this.method(e, fn, self);
    if (fn in CONVERSIONS) return CONVERSIONS[fn] as Type;
    this.fail(e, `unknown function ${fn}()`);
  }

  private method(e: Expr, fn: string, self: Type): Type {
    if (fn === "size") return "int";
    const result = STRING_METHODS[fn];
    if (result === undefined) this.fail(e, `unknown method .${fn}()`);
    if (self !== "string" && !isLoose(self)) {
      this.fail(e, `.${fn}() applies to a string, not a ${typeName(self)}`);
    }
    return result;
  }

  private membership(e: Expr, item: Type, collection: Type): Type {
    const isCollection = ["strings", "labels", "list", "map", "dyn"].includes(collection as string);
    if (!isCollection)
      this.fail(e, `"in" needs a list or map on its right, not a ${typeName(collection)}`);
    if (!comparable(item, elementOf(collection))) this.mismatch(e, "in", item, collection);
    return "bool";
  }

  private arithmetic(e: Expr, fn: string, a: Type, b: Type): Type {
    if (isLoose(a) || isLoose(b)) return "dyn";
    if (isNumeric(a) && isNumeric(b)) return a === "double" || b === "double" ? "double" : "int";
    if (fn === "_+_" && a === "string" && b === "string") return "string";
    this.mismatch(e, fn, a, b);
  }

  private expect(e: Expr, t: Type, want: Type, fn: string): void {
    if (t !== want && !isLoose(t)) {
      this.fail(e, `${operatorName(fn)} needs a ${typeName(want)}, not a ${typeName(t)}`);
    }
  }

  private mismatch(e: Expr, fn: string, ...types: Type[]): never {
    const operands = types.map(typeName).join(" and ");
    this.fail(e, `${operatorName(fn)} cannot compare or combine ${operands}`);
  }
}

function comparable(a: Type, b: Type): boolean {
  if (isLoose(a) || isLoose(b) || a === b) return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  const lists = ["strings", "list"];
  return lists.includes(a as string) && lists.includes(b as string);
}

function ordered(a: Type, b: Type): boolean {
  if (isLoose(a) || isLoose(b)) return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  return a === b && (a === "string" || a === "bool");
}

function operatorName(fn: string): string {
  const bare = fn.replace(/^@/, "").replace(/_/g, "");
  return bare === "notstrictlyfalse" ? "the loop" : `"${bare}"`;
}

/** `finding.cvss` for a select chain, for messages. */
function describe(e: Expr): string {
  const k = e.exprKind;
  if (k.case === "identExpr") return k.value.name;
  if (k.case === "selectExpr" && k.value.operand) {
    return `${describe(k.value.operand)}.${k.value.field}`;
  }
  return "(expression)";
}
