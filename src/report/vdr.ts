import type { Finding } from "../match/types.js";
import { renderCycloneDx } from "../sbom/cyclonedx.js";
import { documentIdentity } from "../sbom/identity.js";
import type { ScanResult } from "./model.js";

/**
 * CycloneDX 1.6 JSON with vulnerabilities (a VDR): every component of the
 * image, and each reported finding with its rating, the components it
 * affects and the version that fixes it. SOURCE_DATE_EPOCH fixes its
 * timestamp and serial number, as for `vigil sbom`.
 */
export function renderVdr(result: ScanResult, findings: readonly Finding[]): string {
  return renderCycloneDx(result.inventory, {
    specVersion: "1.6",
    encoding: "json",
    identity: documentIdentity(result.inventory.image),
    findings,
  });
}
