import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { sharedData } from "../../testing/shared.js";
import { alpineReleaseAnalyzer } from "./alpine-release.js";
import { debianVersionAnalyzer } from "./debian-version.js";
import { lsbReleaseAnalyzer } from "./lsb-release.js";
import { osReleaseAnalyzer } from "./os-release.js";

const root = sharedData("pkgdb", "os-release", "claircore");
const osOf = (file: string) =>
  osReleaseAnalyzer.analyze({ path: "etc/os-release", content: readFileSync(file) }).os;

describe("os-release on real releases (claircore samples)", () => {
  it("gives Alpine's major.minor, and edge for pre-releases, as each sample's want says", () => {
    const dir = path.join(root, "alpine");
    for (const release of readdirSync(dir)) {
      const want = JSON.parse(readFileSync(path.join(dir, release, "want"), "utf8"))[0];
      const os = osOf(path.join(dir, release, "etc", "os-release"));
      assert.equal(os?.family, "alpine");
      assert.equal(os?.release, want.version, release);
    }
  });

  it("gives Debian's major version, distroless included", () => {
    for (const flavour of ["dist", "distroless_dist"]) {
      const dir = path.join(root, "debian", flavour);
      for (const release of readdirSync(dir)) {
        const os = osOf(path.join(dir, release, "etc", "os-release"));
        assert.deepEqual([os?.family, os?.release], ["debian", release], `${flavour}/${release}`);
      }
    }
  });

  it("gives Ubuntu's YY.MM from os-release and from lsb-release alike", () => {
    const dir = path.join(root, "ubuntu", "dist");
    // claircore keeps a Debian 11 file here as a negative case: it must stay Debian.
    const negative = osOf(path.join(dir, "11", "etc", "os-release"));
    assert.deepEqual([negative?.family, negative?.release], ["debian", "11"]);

    for (const release of readdirSync(dir).filter((r) => r !== "11")) {
      const osFile = path.join(dir, release, "etc", "os-release");
      // Ubuntu before 12.04 had no os-release; lsb-release is all there is.
      if (existsSync(osFile)) {
        const os = osOf(osFile);
        assert.deepEqual([os?.family, os?.release], ["ubuntu", release], release);
      }

      const lsbFile = path.join(dir, release, "etc", "lsb-release");
      if (!existsSync(lsbFile)) continue;
      const lsb = lsbReleaseAnalyzer.analyze({
        path: "etc/lsb-release",
        content: readFileSync(lsbFile),
      }).os;
      assert.deepEqual([lsb?.family, lsb?.release], ["ubuntu", release], `lsb ${release}`);
    }
  });

  it("ranks os-release above the fallbacks", () => {
    const alpine = alpineReleaseAnalyzer.analyze({
      path: "etc/alpine-release",
      content: Buffer.from("3.11.13\n"),
    }).os;
    const debian = debianVersionAnalyzer.analyze({
      path: "etc/debian_version",
      content: Buffer.from("12.15\n"),
    }).os;
    const sid = debianVersionAnalyzer.analyze({
      path: "etc/debian_version",
      content: Buffer.from("trixie/sid\n"),
    }).os;
    assert.deepEqual([alpine?.release, debian?.release, sid?.release], ["3.11", "12", "trixie"]);
    const os = osOf(path.join(root, "debian", "dist", "12", "etc", "os-release"));
    assert.ok((os?.priority ?? 0) > (debian?.priority ?? 0));
  });
});
