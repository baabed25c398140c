import type { Analyzer } from "../types.js";
import { parseEnvFile, releaseFor } from "./os-release.js";

/** Older Ubuntu and derivatives: /etc/lsb-release when os-release is absent. */
export const lsbReleaseAnalyzer: Analyzer = {
  id: "lsb-release",
  version: 1,
  maxBytes: 64 << 10,
  claims: (path) => path === "etc/lsb-release",
  analyze: ({ content }) => {
    const vars = parseEnvFile(content.toString("utf8"));
    const id = vars.get("DISTRIB_ID")?.toLowerCase();
    if (!id) return {};
    const version = vars.get("DISTRIB_RELEASE");
    const codename = vars.get("DISTRIB_CODENAME");
    return {
      os: {
        family: id,
        release: releaseFor(id, version, codename, vars.get("DISTRIB_DESCRIPTION")),
        fullVersion: version,
        codename,
        prettyName: vars.get("DISTRIB_DESCRIPTION"),
        priority: 60,
      },
    };
  },
};
