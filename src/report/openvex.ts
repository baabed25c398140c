import { VIGIL_VERSION } from "../about.js";
import { VigilError } from "../errors.js";
import type { Finding } from "../match/types.js";
import { vulnerabilityKey } from "../policy/subjects.js";
import type { Exception } from "../policy/types.js";
import { ociPurl } from "../sbom/refs.js";
import { contentUuid, documentIdentity, imageName } from "../sbom/identity.js";
import type { ScanResult } from "./model.js";

/**
 * The triage decisions (the exceptions that applied to vulnerabilities) as
 * an OpenVEX 0.2.0 document, so what a team decided travels with the image.
 * An exception with a `justification` says the image is not affected;
 * one without is an accepted risk: `affected`, with who accepted it and
 * until when as the action statement. Secrets and other kinds are not VEX.
 */
export function renderOpenVex(result: ScanResult, findings: readonly Finding[]): string {
  const image = result.inventory.image;
  const product = ociPurl(imageName(image), image) ?? image.digest;
  const byKey = new Map(findings.map((f) => [vulnerabilityKey(f), f]));

  const statements = (result.policy?.applied ?? []).flatMap(({ exception, keys }) => {
    const byVuln = new Map<string, Finding[]>();
    for (const f of keys.map((k) => byKey.get(k)).filter((f): f is Finding => f !== undefined)) {
      byVuln.set(f.id, [...(byVuln.get(f.id) ?? []), f]);
    }
    return [...byVuln.values()].map((group) => statement(exception, group, product));
  });

  // A document must state something; an empty one would not be OpenVEX.
  if (statements.length === 0) {
    throw new VigilError(
      "BAD_OPTION",
      "--format openvex: no exception applied to a vulnerability, so there is no triage decision to write",
      { hint: "give --exceptions FILE with exceptions for this image's vulnerabilities" },
    );
  }

  const identity = documentIdentity(image);
  const body = {
    "@context": "https://openvex.dev/ns/v0.2.0",
    "@id": "",
    author: process.env.VIGIL_VEX_AUTHOR || "vigil",
    timestamp: identity.timestamp.toISOString(),
    version: 1,
    tooling: `vigil ${VIGIL_VERSION}`,
    statements,
  };
  body["@id"] = `urn:uuid:${identity.serial ?? contentUuid(JSON.stringify(body))}`;
  return `${JSON.stringify(body, null, 2)}\n`;
}

function statement(e: Exception, group: Finding[], product: string) {
  const first = group[0] as Finding;
  const subcomponents = [...new Set(group.map((f) => f.package.purl))].sort().map((id) => ({
    "@id": id,
  }));
  const vulnerability = {
    name: first.id,
    aliases: first.aliases.length ? first.aliases : undefined,
  };
  const products = [{ "@id": product, subcomponents }];
  const by = [e.owner, e.expires ? `until ${e.expires}` : ""].filter(Boolean).join(", ");

  // OpenVEX takes a justification or an impact statement, not both: the reason goes in the notes.
  if (e.justification) {
    return {
      vulnerability,
      products,
      status: "not_affected",
      justification: e.justification,
      status_notes: `${e.reason}${by ? ` (${by})` : ""}`,
    };
  }
  return {
    vulnerability,
    products,
    status: "affected",
    action_statement: `Risk accepted${by ? ` (${by})` : ""}: ${e.reason}`,
  };
}
