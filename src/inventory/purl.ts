import { PackageURL } from "packageurl-js";
import type { OsInfo, PackageRecord } from "./types.js";

/** Package URLs per the purl spec, with distro and arch qualifiers for OS packages. */
export function purlFor(pkg: PackageRecord, os: OsInfo | undefined): string {
  const qualifiers: Record<string, string> = {};
  if (pkg.arch) qualifiers.arch = pkg.arch;
  const distro = distroQualifier(pkg, os);
  if (distro) qualifiers.distro = distro;

  let version = pkg.version;
  if (pkg.type === "rpm") {
    // The rpm purl carries the epoch as a qualifier, not in the version.
    const m = /^(\d+):(.*)$/.exec(pkg.version);
    if (m) {
      version = m[2] as string;
      if (m[1] !== "0") qualifiers.epoch = m[1] as string;
    }
  }

  const [namespace, name] = splitName(pkg, os);
  return new PackageURL(pkg.type, namespace, name, version, qualifiers).toString();
}

/**
 * Names that carry their namespace (`@scope/name` for npm, `vendor/name` for
 * composer) are split as the purl spec wants; packageurl-js then encodes the
 * `@` and lowercases what the spec says is case-insensitive (PyPI, composer).
 */
function splitName(pkg: PackageRecord, os: OsInfo | undefined): [string | undefined, string] {
  const slash = pkg.name.lastIndexOf("/");
  const scoped = pkg.type === "npm" && pkg.name.startsWith("@");
  if (slash > 0 && (scoped || pkg.type === "composer")) {
    return [pkg.name.slice(0, slash), pkg.name.slice(slash + 1)];
  }
  return [osNamespace(pkg, os), pkg.name];
}

// The purl spec's examples name the vendor: pkg:rpm/redhat/…, pkg:rpm/opensuse/….
const RPM_NAMESPACES: Readonly<Record<string, string>> = {
  rhel: "redhat",
  ol: "oracle",
  amzn: "amazon",
  sles: "suse",
  "sle-micro": "suse",
  "opensuse-leap": "opensuse",
  "opensuse-tumbleweed": "opensuse",
};

function osNamespace(pkg: PackageRecord, os: OsInfo | undefined): string | undefined {
  if (pkg.type === "deb") return os?.family ?? "debian";
  if (pkg.type === "apk") return os?.family ?? "alpine";
  if (pkg.type === "rpm") return os && (RPM_NAMESPACES[os.family] ?? os.family);
  return undefined;
}

/** `debian-12`, `ubuntu-22.04`, `alpine-3.18.9`: the forms scanners exchange. */
function distroQualifier(pkg: PackageRecord, os: OsInfo | undefined): string | undefined {
  if (!os || !["deb", "apk", "rpm"].includes(pkg.type)) return undefined;
  return `${os.family}-${os.fullVersion ?? os.release}`;
}
