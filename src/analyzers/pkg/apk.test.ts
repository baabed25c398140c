import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { sharedData } from "../../testing/shared.js";
import { apkInstalledAnalyzer } from "./apk-installed.js";

const dir = sharedData("pkgdb", "apk");
const read = (file: string) =>
  apkInstalledAnalyzer.analyze({
    path: "lib/apk/db/installed",
    content: readFileSync(path.join(dir, file)),
  });

describe("apk installed database", () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".installed"))) {
    it(`reads every complete entry of ${file}`, () => {
      const text = readFileSync(path.join(dir, file), "utf8");
      const complete = text.split(/\n\n+/).filter((s) => /^P:./m.test(s) && /^V:./m.test(s));
      const out = read(file);
      assert.equal(out.packages?.length, complete.length);
      for (const p of out.packages ?? []) assert.ok(p.name && p.version && p.sourceName);
    });
  }

  it("takes the origin (aport) as the source name, and the license", () => {
    const crypto = read("alpine-3.10.9-x86_64.installed").packages?.find(
      (p) => p.name === "libcrypto1.1",
    );
    assert.deepEqual(
      [crypto?.version, crypto?.sourceName, crypto?.licenses, crypto?.arch],
      ["1.1.1k-r0", "openssl", ["OpenSSL"], "x86_64"],
    );
  });

  it("warns about the deliberately broken entry and goes on", () => {
    const out = read("trivy-apk-testdata.installed");
    assert.equal(out.warnings?.length, 1);
    assert.equal(out.warnings?.[0]?.code, "MALFORMED_ENTRY");
    assert.equal(out.warnings?.[0]?.line, 23);
    assert.equal(out.packages?.length, 15);
  });
});
