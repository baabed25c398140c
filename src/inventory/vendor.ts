// Whether an rpm was built by the distribution it sits in. rpm records its
// builder in the Vendor tag; a package from EPEL, a vendor's own repository
// or a local build keeps its own name and version, and matching it against
// the distribution's advisories compares versions that never shared a line.
import type { OsInfo, Package, PackageRecord, ScanWarning } from "./types.js";

/** The Vendor tags each distribution's own packages carry (read from real images). */
const VENDORS: Readonly<Record<string, RegExp>> = {
  rhel: /^Red Hat\b/,
  centos: /^CentOS\b/,
  almalinux: /^AlmaLinux\b/,
  rocky: /^Rocky\b/,
  ol: /^Oracle\b/,
  fedora: /^Fedora Project\b/,
  amzn: /^Amazon\b/,
  sles: /^SUSE\b/,
  "sle-micro": /^SUSE\b/,
  // note: Leap 15.3 and later ship SUSE's own builds beside openSUSE's.
  "opensuse-leap": /^(openSUSE|SUSE)\b/,
  "opensuse-tumbleweed": /^openSUSE\b/,
  photon: /^VMware\b/,
  azurelinux: /^Microsoft\b/,
  mariner: /^Microsoft\b/,
};

/**
 * True for an rpm whose Vendor names someone else than the OS. A package
 * without a Vendor tag is not flagged: nothing says who built it.
 */
export function isThirdParty(pkg: PackageRecord, os: OsInfo | undefined): boolean {
  if (pkg.type !== "rpm" || !os) return false;
  const vendor = pkg.metadata?.vendor?.trim();
  const own = VENDORS[os.family];
  return Boolean(vendor && own && !own.test(vendor));
}

/** One warning per foreign vendor, so a scan says which packages it did not match. */
export function thirdPartyWarnings(
  packages: readonly Package[],
  os: OsInfo | undefined,
): ScanWarning[] {
  const byVendor = new Map<string, Package[]>();
  for (const p of packages.filter((x) => x.thirdParty)) {
    const vendor = p.metadata?.vendor ?? "";
    byVendor.set(vendor, [...(byVendor.get(vendor) ?? []), p]);
  }
  return [...byVendor].map(([vendor, list]) => {
    const names = list.map((p) => p.name).sort();
    const shown = names.slice(0, 5).join(", ") + (names.length > 5 ? ", …" : "");
    return {
      code: "THIRD_PARTY_PACKAGES",
      message:
        `${list.length} rpm package(s) from vendor "${vendor}", not ${os?.family}: ${shown}; ` +
        `not matched against ${os?.family} advisories`,
      path: list[0]?.path,
    };
  });
}
