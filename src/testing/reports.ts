// Test-only: validators for the report formats vigil writes, from the
// official schemas kept in testdata/ (see the README beside each).
import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import Draft04 from "ajv-draft-04";
import type { ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { repoRoot } from "./shared.js";

const schema = (...parts: string[]) =>
  JSON.parse(readFileSync(path.join(repoRoot, "testdata", ...parts), "utf8")) as object;

let sarif: ValidateFunction | undefined;

/** Errors against the SARIF 2.1.0 (Errata 01) schema, or null. */
export function sarifErrors(doc: unknown): unknown {
  if (!sarif) {
    const ajv = new Draft04.default({ allErrors: true, strict: false });
    addFormats.default(ajv);
    sarif = ajv.compile(schema("sarif", "sarif-schema-2.1.0.json"));
  }
  const check = sarif;
  return check(doc) ? null : check.errors;
}

let openVex: ValidateFunction | undefined;

/** Errors against the OpenVEX 0.2.0 schema, or null. */
export function openVexErrors(doc: unknown): unknown {
  if (!openVex) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    openVex = ajv.compile(schema("openvex", "openvex_json_schema.json"));
  }
  const check = openVex;
  return check(doc) ? null : check.errors;
}

/** A JUnit document parsed, after checking it is well-formed XML. */
export function junitOf(text: string): {
  testsuites: { testsuite: { "@_name": string; "@_tests": string; testcase?: unknown[] }[] };
} {
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`JUnit XML not well-formed: ${JSON.stringify(valid)}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    isArray: (name) => name === "testsuite" || name === "testcase",
  });
  return parser.parse(text);
}
