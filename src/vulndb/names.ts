// Package names as the DB indexes them. Both the importer and the query side
// call normalizeName, so a lookup finds a record however either spelled it.

/** "Alpine:v3.10" → "Alpine", "Ubuntu:22.04:LTS" → "Ubuntu", "npm" → "npm". */
export function baseEcosystem(ecosystem: string): string {
  const colon = ecosystem.indexOf(":");
  return colon < 0 ? ecosystem : ecosystem.slice(0, colon);
}

/**
 * The index key for a package name in an OSV ecosystem.
 * - PyPI: PEP 503 (lowercase, each run of `-`, `_`, `.` becomes one `-`).
 * - npm: lowercase; the registry has refused new mixed-case names since 2017,
 *   yet advisories still spell some that way (GHSA-8hc4-vh64-cxmj says `Axios`).
 * - NuGet: lowercase; package ids are case-insensitive.
 * - Everything else is compared as written (Go module paths, Maven
 *   coordinates, crates and distro packages are case-sensitive).
 */
export function normalizeName(ecosystem: string, name: string): string {
  switch (baseEcosystem(ecosystem)) {
    case "PyPI":
      return name.toLowerCase().replace(/[-_.]+/g, "-");
    case "npm":
    case "NuGet":
      return name.toLowerCase();
    default:
      return name;
  }
}
