import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import { readText, record, unparsable } from "./common.js";

/**
 * Bundler's Gemfile.lock (gems.locked beside a gems.rb). Gems are the four-space `name (version)` lines of
 * the GEM and GIT sections' `specs:`; PATH gems are the project's own code.
 * DEPENDENCIES lists what the Gemfile names: those are direct.
 */
export const gemfileLockAnalyzer: Analyzer = {
  id: "gemfile-lock",
  version: 1,
  maxBytes: 16 << 20,
  claims: (path) => /(?:^|\/)(?:Gemfile\.lock|gems\.locked)$/.test(path),
  analyze: ({ content }) => parseGemfileLock(content),
};

const SPEC = /^ {4}([^\s(]+) \(([^)]+)\)$/;
const DEPENDENCY = /^ {2}([^\s(!]+)/;

export function parseGemfileLock(content: Buffer): AnalyzerOutput {
  const read = readText(content);
  if ("error" in read) return unparsable("Gemfile.lock", read.error);

  const specs: { name: string; version: string }[] = [];
  const direct = new Set<string>();
  let section = "";
  for (const raw of read.text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (/^[A-Z]/.test(line)) section = line.trim();
    const spec = SPEC.exec(line);
    if (spec && (section === "GEM" || section === "GIT")) {
      specs.push({ name: spec[1] as string, version: spec[2] as string });
    }
    const dep = section === "DEPENDENCIES" ? DEPENDENCY.exec(line) : null;
    if (dep) direct.add(dep[1] as string);
  }

  const packages: PackageRecord[] = specs.map(({ name, version }) => {
    // A platform gem is written `nokogiri (1.15.4-x86_64-linux)`.
    const [plain, ...platform] = version.split("-");
    const metadata: Record<string, string> =
      platform.length > 0 ? { platform: platform.join("-") } : {};
    return record("gem", name, plain as string, {
      dependency: direct.has(name) ? "direct" : "indirect",
      declared: true,
      metadata,
    });
  });
  return { packages };
}
