import type { Analyzer } from "../types.js";

/**
 * /etc/debian_version: `12.15` on a release, `trixie/sid` on testing. Ubuntu
 * ships one too (`bookworm/sid`), which is why os-release outranks it.
 */
export const debianVersionAnalyzer: Analyzer = {
  id: "debian-version",
  version: 1,
  maxBytes: 4 << 10,
  claims: (path) => path === "etc/debian_version",
  analyze: ({ content }) => {
    const text = content.toString("utf8").trim();
    if (text === "") return {};
    const numeric = /^(\d+)(\.\d+)*$/.exec(text);
    const codename = numeric ? undefined : text.split("/")[0];
    return {
      os: {
        family: "debian",
        release: numeric ? (numeric[1] as string) : (codename ?? text),
        fullVersion: text,
        codename,
        priority: 40,
      },
    };
  },
};
