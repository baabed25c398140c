import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Package } from "../inventory/types.js";
import type { Advisory } from "../vulndb/index.js";
import type { OsvAffected } from "./osv-types.js";
import { entryApplies } from "./rpm-entries.js";
import type { MatchTarget } from "./targets.js";

const entry = (fixed: string, specific?: Record<string, unknown>): OsvAffected => ({
  package: { ecosystem: "Rocky Linux:8", name: "babel" },
  ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }],
  ...(specific && { ecosystem_specific: specific }),
});

const advisory = (summary: string) => ({ id: "X", summary }) as Advisory;

const pkg = (version: string, modularitylabel?: string): Package =>
  ({
    type: "rpm",
    name: "python38-babel",
    version,
    metadata: modularitylabel ? { modularitylabel } : {},
  }) as Package;

const binary: MatchTarget = { ecosystems: [], name: "babel", version: "", key: "binary" };
const source: MatchTarget = { ...binary, key: "source" };

describe("advisory entries an rpm can take", () => {
  // Shapes of real Rocky and Red Hat records: the stream is in the summary.
  const modular = entry("0:2.7.0-10.module+el8.4.0+570+c2eaf144");
  const summary = advisory("Moderate: python38:3.8 security update");

  it("takes a module fix only for a package of the stream it names", () => {
    const stream = (label?: string, v = "2.7.0-9.module+el8.4.0+1+aaaa") =>
      entryApplies(modular, summary, pkg(v, label), binary);
    assert.equal(stream("python38:3.8:8040020210507:1"), true);
    assert.equal(stream("python38:3.9:8040020210507:1"), false, "another stream");
    assert.equal(stream("python39:3.9:8040020210507:1"), true, "another module: name decides");
    assert.equal(stream(undefined, "2.7.0-9.el8"), false, "a non-modular build");
  });

  it("takes a non-modular fix only for a non-modular package", () => {
    const plain = entry("2.7.0-10.el8");
    assert.equal(
      entryApplies(plain, advisory("Moderate: babel"), pkg("2.7.0-9.el8"), binary),
      true,
    );
    const inModule = pkg("2.7.0-9.module+el8.4.0+1+aaaa", "python38:3.8:1:1");
    assert.equal(entryApplies(plain, advisory("babel"), inModule, binary), false);
  });

  it("reads a declared ecosystem_specific.module before the summary", () => {
    const declared = entry("0:2.7.0-10.module+el8.4.0+570+c2eaf144", { module: "python38:3.9" });
    const p = pkg("2.7.0-9.module+el8.4.0+1+aaaa", "python38:3.8:1:1");
    assert.equal(entryApplies(declared, summary, p, binary), false);
  });

  it("keeps a SUSE source entry to the binaries it lists", () => {
    const suse = entry("2.7.0-10.1", { binaries: [{ "python3-Babel": "2.7.0-10.1" }] });
    const p = { ...pkg("2.7.0-9.1"), name: "python3-Babel" } as Package;
    assert.equal(entryApplies(suse, advisory(""), p, source), true);
    const other = { ...p, name: "python3-Babel-doc" } as Package;
    assert.equal(entryApplies(suse, advisory(""), other, source), false);
    assert.equal(entryApplies(suse, advisory(""), other, binary), true, "only source lookups");
  });
});
