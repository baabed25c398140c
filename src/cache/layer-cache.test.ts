import assert from "node:assert/strict";
import { existsSync, readdirSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { analyzers } from "../analyzers/index.js";
import type { LayerAnalysis } from "../layers/types.js";
import { inventorySource, readerSetVersion } from "../scan/inventory.js";
import { openImage, type ImageSource } from "../source/index.js";
import { writeOciLayout, type FixtureLayer } from "../testing/oci-builder.js";
import { SecretScanner } from "../secrets/scanner.js";
import { tempDir } from "../testing/tmp.js";
import { LayerCache } from "./layer-cache.js";

const SET = readerSetVersion(analyzers);
const newCache = (maxBytes?: number) =>
  new LayerCache({ dir: path.join(tempDir("vigil-lc-"), "layers"), maxBytes });

const diffId = (c: string) => `sha256:${c.repeat(64)}`;

function analysis(id: string, index = 0): LayerAnalysis {
  return {
    index,
    diffId: id,
    entries: new Map([["etc/x", "f"]]),
    links: new Map(),
    whiteouts: [],
    opaqueDirs: [],
    findings: [],
    warnings: [{ code: "W", message: "m", layer: index, path: "/etc/x" }],
    compressedBytes: 10,
    uncompressedBytes: 20,
  } as unknown as LayerAnalysis;
}

const base: FixtureLayer = {
  entries: [
    { name: "etc/os-release", content: 'ID=debian\nVERSION_ID="12"\n' },
    {
      name: "var/lib/dpkg/status",
      content: "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n",
    },
  ],
};
const app = (name: string): FixtureLayer => ({ entries: [{ name: `app/${name}`, content: name }] });

/** The image with every blob's open() counted; a test may forbid opening. */
async function counted(layers: FixtureLayer[]) {
  const source = await openImage(`oci:${await writeOciLayout(layers)}`);
  const opened: number[] = [];
  for (const layer of source.layers) {
    const open = layer.open.bind(layer);
    layer.open = () => {
      opened.push(layer.index);
      return open();
    };
  }
  return { source, opened };
}

const packages = (s: ImageSource, cache: LayerCache) =>
  inventorySource(s, { cache }).then((inv) => ({
    packages: inv.packages,
    os: inv.os,
    warnings: inv.warnings,
    layers: inv.image.layers,
  }));

describe("layer cache", () => {
  it("gives back what was put, at the index the layer has now", async () => {
    const cache = newCache();
    assert.equal(await cache.get(diffId("a"), 0, SET), undefined);
    assert.equal(await cache.put(analysis(diffId("a")), SET), true);

    const back = await cache.get(diffId("a"), 2, SET);
    assert.equal(back?.index, 2);
    assert.equal(back?.warnings[0]?.layer, 2);
    assert.deepEqual(back?.entries, new Map([["etc/x", "f"]]));
    assert.equal((await cache.stats()).entries, 1);
  });

  it("never caches a layer without a sha256 diffID", async () => {
    const cache = newCache();
    assert.equal(await cache.put(analysis("sha256:short"), SET), false);
    assert.equal(await cache.put(analysis(`md5:${"a".repeat(32)}`), SET), false);
    assert.equal((await cache.stats()).entries, 0);
  });

  it("treats a damaged entry as a miss and removes it", async () => {
    const cache = newCache();
    await cache.put(analysis(diffId("a")), SET);
    const [file] = readdirSync(cache.dir);
    writeFileSync(path.join(cache.dir, file as string), '{"vigilLayerCache":1,');
    assert.equal(await cache.get(diffId("a"), 0, SET), undefined);
    assert.equal((await cache.stats()).entries, 0);
  });

  it("keys entries by analyzer set: a new analyzer version misses", async () => {
    const cache = newCache();
    await cache.put(analysis(diffId("a")), SET);
    assert.equal(await cache.get(diffId("a"), 0, `${SET},new@1`), undefined);
  });

  it("evicts the least recently used entries past its size limit", async () => {
    const cache = newCache();
    for (const c of ["a", "b", "c"]) await cache.put(analysis(diffId(c)), SET);
    const files = readdirSync(cache.dir).map((f) => path.join(cache.dir, f));
    const old = new Date(Date.now() - 60_000);
    for (const f of files) utimesSync(f, old, old);
    // A hit makes "a" the most recently used.
    assert.ok(await cache.get(diffId("a"), 0, SET));

    const each = (await cache.stats()).bytes / 3;
    const removed = await cache.trim(Math.ceil(each * 2));
    assert.equal(removed, 2);
    assert.ok(await cache.get(diffId("a"), 0, SET));
    assert.equal(await cache.get(diffId("b"), 0, SET), undefined);
  });

  it("clean removes everything", async () => {
    const cache = newCache();
    await cache.put(analysis(diffId("a")), SET);
    assert.equal(await cache.clean(), 1);
    assert.equal((await cache.stats()).entries, 0);
  });
});

describe("scans with a layer cache", () => {
  it("a rescan opens no layer blob and gives the same inventory", async () => {
    const cache = newCache();
    const first = await counted([base, app("one")]);
    const cold = await packages(first.source, cache);
    assert.deepEqual(first.opened.sort(), [0, 1]);

    for (const layer of first.source.layers) {
      layer.open = () => assert.fail(`layer ${layer.index} was opened`);
    }
    assert.deepEqual(await packages(first.source, cache), cold);
  });

  it("an image sharing a cached base reads only its own layers", async () => {
    const cache = newCache();
    await packages((await counted([base, app("one")])).source, cache);

    const second = await counted([base, app("two"), app("three")]);
    const inv = await packages(second.source, cache);
    assert.deepEqual(second.opened.sort(), [1, 2]);
    assert.deepEqual(
      inv.packages.map((p) => `${p.name}@${p.version}#${p.layer.index}`),
      ["a@1#0"],
    );
  });

  it("a shared layer at another position keeps its packages' layer right", async () => {
    const cache = newCache();
    await packages((await counted([app("x"), base])).source, cache);
    const moved = await counted([base]);
    const inv = await packages(moved.source, cache);
    assert.deepEqual(moved.opened, []);
    assert.deepEqual(
      inv.packages.map((p) => `${p.name}#${p.layer.index}`),
      ["a#0"],
    );
  });

  it("a scan with other content scanners does not take entries made without them", async () => {
    const cache = newCache();
    const key = "AKIA2E0A8F3B244C9986";
    const layers: FixtureLayer[] = [
      base,
      { entries: [{ name: "app/.env", content: `K=${key}\n` }] },
    ];
    await inventorySource((await counted(layers)).source, { cache });

    const again = await counted(layers);
    const inv = await inventorySource(again.source, {
      cache,
      contentScanners: [new SecretScanner()],
    });
    assert.deepEqual(again.opened.sort(), [0, 1]);
    assert.deepEqual(
      inv.secrets?.map((s) => `${s.rule}@${s.path}`),
      ["aws-access-key-id@/app/.env"],
    );
  });

  it("refuses from the cache what a read would refuse: a layer too large, a truncated blob", async () => {
    const cache = newCache();
    const dir = await writeOciLayout([base, app("big")]);
    await inventorySource(await openImage(`oci:${dir}`), { cache });

    // Both layers are cached: the limit is checked without opening a blob.
    const again = await openImage(`oci:${dir}`);
    for (const layer of again.layers) {
      layer.open = () => assert.fail(`layer ${layer.index} was opened`);
    }
    await assert.rejects(
      inventorySource(again, { cache, maxLayerBytes: 100 }),
      /layer 1 \(sha256:[0-9a-f]{64}\): expands past 100 bytes/,
    );

    // The same blob, cut short after it was cached.
    const layer = again.layers[1];
    truncateSync(path.join(dir, "blobs", "sha256", (layer?.digest ?? "").slice(7)), 20);
    await assert.rejects(
      inventorySource(again, { cache }),
      /layer 2 \(sha256:[0-9a-f]{64}\): the blob is 20 bytes, the manifest says \d+/,
    );
  });

  it("takes an entry only for the blob it was made from, not another with the same diff ID", async () => {
    const cache = newCache();
    const plain = await counted([{ ...base, compression: "none" }]);
    await packages(plain.source, cache);

    // The same tar gzipped: the same diff ID, another blob. It is read and verified.
    const gzipped = await counted([{ ...base, compression: "gzip" }]);
    assert.equal(gzipped.source.layers[0]?.diffId, plain.source.layers[0]?.diffId);
    assert.notEqual(gzipped.source.layers[0]?.digest, plain.source.layers[0]?.digest);
    await packages(gzipped.source, cache);
    assert.deepEqual(gzipped.opened, [0]);

    // Now that blob's entry is there: a rescan of it reads nothing.
    const again = await counted([{ ...base, compression: "gzip" }]);
    await packages(again.source, cache);
    assert.deepEqual(again.opened, []);
  });

  it("caches nothing from a layer that failed verification", async () => {
    for (const bad of [
      { ...base, wrongDiffId: true },
      { ...base, truncateTo: 40 },
    ]) {
      const cache = newCache();
      const { source } = await counted([app("ok"), bad]);
      await assert.rejects(inventorySource(source, { cache }));
      const ids = existsSync(cache.dir)
        ? readdirSync(cache.dir).filter((f) => f.endsWith(".json"))
        : [];
      const good = source.layers[0]?.diffId.slice(7) ?? "";
      // The good layer may or may not have finished first; the bad one is never there.
      assert.ok(
        ids.every((f) => f.startsWith(good)),
        ids.join(","),
      );
    }
  });
});
