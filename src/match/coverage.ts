// Whether the DB can say anything about the image's OS at all. A DB without
// that release's advisories matches nothing and reports a clean image; the
// scan says so instead of letting "0 vulnerabilities" stand as a verdict.
import type { Inventory, ScanWarning } from "../inventory/types.js";
import type { VulnDb } from "../vulndb/index.js";
import { osEcosystems } from "./targets.js";

const OS_TYPES = new Set(["deb", "apk", "rpm"]);

export function osCoverageWarning(inventory: Inventory, db: VulnDb): ScanWarning | undefined {
  const { os } = inventory;
  const packages = inventory.packages.filter((p) => OS_TYPES.has(p.type) && !p.thirdParty);
  if (!os || packages.length === 0) return undefined;

  const known = db.ecosystems();
  // Empty when none is in the DB (the Red Hat family's are found among those
  // present) or OSV has none for the distribution (Oracle, Amazon, Fedora).
  const wanted = osEcosystems(os, () => known);
  if (wanted.some((e) => known.includes(e))) return undefined;
  const scope = wanted.length > 0 ? ` (${wanted.join(", ")})` : "";
  return {
    code: "NO_OS_ADVISORIES",
    message:
      `the vulnerability DB holds no advisories for ${os.family} ${os.release}${scope}: ` +
      `its ${packages.length} OS packages were not matched; ` +
      "update the DB, or import that release's feed",
  };
}
