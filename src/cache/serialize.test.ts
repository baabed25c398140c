import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyzers } from "../analyzers/index.js";
import type { LayerAnalysis } from "../layers/types.js";
import { walkLayer } from "../layers/walk.js";
import { readerSetVersion } from "../scan/inventory.js";
import { openImage } from "../source/index.js";
import { writeOciLayout } from "../testing/oci-builder.js";
import { CACHE_FORMAT_VERSION, decodeAnalysis, encodeAnalysis, moveToIndex } from "./serialize.js";

const SET = readerSetVersion(analyzers);

const roundTrip = (a: LayerAnalysis) =>
  decodeAnalysis(encodeAnalysis(a, SET), a.diffId, SET) as LayerAnalysis;

/** A layer with something in every part of the analysis: entries, links, whiteouts, findings, warnings. */
async function walkedLayers(): Promise<LayerAnalysis[]> {
  const dir = await writeOciLayout([
    {
      entries: [
        { name: "etc/os-release", content: 'ID=debian\nVERSION_ID="12"\n' },
        {
          name: "var/lib/dpkg/status",
          content: "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n",
        },
        // A claimed path that is not a regular file: a warning.
        { name: "lib/apk/db/installed", type: "fifo" },
        { name: "bin", type: "directory" },
        { name: "bin/sh", type: "symlink", linkname: "dash" },
        { name: "bin/dash", content: "#!" },
        { name: "bin/rbash", type: "link", linkname: "bin/dash" },
      ],
    },
    {
      entries: [
        { name: "bin/.wh.rbash" },
        { name: "opt/.wh..wh..opq" },
        {
          name: "etc/secret.env",
          content: "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        },
      ],
    },
  ]);
  const source = await openImage(`oci:${dir}`);
  return Promise.all(
    source.layers.map((l) => walkLayer(l, { image: dir, analyzers, maxLayerBytes: 1 << 30 })),
  );
}

describe("layer cache encoding", () => {
  it("round-trips every field of a walked layer's analysis", async () => {
    for (const analysis of await walkedLayers()) {
      const back = roundTrip(analysis);
      // note: this is the test that catches a field added to LayerAnalysis
      // that the cache would lose or change (a class, a Map inside an object).
      assert.deepStrictEqual(Object.keys(back).sort(), Object.keys(analysis).sort());
      assert.deepStrictEqual(back, analysis);
    }
  });

  it("walked layers exercise links, whiteouts, findings and warnings", async () => {
    const [first, second] = (await walkedLayers()) as [LayerAnalysis, LayerAnalysis];
    assert.ok(first.links.size >= 2);
    assert.ok(first.findings.length >= 2);
    assert.ok(first.warnings.length >= 1);
    assert.deepEqual(second.whiteouts, ["bin/rbash"]);
    assert.deepEqual(second.opaqueDirs, ["opt"]);
  });

  it("round-trips Maps, Sets, Buffers and Dates at any depth", () => {
    const odd = {
      nested: [{ m: new Map([["k", new Set([1, 2])]]) }],
      bytes: Buffer.from([0, 1, 255]),
      gone: undefined,
      holes: [1, undefined],
      when: new Date("2026-01-02T03:04:05.000Z"),
      none: null,
    };
    const analysis = { ...emptyAnalysis(), extra: odd } as unknown as LayerAnalysis;
    assert.deepStrictEqual(roundTrip(analysis), analysis);
  });

  it("refuses what it cannot store rather than losing it", () => {
    const analysis = { ...emptyAnalysis(), f: () => 1 } as unknown as LayerAnalysis;
    assert.throws(() => encodeAnalysis(analysis, SET), TypeError);
  });

  it("reads nothing from another format version, analyzer set or layer", () => {
    const a = emptyAnalysis();
    const text = encodeAnalysis(a, SET);
    assert.equal(decodeAnalysis(text, a.diffId, `${SET},new@1`), undefined);
    assert.equal(decodeAnalysis(text, `sha256:${"b".repeat(64)}`, SET), undefined);
    const older = text.replace(
      `"vigilLayerCache":${CACHE_FORMAT_VERSION}`,
      `"vigilLayerCache":${CACHE_FORMAT_VERSION - 1}`,
    );
    assert.notEqual(older, text);
    assert.equal(decodeAnalysis(older, a.diffId, SET), undefined);
    assert.equal(decodeAnalysis(text.slice(0, 20), a.diffId, SET), undefined);
    assert.equal(decodeAnalysis("null", a.diffId, SET), undefined);
  });

  it("moves a layer's own index when it sits elsewhere in another image", () => {
    const a = emptyAnalysis();
    a.warnings.push({ code: "X", message: "m", layer: 0, path: "/p" });
    const moved = moveToIndex(a, 3);
    assert.equal(moved.index, 3);
    assert.equal(moved.warnings[0]?.layer, 3);
  });
});

function emptyAnalysis(): LayerAnalysis {
  return {
    index: 0,
    diffId: `sha256:${"a".repeat(64)}`,
    entries: new Map([["etc", "d"]]),
    links: new Map(),
    whiteouts: [],
    opaqueDirs: [],
    findings: [],
    warnings: [],
    compressedBytes: 1,
    uncompressedBytes: 2,
  } as unknown as LayerAnalysis;
}
