import type { Analyzer, OsFact } from "../types.js";

/** The freedesktop os-release file; every current distribution ships one. */
export const osReleaseAnalyzer: Analyzer = {
  id: "os-release",
  version: 2,
  maxBytes: 64 << 10,
  claims: (path) => path === "etc/os-release" || path === "usr/lib/os-release",
  paths: ["etc/os-release", "usr/lib/os-release"],
  analyze: ({ path, content }) => {
    const os = fromOsRelease(parseEnvFile(content.toString("utf8")));
    // etc/ overrides usr/lib/ when both exist, as the os-release spec says.
    return os ? { os: { ...os, priority: path.startsWith("etc/") ? 100 : 99 } } : {};
  },
};

/** `KEY=value` lines with shell-style quoting, as os-release and lsb-release use. */
export function parseEnvFile(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    out.set(line.slice(0, eq).trim(), unquote(line.slice(eq + 1).trim()));
  }
  return out;
}

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value);
  if (!m) return value;
  return (m[2] as string).replace(/\\(["'$`\\])/g, "$1");
}

function fromOsRelease(vars: Map<string, string>): Omit<OsFact, "priority"> | undefined {
  const id = familyOf(vars);
  if (!id) return undefined;

  const versionId = vars.get("VERSION_ID") || undefined;
  const codename = vars.get("VERSION_CODENAME") || undefined;
  const fact: Omit<OsFact, "priority"> = {
    family: id,
    release: releaseFor(id, versionId, codename, vars.get("PRETTY_NAME")),
    fullVersion: versionId,
    codename,
    prettyName: vars.get("PRETTY_NAME"),
  };
  // The vendor's own end-of-support date (systemd 252+), when the file has one.
  const supportEnd = vars.get("SUPPORT_END");
  if (supportEnd && /^\d{4}-\d{2}-\d{2}$/.test(supportEnd)) fact.eol = { date: supportEnd };
  return fact;
}

/**
 * The os-release ID, lowercased. note: openSUSE Leap 42 said `ID=opensuse`
 * for both Leap and Tumbleweed; its NAME tells them apart, as Leap 15 and
 * later do in the ID itself.
 */
function familyOf(vars: Map<string, string>): string | undefined {
  const id = vars.get("ID")?.toLowerCase();
  if (id !== "opensuse") return id || undefined;
  const name = vars.get("NAME") ?? "";
  if (/tumbleweed/i.test(name)) return "opensuse-tumbleweed";
  return /leap/i.test(name) ? "opensuse-leap" : id;
}

/** Enterprise Linux rebuilds key advisories by major release: 8.10 is "8". */
const MAJOR_ONLY = new Set(["rhel", "centos", "almalinux", "rocky", "ol", "scientific"]);

/** The release as the distribution's advisories name it. */
export function releaseFor(
  family: string,
  versionId: string | undefined,
  codename: string | undefined,
  prettyName: string | undefined,
): string {
  if (family === "alpine") {
    if (!versionId || /_alpha|_beta|_rc/.test(versionId) || /edge/i.test(prettyName ?? "")) {
      return "edge";
    }
    return versionId.split(".").slice(0, 2).join(".");
  }
  if (family === "debian") {
    // Testing and sid have no VERSION_ID; their codename is the release.
    return versionId ? (versionId.split(".")[0] as string) : (codename ?? "unknown");
  }
  if (MAJOR_ONLY.has(family) && versionId) return versionId.split(".")[0] as string;
  return versionId ?? codename ?? "unknown";
}
