import { readFile } from "node:fs/promises";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { isMap, isNode, isSeq, LineCounter, parseDocument, type Document } from "yaml";
import { VigilError, type ErrorCode } from "../errors.js";

/**
 * A YAML (or JSON) file read with its positions kept, so every error can
 * name the file, the line and the text at fault: one line the user can act on.
 */
export class SourceFile {
  readonly value: unknown;
  private readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(
    readonly name: string,
    readonly text: string,
    private readonly code: ErrorCode,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true });
    const [first] = this.doc.errors;
    if (first) {
      const line = first.linePos?.[0]?.line;
      const detail = first.message.split("\n")[0] ?? first.message;
      throw this.error(line, `not valid YAML or JSON: ${detail}`);
    }
    this.value = this.doc.toJS() ?? {};
  }

  static async read(file: string, code: ErrorCode): Promise<SourceFile> {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      throw new VigilError("NOT_FOUND", `${file} cannot be read: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return new SourceFile(file, text, code);
  }

  /** The line of the value at `path` (the key's line for a missing or unknown key). */
  lineOf(path: readonly (string | number)[]): number | undefined {
    const node = this.doc.getIn(path, true);
    const start = isNode(node) ? node.range?.[0] : this.keyStart(path);
    return start === undefined ? undefined : this.lines.linePos(start).line;
  }

  /** The text of the value at `path`, as written, for error messages. */
  textAt(path: readonly (string | number)[]): string {
    const node = this.doc.getIn(path, true);
    if (!isNode(node) || !node.range) return "";
    return this.text.slice(node.range[0], node.range[1]).trim();
  }

  /** `file:line: message: \`text\``; the hint, when there is one, goes in parentheses. */
  error(line: number | undefined, message: string, text?: string, hint?: string): VigilError {
    const at = line === undefined ? this.name : `${this.name}:${line}`;
    const shown = text ? `: \`${oneLine(text)}\`` : "";
    return new VigilError(this.code, `${at}: ${message}${shown}`, { hint });
  }

  errorAt(path: readonly (string | number)[], message: string, hint?: string): VigilError {
    return this.error(this.lineOf(path), `${pathText(path)}: ${message}`, this.textAt(path), hint);
  }

  /** Checks the whole value against a JSON schema; the first error is thrown, placed. */
  validate(check: ValidateFunction): void {
    if (check(this.value)) return;
    // An unknown field explains most other errors (a misspelt required one): it goes first.
    const errors = check.errors ?? [];
    const err = (errors.find((e) => e.keyword === "additionalProperties") ??
      errors[0]) as ErrorObject;
    const path = err.instancePath
      .split("/")
      .slice(1)
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, "/").replace(/~0/g, "~")));
    const extra = (err.params as { additionalProperty?: string }).additionalProperty;
    if (extra !== undefined) {
      const line = this.lineOf([...path, extra]);
      const where = pathText([...path, extra]);
      throw this.error(line, `${where}: unknown field`, extra, knownFields(err));
    }
    throw this.errorAt(path, schemaMessage(err));
  }

  private keyStart(path: readonly (string | number)[]): number | undefined {
    const parent = path.length > 1 ? this.doc.getIn(path.slice(0, -1), true) : this.doc.contents;
    const key = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isNode(p.key) && String(p.key.toJSON()) === key);
      return isNode(pair?.key) ? pair.key.range?.[0] : undefined;
    }
    if (isSeq(parent) && typeof key === "number") {
      const item = parent.items[key];
      return isNode(item) ? item.range?.[0] : undefined;
    }
    return undefined;
  }
}

/** `rules[2].when`. */
export function pathText(path: readonly (string | number)[]): string {
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`))
    .join("")
    .replace(/^$/, "(top level)");
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 120 ? `${flat.slice(0, 117)}…` : flat;
}

function schemaMessage(err: ErrorObject): string {
  const params = err.params as { allowedValues?: unknown[]; missingProperty?: string };
  if (params.allowedValues) return `must be one of ${params.allowedValues.join(", ")}`;
  if (params.missingProperty) return `${params.missingProperty} is required`;
  return err.message ?? "is not valid";
}

function knownFields(err: ErrorObject): string | undefined {
  const props = (err.parentSchema as { properties?: Record<string, unknown> } | undefined)
    ?.properties;
  return props ? `known fields: ${Object.keys(props).join(", ")}` : undefined;
}

/** One compiler for vigil's own file schemas; they are small and strict. */
export const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
