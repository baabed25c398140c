import type { OsInfo, Package } from "../inventory/types.js";

/** What to look up for one package: where advisories for it live, and under which name. */
export interface MatchTarget {
  ecosystems: string[];
  name: string;
  version: string;
}

/**
 * Distributions key their advisories by source package: Debian and Ubuntu by
 * the `Source:` name and version, Alpine by the apk origin (the aport).
 * Returns undefined for packages whose ecosystem has no advisories wired yet.
 */
export function matchTarget(pkg: Package, os: OsInfo | undefined): MatchTarget | undefined {
  if (pkg.type === "deb" || pkg.type === "apk") {
    const ecosystems = osEcosystems(os);
    if (ecosystems.length === 0) return undefined;
    return {
      ecosystems,
      name: pkg.sourceName ?? pkg.name,
      version: pkg.type === "deb" ? (pkg.sourceVersion ?? pkg.version) : pkg.version,
    };
  }
  return undefined;
}

/** OSV ecosystem names for a detected OS (https://ossf.github.io/osv-schema/#affectedpackage-field). */
export function osEcosystems(os: OsInfo | undefined): string[] {
  if (!os) return [];
  switch (os.family) {
    case "debian":
      // Testing and sid carry a codename, not a number; their advisories are issue 5.
      return /^\d+$/.test(os.release) ? [`Debian:${os.release}`] : [];
    case "ubuntu":
      return [`Ubuntu:${os.release}`, `Ubuntu:${os.release}:LTS`];
    case "alpine":
      return os.release === "edge" ? [] : [`Alpine:v${os.release}`];
    default:
      return [];
  }
}
