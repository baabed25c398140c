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

  const { namespace, name } = nameParts(pkg, os);
  return new PackageURL(pkg.type, namespace, name, version, qualifiers).toString();
}

/**
 * Where vigil's name holds the purl namespace too: npm's `@scope/name`,
 * composer's `vendor/name`, Maven's `group:artifact`, Go's module path
 * (namespace up to the last `/`). packageurl-js then encodes the `@` and
 * lowercases what the spec says is case-insensitive (PyPI, composer);
 * sbom/read/packages.ts joins the parts back the same way.
 */
function nameParts(pkg: PackageRecord, os: OsInfo | undefined) {
  const cut = namespaceCut(pkg);
  if (cut <= 0) return { namespace: osNamespace(pkg, os), name: pkg.name };
  return { namespace: pkg.name.slice(0, cut), name: pkg.name.slice(cut + 1) };
}

function namespaceCut(pkg: PackageRecord): number {
  switch (pkg.type) {
    case "maven":
      return pkg.name.indexOf(":");
    case "golang":
    case "composer":
      return pkg.name.lastIndexOf("/");
    case "npm":
      return pkg.name.startsWith("@") ? pkg.name.lastIndexOf("/") : -1;
    default:
      return -1;
  }
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
