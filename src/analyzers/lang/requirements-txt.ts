import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";
import { readText, record, unparsable } from "./common.js";

// requirements.txt, requirements-dev.txt, requirements_prod.txt, …
const REQUIREMENTS = /(?:^|\/)requirements[^/]*\.txt$/;
// `name[extras] == 1.2.3` with an optional environment marker after `;`.
const PINNED = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;,*]+)\s*(?:;.*)?$/;

/**
 * The exactly pinned lines (`==` or `===`) of a pip requirements file: they
 * name what pip installs. Ranges (`>=`, `~=`, `==1.*`), options (`-r`, `-e`,
 * `--hash`), URLs and local paths pin nothing and are passed over.
 */
export const requirementsTxtAnalyzer: Analyzer = {
  id: "requirements-txt",
  version: 1,
  maxBytes: 4 << 20,
  claims: (path) => REQUIREMENTS.test(path),
  analyze: ({ content }) => parseRequirements(content),
};

export function parseRequirements(content: Buffer): AnalyzerOutput {
  const read = readText(content);
  if ("error" in read) return unparsable("requirements file", read.error);

  const packages: PackageRecord[] = [];
  for (const line of logicalLines(read.text)) {
    const m = PINNED.exec(line);
    if (m) packages.push(record("pypi", m[1] as string, m[2] as string, { declared: true }));
  }
  return { packages };
}

/** Joins `\` continuations, drops comments, and leaves per-line options aside. */
function logicalLines(text: string): string[] {
  const joined = text.replace(/\\\r?\n/g, " ");
  return joined
    .split("\n")
    .map((l) => l.replace(/(^|\s)#.*$/, "").trim())
    .map((l) => l.replace(/\s+--hash[=\s]\S+/g, "").trim())
    .filter((l) => l !== "" && !l.startsWith("-"));
}
