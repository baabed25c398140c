import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { analyzers } from "./index.js";
import type { Analyzer } from "./types.js";

const here = path.dirname(fileURLToPath(import.meta.url));

function moduleFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return moduleFiles(full);
    return e.name.endsWith(".js") && !e.name.endsWith(".test.js") ? [full] : [];
  });
}

const isAnalyzer = (v: unknown): v is Analyzer =>
  typeof v === "object" && v !== null && "claims" in v && "analyze" in v && "id" in v;

describe("analyzer registry", () => {
  it("lists every analyzer exported anywhere under analyzers/", async () => {
    const registered = new Set(analyzers);
    for (const file of moduleFiles(here)) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(mod)) {
        if (isAnalyzer(value)) {
          assert.ok(
            registered.has(value),
            `${name} in ${path.relative(here, file)} is not in the registry`,
          );
        }
      }
    }
  });

  it("has unique ids", () => {
    const ids = analyzers.map((a) => a.id);
    assert.equal(new Set(ids).size, ids.length);
  });
});
