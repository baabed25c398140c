// Secret-scanning throughput: on the corpus, from the scans bench.mjs times
// with and without the secret scanner; and on the hostile texts the tests
// use, timed here in-process on vigil's built scanner (dist/).
import { Buffer } from "node:buffer";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./bench-meter.mjs";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const dist = (p) => import(pathToFileURL(path.join(REPO, "dist", p)).href);

/**
 * What the secret scanner adds to a cold scan: the median of the paired
 * differences (default scanners minus `--scanners vuln`, run back to back),
 * so that a burst of load from elsewhere falls on both halves of a pair.
 */
export function corpusThroughput(bytes, withSecrets, without) {
  const pairs = withSecrets.map((s, i) => ({
    wall: s.wall - without[i].wall,
    cpu: s.cpu - without[i].cpu,
  }));
  const extraWall = median(pairs.map((p) => p.wall));
  const extraCpu = median(pairs.map((p) => p.cpu));
  return {
    bytes,
    extraWall,
    extraCpu,
    // A difference lost in the noise gives no rate rather than an absurd one.
    mibPerSecond: extraWall > 0 ? bytes / 2 ** 20 / extraWall : undefined,
    mibPerCpuSecond: extraCpu > 0 ? bytes / 2 ** 20 / extraCpu : undefined,
  };
}

/** SecretScanner.scanText over each hostile text, the median of `runs` calls each. */
export async function hostileThroughput(runs) {
  const { SecretScanner } = await dist("secrets/scanner.js");
  const { hostileTexts } = await dist("testing/hostile-text.js");
  const scanner = new SecretScanner();

  return hostileTexts().map(([name, text]) => {
    const bytes = Buffer.byteLength(text, "utf8");
    const times = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      scanner.scanText("hostile.txt", text);
      times.push((performance.now() - started) / 1000);
    }
    const seconds = median(times);
    return { name, bytes, seconds, mibPerSecond: bytes / 2 ** 20 / seconds };
  });
}
