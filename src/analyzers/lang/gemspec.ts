import type { Analyzer, AnalyzerOutput } from "../types.js";
import { malformed, readText, record, unparsable } from "./common.js";

// RubyGems writes an installed gem's specification as Ruby source under
// `specifications/` (`default/` for the gems that ship with Ruby).
const SPECIFICATION = /(?:^|\/)specifications\/(?:default\/)?[^/]+\.gemspec$/;

/**
 * An installed gem, from the specification RubyGems wrote for it. The file is
 * Ruby; it is never evaluated: the `s.name`, `s.version` and `s.license(s)`
 * assignment lines RubyGems generates are read as text, string literals only.
 */
export const gemspecAnalyzer: Analyzer = {
  id: "gemspec",
  version: 1,
  maxBytes: 1 << 20,
  claims: (path) => SPECIFICATION.test(path),
  analyze: ({ content }) => parseGemspec(content),
};

export function parseGemspec(content: Buffer): AnalyzerOutput {
  const read = readText(content);
  if ("error" in read) return unparsable("gemspec", read.error);

  const name = assigned(read.text, "name")?.[0];
  const version = assigned(read.text, "version")?.[0];
  if (!name || !version) return { warnings: [malformed("gemspec without a name or version")] };

  const licenses = assigned(read.text, "licenses") ?? assigned(read.text, "license");
  return { packages: [record("gem", name, version, { licenses })] };
}

/** The string literals assigned to `<var>.<field> = …` on one line, e.g. `["MIT".freeze]`. */
function assigned(text: string, field: string): string[] | undefined {
  const line = new RegExp(`^\\s*\\w+\\.${field}\\s*=\\s*(.+)$`, "m").exec(text)?.[1];
  if (!line) return undefined;
  const values = [...line.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g)]
    .map((m) => m[1] ?? m[2] ?? "")
    .filter((v) => v !== "");
  return values.length > 0 ? values : undefined;
}
