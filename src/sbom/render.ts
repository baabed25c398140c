import type { Inventory } from "../inventory/types.js";
import { renderCycloneDx } from "./cyclonedx.js";
import type { CycloneDxVersion, SbomFormat } from "./formats.js";
import type { DocumentIdentity } from "./identity.js";
import { renderSpdxJson } from "./spdx.js";
import { renderSpdxTagValue } from "./spdx-tag-value.js";

export { SBOM_FORMATS, type SbomFormat } from "./formats.js";

export interface SbomRenderOptions {
  format: SbomFormat;
  /** CycloneDX only: 1.6 unless asked for 1.5. SPDX is always 2.3. */
  specVersion?: CycloneDxVersion;
  identity: DocumentIdentity;
}

/** The inventory in one of the SBOM formats vigil writes. */
export function renderSbom(inventory: Inventory, opts: SbomRenderOptions): string {
  switch (opts.format) {
    case "cyclonedx-json":
    case "cyclonedx-xml":
      return renderCycloneDx(inventory, {
        specVersion: opts.specVersion ?? "1.6",
        encoding: opts.format === "cyclonedx-json" ? "json" : "xml",
        identity: opts.identity,
      });
    case "spdx-json":
      return renderSpdxJson(inventory, opts.identity);
    case "spdx-tag-value":
      return renderSpdxTagValue(inventory, opts.identity);
  }
}
