import type { PackageRecord } from "../../inventory/types.js";
import type { Analyzer, AnalyzerOutput } from "../types.js";

/** Alpine (and Wolfi): apk's database, one `K:value` line per field. */
export const apkInstalledAnalyzer: Analyzer = {
  id: "apk-installed",
  version: 2,
  maxBytes: 64 << 20,
  claims: (path) => path === "lib/apk/db/installed",
  paths: ["lib/apk/db/installed"],
  analyze: ({ content }) => parseApkInstalled(content.toString("utf8")),
};

export function parseApkInstalled(text: string): AnalyzerOutput {
  const packages: PackageRecord[] = [];
  const ownedFiles: NonNullable<AnalyzerOutput["ownedFiles"]> = [];
  const warnings: NonNullable<AnalyzerOutput["warnings"]> = [];
  let fields = new Map<string, string>();
  let files: string[] = [];
  let dir = "";
  let start = 1;

  const finish = () => {
    if (fields.size === 0) return;
    const pkg = toPackage(fields);
    if (pkg) {
      packages.push(pkg);
      ownedFiles.push({ type: "apk", name: pkg.name, files });
    } else {
      warnings.push({ code: "MALFORMED_ENTRY", message: "entry without P: or V:", line: start });
    }
  };

  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, "");
    if (line === "") {
      finish();
      fields = new Map();
      files = [];
      start = i + 2;
      continue;
    }
    // F: names a directory, the R: lines after it its files.
    const key = line[0] as string;
    if (line[1] !== ":") continue;
    if (key === "F") dir = line.slice(2);
    else if (key === "R") files.push(`/${dir ? `${dir}/` : ""}${line.slice(2)}`);
    else if (!fields.has(key)) fields.set(key, line.slice(2));
  }
  finish();
  return { packages, ownedFiles, warnings };
}

function toPackage(fields: Map<string, string>): PackageRecord | undefined {
  const name = fields.get("P");
  const version = fields.get("V");
  if (!name || !version) return undefined;

  const license = fields.get("L");
  return {
    type: "apk",
    name,
    version,
    arch: fields.get("A"),
    sourceName: fields.get("o") ?? name,
    sourceVersion: version,
    licenses: license ? [license] : undefined,
    maintainer: fields.get("m"),
  };
}
