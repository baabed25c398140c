import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { writeOciLayout, type FixtureEntry } from "../testing/oci-builder.js";
import { repoRoot } from "../testing/shared.js";
import { inventoryImage } from "./inventory.js";

// npm's real install of the fixture project (testdata/lang/npm/tree) as /app,
// beside files with claimed names that are broken, binary or too big.
const tree = path.join(repoRoot, "testdata/lang/npm/tree");
const real: FixtureEntry[] = readdirSync(tree, { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".json"))
  .map((f) => ({ name: `app/${f}`, content: readFileSync(path.join(tree, f)) }));
const selfLink = JSON.stringify({
  lockfileVersion: 3,
  packages: { "node_modules/a": { link: true, resolved: "node_modules/a" } },
});
const broken: FixtureEntry[] = [
  { name: "app/node_modules/broken/package.json", content: "{ this is not JSON" },
  { name: "app/node_modules/huge/package.json", content: Buffer.alloc(5 << 20, " ") },
  { name: "srv/yarn.lock", content: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]) },
  { name: "srv/package-lock.json", content: selfLink },
];

describe("language files that do not parse, in an image", () => {
  it("become warnings tied to their layer and path, and the scan goes on", async () => {
    const dir = await writeOciLayout([
      { entries: real },
      { entries: broken },
      // A later layer deletes one installed package: the lock's entry goes with it.
      { entries: [{ name: "app/node_modules/is-odd/.wh.node_modules" }] },
    ]);
    const inv = await inventoryImage(`oci:${dir}`);

    const warnings = inv.warnings.map((w) => `${w.code} ${w.layer} ${w.path}`).sort();
    assert.deepEqual(warnings, [
      "FILE_TOO_LARGE 1 /app/node_modules/huge/package.json",
      "MALFORMED_ENTRY 1 /srv/package-lock.json",
      "UNPARSABLE_FILE 1 /app/node_modules/broken/package.json",
      "UNPARSABLE_FILE 1 /srv/yarn.lock",
    ]);
    const npm = inv.packages.filter((p) => p.type === "npm");
    assert.deepEqual(npm.map((p) => `${p.name}@${p.version} ${p.dependency}`).sort(), [
      "@tootallnate/once@2.0.0 direct",
      "debug@2.6.9 direct",
      "is-number@7.0.0 direct",
      "is-odd@3.0.1 direct",
      "ms@2.0.0 direct",
      "ms@2.0.0 indirect",
      "ms@2.1.3 direct",
    ]);
    assert.ok(npm.every((p) => p.layer.index === 0 && !p.declared));
  });
});
