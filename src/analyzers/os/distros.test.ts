import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { inventoryImage } from "../../scan/inventory.js";
import { writeOciLayout } from "../../testing/oci-builder.js";
import { repoRoot, sharedData } from "../../testing/shared.js";
import type { Analyzer, OsFact } from "../types.js";
import { almalinuxReleaseAnalyzer } from "./almalinux-release.js";
import { centosReleaseAnalyzer } from "./centos-release.js";
import { oracleReleaseAnalyzer } from "./oracle-release.js";
import { osReleaseAnalyzer } from "./os-release.js";
import { redhatReleaseAnalyzer } from "./redhat-release.js";
import { rockyReleaseAnalyzer } from "./rocky-release.js";
import { systemReleaseAnalyzer } from "./system-release.js";

const claircore = sharedData("pkgdb", "os-release", "claircore", "rhel", "releasefiles");
const local = (file: string) => path.join(repoRoot, "testdata", "os-release", file);

function run(analyzer: Analyzer, file: string, content: Buffer | string): OsFact | undefined {
  return analyzer.analyze({ path: file, content: Buffer.from(content) }).os;
}

const brief = (os: OsFact | undefined) => [os?.family, os?.release];

// claircore's oracle-N samples come with an etc/oracle-release beside the
// RHEL-worded redhat-release (quay/claircore rhel/testdata/releasefiles,
// 0b3d125); the shared copy keeps only the latter, so their first lines are here.
const ORACLE_RELEASE: Record<string, string> = {
  "oracle-6": "Oracle Linux Server release 6.10\n",
  "oracle-8": "Oracle Linux Server release 8.9\n",
  "oracle-9": "Oracle Linux Server release 9.3\n",
};

describe("Red Hat family release files (claircore samples)", () => {
  const samples = readdirSync(claircore).sort();

  it("reads every sample's os-release as claircore expects: RHEL by major release", () => {
    for (const sample of samples) {
      const file = path.join(claircore, sample, "etc", "os-release");
      if (!existsSync(file)) continue;
      const os = run(osReleaseAnalyzer, "etc/os-release", readFileSync(file));
      // note: Hummingbird says ID_LIKE="fedora rhel" but is not RHEL; its
      // release is a date and no advisory feed covers it yet.
      const want = sample === "hummingbird" ? ["hummingbird", "20251124"] : ["rhel", sample];
      assert.deepEqual(
        brief(os),
        want.map((w) => w.replace("atomichost-", "")),
        sample,
      );
    }
  });

  it("reads every redhat-release as the RHEL major release it names", () => {
    for (const sample of samples) {
      const file = path.join(claircore, sample, "etc", "redhat-release");
      if (!existsSync(file)) continue;
      const os = run(redhatReleaseAnalyzer, "etc/redhat-release", readFileSync(file));
      const major = sample.replace(/^(atomichost|oracle)-/, "");
      assert.deepEqual(brief(os), ["rhel", major], sample);
    }
    const none = run(redhatReleaseAnalyzer, "etc/redhat-release", "x");
    assert.equal(none, undefined, "a line that names no release is no fact");
  });

  it("takes Oracle Linux from oracle-release over the RHEL-worded redhat-release", async () => {
    for (const [sample, oracle] of Object.entries(ORACLE_RELEASE)) {
      const redhat = readFileSync(path.join(claircore, sample, "etc", "redhat-release"));
      const dir = await writeOciLayout([
        {
          entries: [
            { name: "etc/redhat-release", content: redhat },
            { name: "etc/oracle-release", content: oracle },
            { name: "etc/system-release", type: "symlink", linkname: "oracle-release" },
          ],
        },
      ]);
      const inv = await inventoryImage(`oci:${dir}`);
      const major = sample.replace("oracle-", "");
      assert.deepEqual([inv.os?.family, inv.os?.release], ["ol", major], sample);
      assert.equal(inv.os?.source, "/etc/oracle-release");
      assert.deepEqual(inv.warnings, [], "the system-release link is read through its target");
    }
  });

  it("lets os-release outrank redhat-release in the same image", async () => {
    const dir = await writeOciLayout([
      {
        entries: ["os-release", "redhat-release"].map((f) => ({
          name: `etc/${f}`,
          content: readFileSync(path.join(claircore, "7", "etc", f)),
        })),
      },
    ]);
    const inv = await inventoryImage(`oci:${dir}`);
    assert.deepEqual([inv.os?.family, inv.os?.release, inv.os?.fullVersion], ["rhel", "7", "7.7"]);
    assert.equal(inv.os?.eol?.date, "2024-06-30");
  });
});

// Real os-release files from Trivy's tests (testdata/os-release/README.md),
// with what vigil calls them and what Trivy's tests say (family, name).
const OS_RELEASES: [file: string, family: string, release: string, trivy: string][] = [
  ["almalinux-8.4.os-release", "almalinux", "8", "alma 8.4"],
  ["almalinux-9.4.os-release", "almalinux", "9", "alma 9.4"],
  ["amzn-2.os-release", "amzn", "2", "amazon 2"],
  ["azurelinux-3.0.os-release", "azurelinux", "3.0", "azurelinux 3.0"],
  ["centos-7.os-release", "centos", "7", "centos 7"],
  ["centos-stream-8.os-release", "centos", "8", "centos 8"],
  ["chainguard.os-release", "chainguard", "20230214", "chainguard"],
  ["fedora-42.os-release", "fedora", "42", "fedora 42"],
  ["mariner-1.0.os-release", "mariner", "1.0", "cbl-mariner 1.0"],
  ["mariner-2.0.os-release", "mariner", "2.0", "cbl-mariner 2.0"],
  ["ol-8.10.os-release", "ol", "8", "oracle 8.10"],
  ["opensuse-leap-15.2.1.os-release", "opensuse-leap", "15.2.1", "opensuse-leap 15.2.1"],
  ["opensuse-leap-42.3.os-release", "opensuse-leap", "42.3", "opensuse-leap 42.3"],
  ["opensuse-tumbleweed.os-release", "opensuse-tumbleweed", "20220412", "opensuse-tumbleweed"],
  ["photon-4.0.os-release", "photon", "4.0", "photon 4.0"],
  ["rhel-9.4.os-release", "rhel", "9", "redhat 9.4"],
  ["rocky-9.3.os-release", "rocky", "9", "rocky 9.3"],
  ["sle-micro-5.3.os-release", "sle-micro", "5.3", "slem 5.3"],
  ["sles-15.3.os-release", "sles", "15.3", "sles 15.3"],
  ["wolfi.os-release", "wolfi", "20221118", "wolfi"],
];

describe("os-release of rpm-based and apk-based distributions (Trivy's samples)", () => {
  for (const [file, family, release, trivy] of OS_RELEASES) {
    it(`${file}: ${family} ${release} (Trivy: ${trivy})`, () => {
      const os = run(osReleaseAnalyzer, "etc/os-release", readFileSync(local(file)));
      assert.deepEqual(brief(os), [family, release]);
    });
  }

  it("takes the vendor's SUPPORT_END as the end of life when the file has one", () => {
    const rocky = run(
      osReleaseAnalyzer,
      "etc/os-release",
      readFileSync(local("rocky-9.3.os-release")),
    );
    assert.deepEqual(rocky?.eol, { date: "2032-05-31" });
    const rhel = run(
      osReleaseAnalyzer,
      "etc/os-release",
      readFileSync(local("rhel-9.4.os-release")),
    );
    assert.equal(rhel?.eol, undefined, "RHEL's file has none: the table gives it");
  });
});

describe("one-line release files", () => {
  const cases: [Analyzer, string, string, string, string][] = [
    [centosReleaseAnalyzer, "centos-7.6.1810.centos-release", "centos", "7", "7.6.1810"],
    [centosReleaseAnalyzer, "centos-stream-9.centos-release", "centos", "9", "9"],
    [almalinuxReleaseAnalyzer, "almalinux-8.4.almalinux-release", "almalinux", "8", "8.4"],
    [rockyReleaseAnalyzer, "rocky-8.4.rocky-release", "rocky", "8", "8.4"],
    [oracleReleaseAnalyzer, "ol-7.6.oracle-release", "ol", "7", "7.6"],
    [redhatReleaseAnalyzer, "rhcos-4.16.redhat-release", "rhcos", "4.16", "4.16"],
  ];
  for (const [analyzer, file, family, release, full] of cases) {
    it(`${file}: ${family} ${release}`, () => {
      const os = run(analyzer, `etc/${file.split(".").pop()}`, readFileSync(local(file)));
      assert.deepEqual([os?.family, os?.release, os?.fullVersion], [family, release, full]);
    });
  }

  it("reads Amazon Linux's system-release, each generation (Trivy's amazonlinux test lines)", () => {
    const lines: [string, string][] = [
      ["Amazon Linux AMI release 2018.03", "2018.03"],
      ["Amazon Linux release 2 (Karoo)", "2"],
      ["Amazon Linux release 2022 (Amazon Linux)", "2022"],
      ["Amazon Linux release 2023 (Amazon Linux)", "2023"],
    ];
    for (const [line, release] of lines) {
      const os = run(systemReleaseAnalyzer, "etc/system-release", line);
      assert.deepEqual(brief(os), ["amzn", release], line);
    }
    assert.equal(run(systemReleaseAnalyzer, "etc/system-release", "foo bar"), undefined);
    assert.ok(systemReleaseAnalyzer.claims("usr/lib/system-release"));
  });

  it("ranks the distribution's own file above redhat-release, and os-release above both", () => {
    const ranks = [osReleaseAnalyzer, oracleReleaseAnalyzer, systemReleaseAnalyzer].map(
      (a) =>
        run(a, "etc/os-release", "Oracle Linux Server release 9.3\nID=ol\nVERSION_ID=9.3")
          ?.priority ?? 0,
    );
    const redhat = run(
      redhatReleaseAnalyzer,
      "etc/redhat-release",
      "Red Hat Enterprise Linux release 9.3",
    );
    assert.ok(
      ranks[0]! > ranks[1]! && ranks[1]! > ranks[2]! && ranks[2]! > (redhat?.priority ?? 0),
    );
  });
});
