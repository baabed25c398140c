import type { Analyzer } from "../types.js";
import { releaseFor } from "./os-release.js";

/** Old Alpine images may lack os-release; /etc/alpine-release has the version. */
export const alpineReleaseAnalyzer: Analyzer = {
  id: "alpine-release",
  version: 1,
  maxBytes: 4 << 10,
  claims: (path) => path === "etc/alpine-release",
  analyze: ({ content }) => {
    const version = content.toString("utf8").trim();
    if (!/^\d+\.\d+/.test(version)) return {};
    return {
      os: {
        family: "alpine",
        release: releaseFor("alpine", version, undefined, undefined),
        fullVersion: version,
        priority: 50,
      },
    };
  },
};
