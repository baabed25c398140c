#!/usr/bin/env node
// Run by the bench as a child of its own: snyk-docker-plugin's programmatic
// API (scan) on one image archive, with its default options, as the Snyk CLI
// calls it for `snyk container test`. Prints the packages it found, one line
// of JSON, so that the bench can put them beside vigil's.
//
//   node scripts/bench-snyk.mjs PEERS_DIR oci-archive:FILE
import { createRequire } from "node:module";
import path from "node:path";

const [peersDir, target] = process.argv.slice(2);
if (!peersDir || !target) {
  console.error("usage: bench-snyk.mjs PEERS_DIR (oci-archive|docker-archive):FILE");
  process.exit(2);
}

// The plugin lives in the bench's own install, never among vigil's dependencies.
const require = createRequire(path.join(peersDir, "package.json"));
const { scan } = require("snyk-docker-plugin");

const OS_TYPES = new Set(["deb", "apk", "rpm"]);

/** Packages in one scan result: its dep graph less the root, or its jar fingerprints. */
function packagesOf(result) {
  const graph = result.facts.find((f) => f.type === "depGraph")?.data;
  if (graph) return graph.getPkgs().length - 1;
  return result.facts.find((f) => f.type === "jarFingerprints")?.data.fingerprints.length ?? 0;
}

const response = await scan({ path: target });
const counts = { os: 0, lang: 0, byType: {} };
for (const result of response.scanResults) {
  const type = result.identity.type;
  const n = packagesOf(result);
  counts[OS_TYPES.has(type) ? "os" : "lang"] += n;
  counts.byType[type] = (counts.byType[type] ?? 0) + n;
}
console.log(JSON.stringify(counts));
