import { PackageURL } from "packageurl-js";
import type { OsInfo, PackageRecord } from "./types.js";

/** Package URLs per the purl spec, with distro and arch qualifiers for OS packages. */
export function purlFor(pkg: PackageRecord, os: OsInfo | undefined): string {
  const qualifiers: Record<string, string> = {};
  if (pkg.arch) qualifiers.arch = pkg.arch;
  const distro = distroQualifier(pkg, os);
  if (distro) qualifiers.distro = distro;

  const namespace = osNamespace(pkg, os);
  return new PackageURL(pkg.type, namespace, pkg.name, pkg.version, qualifiers).toString();
}

function osNamespace(pkg: PackageRecord, os: OsInfo | undefined): string | undefined {
  if (pkg.type === "deb") return os?.family ?? "debian";
  if (pkg.type === "apk") return os?.family ?? "alpine";
  if (pkg.type === "rpm") return os?.family;
  return undefined;
}

/** `debian-12`, `ubuntu-22.04`, `alpine-3.18.9`: the forms scanners exchange. */
function distroQualifier(pkg: PackageRecord, os: OsInfo | undefined): string | undefined {
  if (!os || !["deb", "apk", "rpm"].includes(pkg.type)) return undefined;
  return `${os.family}-${os.fullVersion ?? os.release}`;
}
