import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { before, describe, it } from "node:test";
import { createLogger } from "../log.js";
import { scanImage } from "../scan/scan.js";
import { referencesFor } from "../testing/corpus.js";
import { writeOciLayout } from "../testing/oci-builder.js";
import { repoRoot, sharedData } from "../testing/shared.js";
import { tempDir } from "../testing/tmp.js";
import { importFeeds } from "../vulndb/index.js";

describe("a DB without the image's OS release", () => {
  let db: string;
  const codes = (image: string) => codesOf(referencesFor(image)[0] as string);
  const codesOf = async (reference: string) => {
    const result = await scanImage(reference, {
      dbPath: db,
      log: createLogger({ level: "error", format: "text" }),
      scanners: ["vuln"],
    });
    return result.inventory.warnings.filter((w) => w.code === "NO_OS_ADVISORIES");
  };

  before(async () => {
    // The shared secdb stops at Alpine 3.11.
    db = path.join(tempDir("vigil-coverage-"), "vigil.db");
    await importFeeds(db, [sharedData("feeds", "alpine-secdb")]);
  });

  it("says so instead of passing the image as clean", async () => {
    const [warning] = await codes("alpine-3.20.3");
    assert.match(warning?.message ?? "", /no advisories for alpine 3\.20 \(Alpine:v3\.20\)/);
    assert.match(warning?.message ?? "", /its \d+ OS packages were not matched/);
  });

  it("says so for CentOS 7 too, whose Red Hat ecosystems are looked up among those present", async () => {
    const dir = await writeOciLayout([
      {
        entries: [
          {
            name: "etc/os-release",
            content: readFileSync(
              path.join(repoRoot, "testdata", "os-release", "centos-7.os-release"),
            ),
          },
          {
            name: "var/lib/rpm/rpmdb.sqlite",
            content: gunzipSync(
              readFileSync(sharedData("pkgdb", "rpm", "centos7-plain.rpmdb.sqlite.gz")),
            ),
          },
        ],
      },
    ]);
    const [warning] = await codesOf(`oci:${dir}`);
    assert.match(
      warning?.message ?? "",
      /no advisories for centos 7: its \d+ OS packages were not matched/,
    );
  });

  it("is quiet for a release the DB covers", async () => {
    assert.deepEqual(await codes("alpine-3.10.9"), []);
  });
});
