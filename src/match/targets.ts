import type { OsInfo, Package } from "../inventory/types.js";
import { DEBIAN_RELEASES } from "../inventory/debian-releases.js";

/** One lookup for a package: where advisories for it live, and under which name. */
export interface MatchTarget {
  ecosystems: string[];
  name: string;
  version: string;
  /** Whether `name` is the binary package's own name or its source package's. */
  key: "binary" | "source";
}

/**
 * The lookups that find a package's advisories, or none when its ecosystem
 * has no advisories wired yet (or it is not the OS's own package). Each
 * vendor keys advisories its own way:
 * - Debian and Ubuntu by the `Source:` name and version, Alpine, Wolfi and
 *   Chainguard by the apk origin;
 * - AlmaLinux and Photon OS by binary rpm name (ALSA-2023:5259 lists
 *   `mariadb-server`), SUSE and openSUSE by source rpm, and Red Hat, Rocky
 *   and Azure Linux by either, so both are looked up.
 *
 * `known` gives the ecosystems in the database: Red Hat and SUSE spread one
 * release over many (`Red Hat:enterprise_linux:9::appstream`, `SUSE:Linux
 * Enterprise Module for Basesystem 15 SP5`), chosen from them by release.
 */
export function matchTargets(
  pkg: Package,
  os: OsInfo | undefined,
  known: KnownEcosystems = none,
  opts: TargetOptions = {},
): MatchTarget[] {
  if (pkg.thirdParty) return [];
  const language = LANGUAGE_ECOSYSTEMS[pkg.type];
  if (language) return languageTargets(pkg, language, opts);
  const ecosystems = osEcosystems(os, known);
  if (ecosystems.length === 0) return [];

  switch (pkg.type) {
    case "deb": {
      const version = pkg.sourceVersion ?? pkg.version;
      // An installed `+esm` build came from Ubuntu Pro: its fixes are keyed there.
      if (os?.family === "ubuntu" && /[+~]esm\d/.test(version)) {
        ecosystems.push(`Ubuntu:Pro:${os.release}:LTS`);
      }
      return [{ ecosystems, name: pkg.sourceName ?? pkg.name, version, key: "source" }];
    }
    case "apk":
      return [
        { ecosystems, name: pkg.sourceName ?? pkg.name, version: pkg.version, key: "source" },
      ];
    case "rpm":
      return rpmTargets(pkg, ecosystems, RPM_KEYS[os?.family ?? ""] ?? "both");
    default:
      return [];
  }
}

export interface TargetOptions {
  /**
   * Also match language packages an OS package installed against upstream
   * advisories (by default the distribution's advisories for the OS package
   * judge them: it builds and patches them).
   */
  matchOsOwned?: boolean;
}

/** OSV ecosystems of the language package types. */
const LANGUAGE_ECOSYSTEMS: Partial<Record<Package["type"], string>> = {
  npm: "npm",
  pypi: "PyPI",
  maven: "Maven",
  golang: "Go",
  cargo: "crates.io",
  gem: "RubyGems",
  composer: "Packagist",
  nuget: "NuGet",
};

/**
 * One lookup by the package's own name, in its ecosystem's spelling (npm
 * `@scope/name`, Maven `group:artifact`, Go module path, Composer
 * `vendor/name`); the database normalises case where the ecosystem does.
 */
function languageTargets(pkg: Package, ecosystem: string, opts: TargetOptions): MatchTarget[] {
  if (pkg.ownedBy && !opts.matchOsOwned) return [];
  let version = pkg.version;
  if (ecosystem === "Go") {
    // A main module built from a checkout has no version to compare.
    if (version === "(devel)" || version === "") return [];
    // OSV writes Go versions without the `v`; the build info keeps it.
    version = version.replace(/^v/, "");
  }
  return [{ ecosystems: [ecosystem], name: pkg.name, version, key: "binary" }];
}

/** Called only for the distributions that need it: listing a DB's ecosystems is a scan. */
export type KnownEcosystems = () => readonly string[];
const none: KnownEcosystems = () => [];

type RpmKeys = "binary" | "source" | "both";

const RPM_KEYS: Readonly<Record<string, RpmKeys>> = {
  almalinux: "binary",
  photon: "binary",
  sles: "source",
  sles_sap: "source",
  sled: "source",
  "sle-micro": "source",
  "opensuse-leap": "source",
  "opensuse-leap-micro": "source",
  "opensuse-tumbleweed": "source",
};

function rpmTargets(pkg: Package, ecosystems: string[], keys: RpmKeys): MatchTarget[] {
  const targets: MatchTarget[] = [];
  const source = pkg.sourceName;
  if (keys !== "source" || !source) {
    targets.push({ ecosystems, name: pkg.name, version: pkg.version, key: "binary" });
  }
  if (keys !== "binary" && source && (keys === "source" || source !== pkg.name)) {
    // note: the source version takes the binary's epoch (a src.rpm file name
    // has none), which is right unless a subpackage sets its own Epoch.
    const version = pkg.sourceVersion ?? pkg.version;
    targets.push({ ecosystems, name: source, version, key: "source" });
  }
  return targets;
}

/**
 * OSV ecosystem names for a detected OS (https://ossf.github.io/osv-schema/#affectedpackage-field).
 * Empty for distributions OSV has no advisories for (Oracle Linux, Amazon
 * Linux, Fedora): their own feeds are not imported yet.
 */
export function osEcosystems(os: OsInfo | undefined, known: KnownEcosystems = none): string[] {
  if (!os) return [];
  const { family, release } = os;
  const major = release.split(".")[0] as string;
  switch (family) {
    case "debian":
      return debianEcosystems(os);
    case "ubuntu":
      return [`Ubuntu:${release}`, `Ubuntu:${release}:LTS`];
    case "alpine":
      // OSV scopes Alpine by numbered branch only; edge is the secdb's own name.
      return [release === "edge" ? "Alpine:edge" : `Alpine:v${release}`];
    case "wolfi":
      return ["Wolfi"];
    case "chainguard":
      // Chainguard images carry Wolfi's packages beside Chainguard's own.
      return ["Chainguard", "Wolfi"];
    case "almalinux":
      return [`AlmaLinux:${major}`];
    case "rocky":
      return [`Rocky Linux:${major}`];
    case "rhel":
    case "centos":
      // CentOS Linux and Stream rebuild RHEL's sources; Red Hat's advisories are theirs.
      return redHatEcosystems(major, known);
    case "azurelinux":
    case "mariner":
      return [`Azure Linux:${major}`];
    case "photon":
      return [`Photon OS:${release}`];
    case "opensuse-leap":
      return [`openSUSE:Leap ${release}`, `openSUSE:Leap ${release} NonFree`];
    case "opensuse-leap-micro":
      return [`openSUSE:Leap Micro ${release}`];
    case "opensuse-tumbleweed":
      return ["openSUSE:Tumbleweed"];
    case "sles":
    case "sles_sap":
    case "sled":
    case "sle-micro":
      return suseEcosystems(family, release, known);
    default:
      return [];
  }
}

function debianEcosystems(os: OsInfo): string[] {
  if (/^\d+$/.test(os.release)) return [`Debian:${os.release}`];
  const number = DEBIAN_RELEASES[os.release];
  // A codename without a number yet: only records scoped to Debian as a whole.
  return [number ? `Debian:${number}` : "Debian"];
}

function redHatEcosystems(major: string, known: KnownEcosystems): string[] {
  const base = `Red Hat:enterprise_linux:${major}`;
  return known().filter((e) => e === base || e.startsWith(`${base}:`));
}

/**
 * SUSE keys advisories by product and module, with the service pack and the
 * support phase in the name: SLES 15 SP5 (`VERSION_ID=15.5`) reads
 * `SUSE:Linux Enterprise Server 15 SP5`, `…15 SP5-LTSS`, `SUSE:Linux
 * Enterprise Module for Basesystem 15 SP5`.
 */
function suseEcosystems(family: string, release: string, known: KnownEcosystems): string[] {
  const [major, sp] = release.split(".");
  const micro = family === "sle-micro";
  const tag =
    micro || !sp || sp === "0" ? (micro ? release : (major as string)) : `${major} SP${sp}`;
  const scoped = new RegExp(`[ :]${tag.replace(/\./g, "\\.")}(?:-[A-Za-z]+)?$`);
  return known().filter(
    (e) => e.startsWith("SUSE:") && scoped.test(e) && /Micro/.test(e) === micro,
  );
}
