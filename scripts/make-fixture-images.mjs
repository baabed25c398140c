// Builds small OCI images from the real package databases in shared/data,
// for the demo and for trying vigil by hand. Usage:
//   node scripts/make-fixture-images.mjs OUT_DIR
// Writes OUT_DIR/alpine-3.4-old.oci: the real Alpine 3.4 os-release and a
// real Alpine 3.4-era apk database (one deliberately broken entry in it).
import { cp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import path from "node:path";
import { writeOciLayout } from "../dist/testing/oci-builder.js";
import { sharedData } from "../dist/testing/shared.js";

const out = process.argv[2];
if (!out) {
  console.error("usage: node scripts/make-fixture-images.mjs OUT_DIR");
  process.exit(2);
}

const osRelease = sharedData(
  "pkgdb",
  "os-release",
  "claircore",
  "alpine",
  "3.4",
  "etc",
  "os-release",
);
const apkDb = sharedData("pkgdb", "apk", "trivy-apk-testdata.installed");
const built = await writeOciLayout([
  {
    entries: [
      { name: "etc/os-release", content: readFileSync(osRelease) },
      { name: "lib/apk/db/installed", content: readFileSync(apkDb) },
    ],
  },
]);

const target = path.join(out, "alpine-3.4-old.oci");
await rm(target, { recursive: true, force: true });
await cp(built, target, { recursive: true });
await rm(built, { recursive: true, force: true });
console.log(`wrote ${target}`);
