import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VigilError } from "../errors.js";
import { MergedView } from "./merge.js";
import type { EntryKind, LayerAnalysis } from "./types.js";

function layer(
  index: number,
  entries: [string, EntryKind, string?][],
  extra: Partial<LayerAnalysis> = {},
): LayerAnalysis {
  return {
    index,
    diffId: `sha256:${index}`,
    entries: new Map(entries.map(([p, k]) => [p, k])),
    links: new Map(entries.filter((e) => e[2] !== undefined).map(([p, , t]) => [p, t as string])),
    whiteouts: [],
    opaqueDirs: [],
    findings: [],
    secrets: [],
    contentScan: { files: 0, bytes: 0, skipped: {} },
    notableModes: [],
    warnings: [],
    compressedBytes: 0,
    uncompressedBytes: 0,
    ...extra,
  };
}

describe("MergedView", () => {
  it("resolves symlinks inside the image root, relative and absolute", () => {
    const view = new MergedView([
      layer(0, [
        ["usr", "d"],
        ["usr/lib", "d"],
        ["usr/lib/os-release", "f"],
        ["etc", "d"],
        ["etc/os-release", "l", "../usr/lib/os-release"],
        ["lib", "l", "usr/lib"],
        ["escape", "l", "../../../usr/lib/os-release"],
      ]),
    ]);
    assert.equal(view.resolve("etc/os-release"), "usr/lib/os-release");
    assert.equal(view.resolve("lib/os-release"), "usr/lib/os-release");
    // `..` above the root stays at the root, as inside a container.
    assert.equal(view.resolve("escape"), "usr/lib/os-release");
    assert.equal(view.resolve("etc/missing"), undefined);
  });

  it("reports a symlink loop instead of spinning", () => {
    const view = new MergedView([
      layer(0, [
        ["a", "l", "b"],
        ["b", "l", "a"],
      ]),
    ]);
    assert.throws(
      () => view.resolve("a/x"),
      (e: VigilError) => e.code === "SYMLINK_LOOP",
    );
  });

  it("applies a layer's whiteouts to lower layers only", () => {
    const view = new MergedView([
      layer(0, [
        ["app", "d"],
        ["app/old", "f"],
        ["app/dir", "d"],
        ["app/dir/x", "f"],
      ]),
      layer(1, [["app/new", "f"]], { whiteouts: ["app/old", "app/dir"] }),
    ]);
    assert.equal(view.get("app/old"), undefined);
    assert.equal(view.get("app/dir/x"), undefined);
    assert.equal(view.get("app/new")?.layer, 1);
  });

  it("keeps a file re-added above the layer that deleted it", () => {
    const view = new MergedView([
      layer(0, [["f", "f"]]),
      layer(1, [], { whiteouts: ["f"] }),
      layer(2, [["f", "f"]]),
    ]);
    assert.equal(view.get("f")?.layer, 2);
  });
});
