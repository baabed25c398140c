import assert from "node:assert/strict";
import path from "node:path";
import { before, describe, it } from "node:test";
import { createLogger } from "../log.js";
import { scanImage } from "../scan/scan.js";
import { referencesFor } from "../testing/corpus.js";
import { sharedData } from "../testing/shared.js";
import { tempDir } from "../testing/tmp.js";
import { importFeeds } from "../vulndb/index.js";

describe("a DB without the image's OS release", () => {
  let db: string;
  const codes = async (image: string) => {
    const result = await scanImage(referencesFor(image)[0] as string, {
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

  it("is quiet for a release the DB covers", async () => {
    assert.deepEqual(await codes("alpine-3.10.9"), []);
  });
});
