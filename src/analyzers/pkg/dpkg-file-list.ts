import type { Analyzer } from "../types.js";

/** `var/lib/dpkg/info/<package>[:<arch>].list`: one installed path per line. */
const LIST = /^var\/lib\/dpkg\/info\/([^/:]+)(?::[^/]+)?\.list$/;

/**
 * The files each Debian package installed. They let the inventory tell a
 * Python module or a jar that a deb put there (and the distro patches) from
 * one a user installed, which upstream advisories judge.
 */
export const dpkgFileListAnalyzer: Analyzer = {
  id: "dpkg-file-list",
  version: 1,
  maxBytes: 16 << 20,
  claims: (path) => LIST.test(path),
  analyze: ({ path, content }) => {
    const name = LIST.exec(path)?.[1] ?? "";
    const files = content
      .toString("utf8")
      .split("\n")
      .filter((line) => line.startsWith("/") && line !== "/.");
    return { ownedFiles: [{ type: "deb", name, files }] };
  },
};
