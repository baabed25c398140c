import type { Analyzer } from "../types.js";
import { parseDpkgStatus } from "./dpkg-common.js";

/**
 * Distroless images have no dpkg database; each package gets one file in
 * `var/lib/dpkg/status.d/` (with `*.md5sums` beside it, which are not entries).
 */
export const dpkgDistrolessAnalyzer: Analyzer = {
  id: "dpkg-distroless",
  version: 1,
  maxBytes: 4 << 20,
  claims: (path) =>
    path.startsWith("var/lib/dpkg/status.d/") &&
    !path.endsWith(".md5sums") &&
    !path.slice("var/lib/dpkg/status.d/".length).includes("/"),
  analyze: ({ content }) => parseDpkgStatus(content, false),
};
