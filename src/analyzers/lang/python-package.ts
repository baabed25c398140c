import type { Analyzer, AnalyzerOutput } from "../types.js";
import { malformed, readText, record, unparsable } from "./common.js";

// Installed distributions: a wheel's `*.dist-info/METADATA`, setuptools'
// `*.egg-info/PKG-INFO`, and the single `*.egg-info` file distutils wrote.
const METADATA = /(?:^|\/)[^/]+\.dist-info\/METADATA$/;
const PKG_INFO = /(?:^|\/)[^/]+\.egg-info\/PKG-INFO$/;
const EGG_INFO_FILE = /(?:^|\/)[^/]+\.egg-info$/;

/**
 * An installed Python distribution, from its core metadata (the email-header
 * format of PEP 241 to PEP 639). The name is kept as written (`PyYAML`); the
 * purl and `pep503Name` give the normalised form matching compares.
 */
export const pythonPackageAnalyzer: Analyzer = {
  id: "python-package",
  version: 1,
  // The long description follows the headers; a few packages embed whole manuals.
  maxBytes: 16 << 20,
  claims: (path) => METADATA.test(path) || PKG_INFO.test(path) || EGG_INFO_FILE.test(path),
  analyze: ({ content }) => parseCoreMetadata(content),
};

export function parseCoreMetadata(content: Buffer): AnalyzerOutput {
  const read = readText(content);
  if ("error" in read) return unparsable("Python package metadata", read.error);

  const headers = parseHeaders(read.text);
  const name = headers.get("name")?.[0];
  const version = headers.get("version")?.[0];
  if (!name || !version) {
    return { warnings: [malformed("Python package metadata without a Name or Version")] };
  }

  const author = headers.get("maintainer")?.[0] ?? headers.get("author")?.[0];
  return {
    packages: [record("pypi", name, version, { licenses: licenses(headers), maintainer: author })],
  };
}

/**
 * Headers up to the first blank line, by lower-cased name; a line that
 * starts with white space continues the previous header (old PKG-INFO files
 * indent a multi-line License or Description that way).
 */
function parseHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: string[] | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") break;
    if (/^[ \t]/.test(line)) {
      if (last) last[last.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    last = headers.get(key) ?? [];
    last.push(line.slice(colon + 1).trim());
    headers.set(key, last);
  }
  return headers;
}

/**
 * The most precise statement the metadata makes: PEP 639's
 * License-Expression, else the License field, else the license classifiers
 * (`License :: OSI Approved :: MIT License` → `MIT License`).
 */
function licenses(headers: Map<string, string[]>): string[] | undefined {
  const expression = headers.get("license-expression")?.[0];
  if (expression) return [expression];

  // note: a multi-line License is the license's whole text, not its name.
  const license = headers.get("license")?.[0];
  if (license && license !== "UNKNOWN" && !license.includes("\n")) return [license];

  const classifiers = (headers.get("classifier") ?? [])
    .filter((c) => c.startsWith("License ::"))
    .map((c) => c.split("::").at(-1)?.trim() ?? "")
    .filter((c) => c !== "" && c !== "OSI Approved");
  return classifiers.length > 0 ? classifiers : undefined;
}
