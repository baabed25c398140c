// Which version ordering each OSV ecosystem uses. Adding a scheme is one row
// in SCHEMES; ecosystems missing here have no ordering yet and yield
// undefined, so callers can report them instead of guessing.
import { apkScheme } from "./apk.js";
import { composerScheme } from "./composer.js";
import { dpkgScheme } from "./dpkg.js";
import { goScheme } from "./go.js";
import { mavenScheme } from "./maven.js";
import { nugetScheme } from "./nuget.js";
import { pep440Scheme } from "./pep440.js";
import { rpmScheme } from "./rpm.js";
import { rubygemsScheme } from "./rubygems.js";
import { npmSemverScheme, semverScheme } from "./semver.js";
import type { VersionScheme } from "./types.js";

export type { VersionScheme } from "./types.js";
export { apkFuzzyMatch, apkScheme, compareApk, isValidApk, type ApkFuzzyOp } from "./apk.js";
export { compareComposer, composerScheme, isValidComposer, normalizeComposer } from "./composer.js";
export { compareDpkg, dpkgScheme, isValidDpkg } from "./dpkg.js";
export { canonicalGo, compareGo, goScheme, isValidGo } from "./go.js";
export { compareMaven, isValidMaven, mavenScheme } from "./maven.js";
export { compareNuget, isValidNuget, nugetScheme } from "./nuget.js";
export {
  comparePep440,
  isValidPep440,
  normalizePep440,
  parsePep440,
  pep440Scheme,
} from "./pep440.js";
export { isValidPep440Specifier, satisfiesPep440 } from "./pep440-specifier.js";
export { compareEvr, rpmScheme } from "./rpm.js";
export { compareRubygems, isValidRubygems, rubygemsScheme } from "./rubygems.js";
export { satisfiesRubygems } from "./rubygems-requirement.js";
export {
  compareSemver,
  isValidNpmSemver,
  isValidSemver,
  npmSemverScheme,
  semverScheme,
} from "./semver.js";

/** Keyed by the ecosystem name before any `:release` suffix. */
const SCHEMES: ReadonlyMap<string, VersionScheme> = new Map([
  ["Alpine", apkScheme],
  ["Chainguard", apkScheme],
  ["Wolfi", apkScheme],
  ["Debian", dpkgScheme],
  ["Ubuntu", dpkgScheme],
  ["AlmaLinux", rpmScheme],
  ["Rocky Linux", rpmScheme],
  ["Red Hat", rpmScheme],
  ["SUSE", rpmScheme],
  ["openSUSE", rpmScheme],
  ["Mageia", rpmScheme],
  ["openEuler", rpmScheme],
  ["Azure Linux", rpmScheme],
  ["npm", npmSemverScheme],
  ["crates.io", semverScheme],
  ["Go", goScheme],
  ["Hex", semverScheme],
  ["SwiftURL", semverScheme],
  ["Bitnami", semverScheme],
  ["PyPI", pep440Scheme],
  ["Maven", mavenScheme],
  ["RubyGems", rubygemsScheme],
  ["NuGet", nugetScheme],
  ["Packagist", composerScheme],
]);

/**
 * The ordering for an OSV ecosystem string. A release scope after the first
 * colon (`Debian:12`, `Alpine:v3.18`, `Ubuntu:Pro:18.04:LTS`) does not change
 * the ordering, so only the name before it counts.
 */
export function schemeForEcosystem(ecosystem: string): VersionScheme | undefined {
  const colon = ecosystem.indexOf(":");
  const name = colon >= 0 ? ecosystem.slice(0, colon) : ecosystem;

  return SCHEMES.get(name);
}

/**
 * The ordering a range is evaluated with: SEMVER ranges are SemVer whatever
 * the ecosystem (the OSV schema defines them so); ECOSYSTEM ranges use the
 * ecosystem's own ordering. note: Go's ordering is SemVer too, and also
 * reads the toolchain's own spellings (`go1.21rc2`) that Go binaries report
 * for the standard library, which the Go vulnerability database writes as
 * SEMVER ranges (`1.21.0-rc.2`); so Go's SEMVER ranges use it.
 */
export function schemeForRangeType(
  type: "SEMVER" | "ECOSYSTEM",
  ecosystem: string,
): VersionScheme | undefined {
  const scheme = schemeForEcosystem(ecosystem);

  if (type === "SEMVER") return scheme === goScheme ? goScheme : semverScheme;
  return scheme;
}
