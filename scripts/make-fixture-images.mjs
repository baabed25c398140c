// Builds small OCI images from real package databases, for the demo and for
// trying vigil by hand. Usage:
//   node scripts/make-fixture-images.mjs OUT_DIR
// Writes into OUT_DIR:
// - alpine-3.4-old.oci: the real Alpine 3.4 os-release and a real Alpine
//   3.4-era apk database (one deliberately broken entry in it);
// - almalinux-8.oci: a real AlmaLinux 8 os-release and the rpm database made
//   by rpm itself in testdata/rpm (see testdata/rpm/README.md);
// - centos-7.oci: a real CentOS 7 os-release and the real CentOS 7 rpmdb.
import { cp, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { writeOciLayout } from "../dist/testing/oci-builder.js";
import { repoRoot, sharedData } from "../dist/testing/shared.js";

const out = process.argv[2];
if (!out) {
  console.error("usage: node scripts/make-fixture-images.mjs OUT_DIR");
  process.exit(2);
}

const testdata = (...parts) => path.join(repoRoot, "testdata", ...parts);
const gunzip = (file) => gunzipSync(readFileSync(file));

const images = {
  "alpine-3.4-old.oci": [
    [
      "etc/os-release",
      readFileSync(
        sharedData("pkgdb", "os-release", "claircore", "alpine", "3.4", "etc", "os-release"),
      ),
    ],
    [
      "lib/apk/db/installed",
      readFileSync(sharedData("pkgdb", "apk", "trivy-apk-testdata.installed")),
    ],
  ],
  "almalinux-8.oci": [
    ["etc/os-release", readFileSync(testdata("os-release", "almalinux-8.4.os-release"))],
    ["var/lib/rpm/rpmdb.sqlite", gunzip(testdata("rpm", "alma8-fixture.rpmdb.sqlite.gz"))],
  ],
  "centos-7.oci": [
    ["etc/os-release", readFileSync(testdata("os-release", "centos-7.os-release"))],
    ["var/lib/rpm/Packages", gunzip(sharedData("pkgdb", "rpm", "centos7-plain.Packages.bdb.gz"))],
  ],
};

for (const [name, files] of Object.entries(images)) {
  const built = await writeOciLayout([
    { entries: files.map(([file, content]) => ({ name: file, content })) },
  ]);
  const target = path.join(out, name);
  await rm(target, { recursive: true, force: true });
  await cp(built, target, { recursive: true });
  console.log(`wrote ${target}`);
}
