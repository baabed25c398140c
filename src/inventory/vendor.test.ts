import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OsInfo, PackageRecord } from "./types.js";
import { isThirdParty } from "./vendor.js";

const os = (family: string): OsInfo => ({ family, release: "1", source: "/etc/os-release" });
const rpm = (vendor?: string): PackageRecord => ({
  type: "rpm",
  name: "x",
  version: "1-1",
  metadata: vendor === undefined ? {} : { vendor },
});

describe("third-party rpms", () => {
  it("flags a vendor that is not the distribution's", () => {
    assert.equal(isThirdParty(rpm("Fedora Project"), os("almalinux")), true);
    assert.equal(isThirdParty(rpm("AlmaLinux"), os("almalinux")), false);
    assert.equal(isThirdParty(rpm("CentOS"), os("centos")), false);
    assert.equal(isThirdParty(rpm("Red Hat, Inc."), os("rhel")), false);
    assert.equal(isThirdParty(rpm("Rocky Enterprise Software Foundation"), os("rocky")), false);
    assert.equal(isThirdParty(rpm("SUSE LLC <https://www.suse.com/>"), os("opensuse-leap")), false);
    assert.equal(isThirdParty(rpm("openSUSE"), os("opensuse-leap")), false);
  });

  it("does not guess: no vendor, an unknown OS or a non-rpm package is never flagged", () => {
    assert.equal(isThirdParty(rpm(""), os("almalinux")), false);
    assert.equal(isThirdParty(rpm(), os("almalinux")), false);
    assert.equal(isThirdParty(rpm("Anyone"), os("hummingbird")), false);
    assert.equal(isThirdParty({ ...rpm("Anyone"), type: "deb" }, os("debian")), false);
    assert.equal(isThirdParty(rpm("Anyone"), undefined), false);
  });
});
