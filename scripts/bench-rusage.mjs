// Preloaded with `node --import` by the bench when GNU time is not available:
// writes this process's own CPU time and peak RSS to $VIGIL_BENCH_RUSAGE on exit.
import { writeFileSync } from "node:fs";

const file = process.env.VIGIL_BENCH_RUSAGE;
if (file) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    const figures = { rssKb: u.maxRSS, user: u.userCPUTime / 1e6, sys: u.systemCPUTime / 1e6 };
    writeFileSync(file, JSON.stringify(figures));
  });
}
