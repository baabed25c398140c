// Which version ordering each OSV ecosystem uses. Adding a scheme is one row
// in SCHEMES; ecosystems missing here have no ordering yet and yield
// undefined, so callers can report them instead of guessing.
import { apkScheme } from "./apk.js";
import { dpkgScheme } from "./dpkg.js";
import { rpmScheme } from "./rpm.js";
import { semverScheme } from "./semver.js";
import type { VersionScheme } from "./types.js";

export type { VersionScheme } from "./types.js";
export { apkFuzzyMatch, apkScheme, compareApk, isValidApk, type ApkFuzzyOp } from "./apk.js";
export { compareDpkg, dpkgScheme, isValidDpkg } from "./dpkg.js";
export { compareEvr, rpmScheme } from "./rpm.js";
export { compareSemver, isValidSemver, semverScheme } from "./semver.js";

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
  ["npm", semverScheme],
  ["crates.io", semverScheme],
  ["Go", semverScheme],
  ["Hex", semverScheme],
  ["SwiftURL", semverScheme],
  ["Bitnami", semverScheme],
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
 * ecosystem's own ordering.
 */
export function schemeForRangeType(
  type: "SEMVER" | "ECOSYSTEM",
  ecosystem: string,
): VersionScheme | undefined {
  if (type === "SEMVER") return semverScheme;
  return schemeForEcosystem(ecosystem);
}
