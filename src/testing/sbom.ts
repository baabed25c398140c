// Test-only: what the SBOM tests share — corpus inventories, the Alpine 3.4
// fixture image, an advisory DB from ../shared/data, and schema validators.
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import * as CDX from "@cyclonedx/cyclonedx-library";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import type { Inventory } from "../inventory/types.js";
import { inventoryImage } from "../scan/inventory.js";
import { importFeeds } from "../vulndb/index.js";
import { expectedImages, referencesFor } from "./corpus.js";
import { writeOciLayout } from "./oci-builder.js";
import { repoRoot, sharedData } from "./shared.js";

/**
 * Every corpus image by name (its OCI layout form), plus the Alpine 3.4
 * fixture and the AlmaLinux 8 one (an rpm database rpm itself wrote, with an
 * EPEL package from another vendor).
 */
export async function testImages(): Promise<{ name: string; reference: string }[]> {
  const corpus = expectedImages().map((i) => ({
    name: i.name,
    reference: referencesFor(i.name)[0] as string,
  }));
  return [
    ...corpus,
    { name: "alpine-3.4-old", reference: `oci:${await alpine34()}` },
    { name: "almalinux-8", reference: `oci:${await alma8()}` },
  ];
}

let alma8Dir: Promise<string> | undefined;

function alma8(): Promise<string> {
  const testdata = (...parts: string[]) => path.join(repoRoot, "testdata", ...parts);
  alma8Dir ??= writeOciLayout([
    {
      entries: [
        {
          name: "etc/os-release",
          content: readFileSync(testdata("os-release", "almalinux-8.4.os-release")),
        },
      ],
    },
    {
      entries: [
        {
          name: "var/lib/rpm/rpmdb.sqlite",
          content: gunzipSync(readFileSync(testdata("rpm", "alma8-fixture.rpmdb.sqlite.gz"))),
        },
      ],
    },
  ]);
  return alma8Dir;
}

let alpine34Dir: Promise<string> | undefined;

/** A real Alpine 3.4-era apk database and os-release as an image: it has real findings. */
export function alpine34(): Promise<string> {
  alpine34Dir ??= writeOciLayout([
    {
      entries: [
        {
          name: "etc/os-release",
          content: readFileSync(
            sharedData("pkgdb", "os-release", "claircore", "alpine", "3.4", "etc", "os-release"),
          ),
        },
        {
          name: "lib/apk/db/installed",
          content: readFileSync(sharedData("pkgdb", "apk", "trivy-apk-testdata.installed")),
        },
      ],
    },
  ]);
  return alpine34Dir;
}

const inventories = new Map<string, Promise<Inventory>>();

export function inventoryOf(reference: string): Promise<Inventory> {
  let inv = inventories.get(reference);
  if (!inv) {
    inv = inventoryImage(reference);
    inventories.set(reference, inv);
  }
  return inv;
}

let db: Promise<string> | undefined;

/** A DB imported from every OSV export and Alpine secdb file in ../shared/data. */
export function sharedDb(): Promise<string> {
  db ??= (async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), "vigil-sbom-db-")), "vigil.db");
    await importFeeds(file, [sharedData("osv"), sharedData("feeds", "alpine-secdb")]);
    return file;
  })();
  return db;
}

/** Validates CycloneDX JSON against the official schema the CycloneDX library ships. */
export async function cycloneDxErrors(text: string, version: "1.5" | "1.6"): Promise<unknown> {
  const v = version === "1.5" ? CDX.Spec.Version.v1dot5 : CDX.Spec.Version.v1dot6;
  return new CDX.Validation.JsonStrictValidator(v).validate(text);
}

let spdxValidator: ReturnType<Ajv["compile"]> | undefined;

/** Validates an SPDX 2.3 JSON document against the official schema kept in testdata/. */
export function spdxErrors(doc: unknown): unknown {
  if (!spdxValidator) {
    const schema = JSON.parse(
      readFileSync(path.join(repoRoot, "testdata/sbom/spdx-schema/spdx-schema-2.3.json"), "utf8"),
    ) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    spdxValidator = ajv.compile(schema);
  }
  return spdxValidator(doc) ? null : spdxValidator.errors;
}
