import type { Analyzer } from "../types.js";
import { parseDpkgStatus } from "./dpkg-common.js";

/** Debian and Ubuntu: the dpkg database of installed packages. */
export const dpkgStatusAnalyzer: Analyzer = {
  id: "dpkg-status",
  version: 1,
  maxBytes: 64 << 20,
  claims: (path) => path === "var/lib/dpkg/status",
  paths: ["var/lib/dpkg/status"],
  analyze: ({ content }) => parseDpkgStatus(content, true),
};
