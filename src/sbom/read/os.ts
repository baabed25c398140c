import { PackageURL } from "packageurl-js";
import { releaseFor } from "../../analyzers/os/os-release.js";
import type { OsInfo } from "../../inventory/types.js";
import { P } from "../properties.js";
import type { SbomEntry } from "./types.js";

// purl `distro` qualifiers sometimes carry a codename instead of a number
// (the purl spec's own deb example is `distro=jessie`).
const CODENAMES: Record<string, [string, string]> = {
  jessie: ["debian", "8"],
  stretch: ["debian", "9"],
  buster: ["debian", "10"],
  bullseye: ["debian", "11"],
  bookworm: ["debian", "12"],
  trixie: ["debian", "13"],
  xenial: ["ubuntu", "16.04"],
  bionic: ["ubuntu", "18.04"],
  focal: ["ubuntu", "20.04"],
  jammy: ["ubuntu", "22.04"],
  noble: ["ubuntu", "24.04"],
};

const OS_TYPES = new Set(["deb", "apk", "rpm"]);

/**
 * The OS an SBOM describes: its operating-system component when it has one,
 * else the distro qualifier most of its OS package purls carry.
 */
export function osFromSbom(
  osEntry: SbomEntry | undefined,
  entries: SbomEntry[],
): OsInfo | undefined {
  if (osEntry?.name) {
    const family = normaliseFamily(osEntry.name);
    const version = osEntry.version;
    return {
      family,
      release: osEntry.facts.get(P.osRelease) ?? releaseFor(family, version, undefined, undefined),
      fullVersion: version,
      codename: osEntry.facts.get(P.osCodename),
      prettyName: osEntry.description,
      source: osEntry.facts.get(P.osSource) ?? "sbom:operating-system",
    };
  }
  return fromDistroQualifiers(entries);
}

function fromDistroQualifiers(entries: SbomEntry[]): OsInfo | undefined {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const distro = distroOf(e.purl);
    if (distro) counts.set(distro, (counts.get(distro) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  if (!best) return undefined;

  const [family, version] = best.split("\t") as [string, string];
  const codename = CODENAMES[version];
  if (codename) {
    return { family: codename[0], release: codename[1], codename: version, source: "sbom:purl" };
  }
  return {
    family,
    release: releaseFor(family, version, undefined, undefined),
    fullVersion: version,
    source: "sbom:purl",
  };
}

/** `family\tversion` from `pkg:deb/debian/x@1?distro=debian-12` (or `distro=bookworm`). */
function distroOf(purl: string | undefined): string | undefined {
  if (!purl) return undefined;
  let parsed: PackageURL;
  try {
    parsed = PackageURL.fromString(purl);
  } catch {
    return undefined;
  }
  if (!OS_TYPES.has(parsed.type)) return undefined;
  const distro = parsed.qualifiers?.distro;
  if (!distro) return undefined;

  const m = /^([a-z]+)-(.+)$/i.exec(distro);
  if (m) return `${normaliseFamily(m[1] as string)}\t${m[2]}`;
  const namespace = parsed.namespace ? normaliseFamily(parsed.namespace) : undefined;
  const known = CODENAMES[distro.toLowerCase()];
  if (known) return `${known[0]}\t${distro.toLowerCase()}`;
  return namespace ? `${namespace}\t${distro}` : undefined;
}

/** `Debian GNU/Linux` → `debian`, `Alpine Linux` → `alpine`; ids are kept. */
export function normaliseFamily(name: string): string {
  const lower = name.trim().toLowerCase();
  for (const known of ["debian", "ubuntu", "alpine", "centos", "rocky", "almalinux", "fedora"]) {
    if (lower === known || lower.startsWith(`${known} `)) return known;
  }
  if (lower.startsWith("red hat") || lower === "redhat") return "rhel";
  return lower.replace(/\s+/g, "-");
}
