// Test-only: what the policy and report tests share — a DB of the real
// Alpine secdb, KEV and EPSS data, scans of the corpus and fixture images,
// and an image whose packages are in CISA's KEV catalog.
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createLogger } from "../log.js";
import type { ScanResult } from "../report/model.js";
import { scanImage, type ScannerName } from "../scan/scan.js";
import { importFeeds } from "../vulndb/index.js";
import { referencesFor } from "./corpus.js";
import { writeOciLayout } from "./oci-builder.js";
import { alpine34 } from "./sbom.js";
import { sharedData } from "./shared.js";

let db: Promise<string> | undefined;

/** Every Alpine secdb file, every OSV export, the KEV catalog and an EPSS sample. */
export function policyDb(): Promise<string> {
  db ??= (async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), "vigil-policy-db-")), "vigil.db");
    await importFeeds(file, [
      sharedData("osv"),
      sharedData("feeds", "alpine-secdb"),
      sharedData("kev", "known_exploited_vulnerabilities.json"),
      sharedData("epss", "samples", "claircore-data.csv.gz"),
    ]);
    return file;
  })();
  return db;
}

let kevDir: Promise<string> | undefined;

/**
 * Alpine 3.4 with samba 4.4.5-r1 and ghostscript 9.20-r0, versions of that
 * branch before the fixes the real secdb lists for CVE-2017-7494 and
 * CVE-2017-8291, both in the real KEV catalog. The apk database is written
 * here (the shared data holds no Alpine image with them); the advisories,
 * the catalog and the os-release are real.
 */
export function kevImage(): Promise<string> {
  kevDir ??= writeOciLayout([
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
          content: "P:samba\nV:4.4.5-r1\no:samba\n\nP:ghostscript\nV:9.20-r0\no:ghostscript\n\n",
        },
      ],
    },
  ]);
  return kevDir;
}

const scans = new Map<string, Promise<ScanResult>>();

/** One scan per reference and scanner set for the whole test file. */
export function scanOnce(
  reference: string,
  scanners: ScannerName[] = ["vuln", "secret", "misconfig", "license"],
): Promise<ScanResult> {
  const key = `${reference}\0${scanners.join(",")}`;
  let scan = scans.get(key);
  if (!scan) {
    scan = policyDb().then((dbPath) =>
      scanImage(reference, {
        dbPath,
        log: createLogger({ level: "error", format: "text" }),
        scanners,
      }),
    );
    scans.set(key, scan);
  }
  return scan;
}

export const corpusLayout = (name: string) => referencesFor(name)[0] as string;

export async function alpine34Reference(): Promise<string> {
  return `oci:${await alpine34()}`;
}
