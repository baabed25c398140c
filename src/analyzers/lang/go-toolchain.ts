import type { Analyzer, AnalyzerOutput } from "../types.js";
import { stdlibVersion } from "./go/toolchain.js";

// GOROOT/VERSION: /usr/local/go (the official tarball), /usr/lib/go-1.19
// (Debian), ~/sdk/go1.21.0 (Go's own downloader of other versions).
const VERSION_FILE = /(?:^|\/)go(?:-?\d[\w.]*)?\/VERSION$/;

/**
 * An installed Go toolchain, by its VERSION file (`go1.21.5`, and since Go
 * 1.21 a `time …` line). It is reported as the `stdlib` package, as the
 * build info of the programs it builds is.
 */
export const goToolchainAnalyzer: Analyzer = {
  id: "go-toolchain",
  version: 1,
  maxBytes: 4 << 10,
  claims: (path) => VERSION_FILE.test(path),
  analyze: ({ content }) => parseGoVersionFile(content.toString("utf8")),
};

export function parseGoVersionFile(text: string): AnalyzerOutput {
  const toolchain = text.split("\n")[0]?.trim() ?? "";
  const version = stdlibVersion(toolchain);
  if (!version) return {};
  return {
    packages: [
      {
        type: "golang",
        name: "stdlib",
        version,
        metadata: { goToolchain: toolchain, runtime: "go", confidence: "high" },
      },
    ],
  };
}
