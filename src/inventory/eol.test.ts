import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { releaseFor } from "../analyzers/os/os-release.js";
import { sharedData } from "../testing/shared.js";
import { endOfLife, isPast } from "./eol.js";

// The date the table was checked; tests judge "past" on it, not on today.
const CHECKED = new Date("2026-12-03T00:00:00Z");

const ended = (family: string, release: string, prettyName?: string) => {
  const eol = endOfLife({ family, release, prettyName });
  return eol ? isPast(eol, CHECKED) : undefined;
};

describe("end of life", () => {
  it("knows every claircore Alpine sample but edge; 3.10 to 3.12 (and up to 3.20) are over", () => {
    const dir = sharedData("pkgdb", "os-release", "claircore", "alpine");
    for (const release of readdirSync(dir)) {
      const want = JSON.parse(readFileSync(path.join(dir, release, "want"), "utf8"))[0].version;
      assert.equal(ended("alpine", want), release === "edge" ? undefined : true, release);
    }
    assert.equal(ended("alpine", "3.21"), true);
    assert.equal(ended("alpine", "3.22"), false);
  });

  it("ends Debian at the end of LTS, Ubuntu at the end of standard support", () => {
    for (const r of ["7", "8", "9", "10", "11"]) assert.equal(ended("debian", r), true, r);
    assert.equal(ended("debian", "12"), false);
    assert.equal(ended("debian", "trixie"), undefined, "testing has no end yet");
    assert.equal(ended("ubuntu", "18.04"), true);
    assert.equal(ended("ubuntu", "22.04"), false);
  });

  it("covers the Red Hat family by major release, CentOS Stream apart from CentOS Linux", () => {
    assert.equal(ended("centos", "7"), true);
    assert.equal(ended("centos", "6"), true);
    assert.deepEqual(endOfLife({ family: "centos", release: "8" }), { date: "2021-12-31" });
    const stream = endOfLife({ family: "centos", release: "8", prettyName: "CentOS Stream 8" });
    assert.deepEqual(stream, { date: "2024-05-31" });
    assert.equal(ended("rhel", "7"), true);
    assert.equal(ended("rhel", "9"), false);
    assert.equal(ended("almalinux", "8"), false);
    assert.equal(ended("rocky", "9"), false);
    assert.equal(ended("ol", "7"), true);
    assert.equal(ended("amzn", "2018.03"), true);
    assert.equal(ended("amzn", "2"), true);
    assert.equal(ended("amzn", "2023"), false);
    assert.equal(ended("mariner", "2.0"), true);
    assert.equal(ended("azurelinux", "3.0"), false);
  });

  it("says nothing for rolling distributions", () => {
    for (const family of ["wolfi", "chainguard", "opensuse-tumbleweed"]) {
      assert.equal(endOfLife({ family, release: "20240607" }), undefined, family);
    }
  });

  it("agrees with every Trivy golden that marks its OS end of life", () => {
    // Trivy's family names, and how vigil names the same distribution.
    const families: Record<string, string> = {
      alma: "almalinux",
      amazon: "amzn",
      redhat: "rhel",
      oracle: "ol",
      rocky: "rocky",
      centos: "centos",
      alpine: "alpine",
      debian: "debian",
      ubuntu: "ubuntu",
      photon: "photon",
      "cbl-mariner": "mariner",
      "opensuse-leap": "opensuse-leap",
    };
    const dir = sharedData("golden", "trivy", "integration", "testdata");
    let checked = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json.golden"))) {
      const os = JSON.parse(readFileSync(path.join(dir, file), "utf8")).Metadata?.OS;
      const family = families[os?.Family];
      const version = /\d+(?:\.\d+)*/.exec(os?.Name ?? "")?.[0];
      if (!os?.EOSL || !family || !version) continue;

      const release = releaseFor(family, version, undefined, undefined);
      assert.equal(ended(family, release), true, `${file}: ${os.Family} ${os.Name}`);
      checked++;
    }
    assert.ok(checked >= 6, `${checked} goldens say EOSL`);
  });
});
