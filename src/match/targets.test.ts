import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OsInfo, Package } from "../inventory/types.js";
import { matchTargets, osEcosystems } from "./targets.js";

const os = (family: string, release: string, more: Partial<OsInfo> = {}): OsInfo => ({
  family,
  release,
  source: "/etc/os-release",
  ...more,
});

// Ecosystem strings as the real OSV exports spell them.
const KNOWN = [
  "AlmaLinux:8",
  "Red Hat:enterprise_linux:8::appstream",
  "Red Hat:enterprise_linux:8::baseos",
  "Red Hat:enterprise_linux:9::appstream",
  "Red Hat:enterprise_linux:9::baseos",
  "Red Hat:enterprise_linux:9::crb",
  "Red Hat:rhel_eus:9.2::appstream",
  "SUSE:Linux Enterprise Module for Basesystem 15 SP5",
  "SUSE:Linux Enterprise Server 15 SP5-LTSS",
  "SUSE:Linux Enterprise Server 15 SP4",
  "SUSE:Linux Enterprise Server 15",
  "SUSE:Linux Enterprise Micro 5.3",
  "SUSE:Linux Enterprise Micro for Rancher 5.3",
];
const known = () => KNOWN;

describe("OSV ecosystems per distribution", () => {
  const cases: [OsInfo, string[]][] = [
    [os("debian", "12"), ["Debian:12"]],
    // Testing and sid carry the next release's codename; distro-info-data numbers it.
    [os("debian", "trixie"), ["Debian:13"]],
    [os("debian", "sid"), ["Debian"]],
    [os("ubuntu", "22.04"), ["Ubuntu:22.04", "Ubuntu:22.04:LTS"]],
    [os("alpine", "3.18"), ["Alpine:v3.18"]],
    [os("alpine", "edge"), ["Alpine:edge"]],
    [os("wolfi", "20221118"), ["Wolfi"]],
    [os("chainguard", "20230214"), ["Chainguard", "Wolfi"]],
    [os("almalinux", "8"), ["AlmaLinux:8"]],
    [os("rocky", "9"), ["Rocky Linux:9"]],
    [
      os("rhel", "9"),
      [
        "Red Hat:enterprise_linux:9::appstream",
        "Red Hat:enterprise_linux:9::baseos",
        "Red Hat:enterprise_linux:9::crb",
      ],
    ],
    [
      os("centos", "8"),
      ["Red Hat:enterprise_linux:8::appstream", "Red Hat:enterprise_linux:8::baseos"],
    ],
    [os("azurelinux", "3.0"), ["Azure Linux:3"]],
    [os("mariner", "2.0"), ["Azure Linux:2"]],
    [os("photon", "4.0"), ["Photon OS:4.0"]],
    [os("opensuse-leap", "15.5"), ["openSUSE:Leap 15.5", "openSUSE:Leap 15.5 NonFree"]],
    [os("opensuse-tumbleweed", "20240607"), ["openSUSE:Tumbleweed"]],
    [
      os("sles", "15.5"),
      [
        "SUSE:Linux Enterprise Module for Basesystem 15 SP5",
        "SUSE:Linux Enterprise Server 15 SP5-LTSS",
      ],
    ],
    [os("sles", "15"), ["SUSE:Linux Enterprise Server 15"]],
    [
      os("sle-micro", "5.3"),
      ["SUSE:Linux Enterprise Micro 5.3", "SUSE:Linux Enterprise Micro for Rancher 5.3"],
    ],
    // No OSV feed publishes these yet.
    [os("ol", "8"), []],
    [os("amzn", "2023"), []],
    [os("fedora", "42"), []],
  ];
  for (const [o, want] of cases) {
    it(`${o.family} ${o.release}`, () => assert.deepEqual(osEcosystems(o, known), want));
  }
});

const rpm = (name: string, more: Partial<Package> = {}): Package =>
  ({
    type: "rpm",
    name,
    version: "1.0-1.el9",
    layer: { index: 0, diffId: "sha256:0" },
    path: "/var/lib/rpm/rpmdb.sqlite",
    purl: `pkg:rpm/x/${name}`,
    ...more,
  }) as Package;

describe("which names an rpm is looked up by", () => {
  const libs = rpm("krb5-libs", { sourceName: "krb5", sourceVersion: "1.0-1.el9" });
  const lookups = (o: OsInfo, p: Package) =>
    matchTargets(p, o, known).map((t) => `${t.key} ${t.name}`);

  it("AlmaLinux by binary name, SUSE by source, Red Hat and Rocky by both", () => {
    assert.deepEqual(lookups(os("almalinux", "9"), libs), ["binary krb5-libs"]);
    assert.deepEqual(lookups(os("sles", "15.5"), libs), ["source krb5"]);
    assert.deepEqual(lookups(os("rhel", "9"), libs), ["binary krb5-libs", "source krb5"]);
    assert.deepEqual(lookups(os("rocky", "9"), libs), ["binary krb5-libs", "source krb5"]);
    const same = rpm("bash", { sourceName: "bash", sourceVersion: "1.0-1.el9" });
    assert.deepEqual(lookups(os("rocky", "9"), same), ["binary bash"], "one lookup when equal");
  });

  it("looks nothing up for a third-party package", () => {
    assert.deepEqual(lookups(os("almalinux", "9"), { ...libs, thirdParty: true }), []);
  });

  it("adds Ubuntu Pro for a package installed from ESM", () => {
    const deb = (version: string) =>
      ({ ...rpm("netty"), type: "deb", version, sourceName: "netty" }) as Package;
    const ecos = (v: string) => matchTargets(deb(v), os("ubuntu", "18.04"))[0]?.ecosystems;
    assert.deepEqual(ecos("1:4.1.7-4ubuntu0.1+esm2"), [
      "Ubuntu:18.04",
      "Ubuntu:18.04:LTS",
      "Ubuntu:Pro:18.04:LTS",
    ]);
    assert.deepEqual(ecos("1:4.0.34-1ubuntu0.1~esm2"), [
      "Ubuntu:18.04",
      "Ubuntu:18.04:LTS",
      "Ubuntu:Pro:18.04:LTS",
    ]);
    assert.deepEqual(ecos("1:4.1.7-4"), ["Ubuntu:18.04", "Ubuntu:18.04:LTS"]);
  });
});
