import type { MergedView } from "../layers/merge.js";
import type { LayerAnalysis } from "../layers/types.js";
import type { FileFacts } from "./types.js";

/** Where package managers keep downloads that an image need not ship. */
const PACKAGE_CACHES: readonly { dir: string; manager: string; ignore?: RegExp }[] = [
  { dir: "var/cache/apt/archives", manager: "apt", ignore: /(^|\/)(lock|partial)$/ },
  { dir: "var/lib/apt/lists", manager: "apt", ignore: /(^|\/)(lock|partial|auxfiles)$/ },
  { dir: "var/cache/apk", manager: "apk" },
  { dir: "var/cache/yum", manager: "yum" },
  { dir: "var/cache/dnf", manager: "dnf" },
  { dir: "var/cache/zypp/packages", manager: "zypper" },
  { dir: "root/.npm/_cacache", manager: "npm" },
  { dir: "root/.cache/pip", manager: "pip" },
  { dir: "root/.cache/yarn", manager: "yarn" },
  { dir: "usr/local/share/.cache/yarn", manager: "yarn" },
  { dir: "root/.cache/go-build", manager: "go" },
  { dir: "root/.m2/repository", manager: "maven" },
  { dir: "root/.gradle/caches", manager: "gradle" },
];

/** Scratch space where writable-by-all is the point. */
const TEMP_DIRS = /^(?:tmp|var\/tmp|dev\/shm|run\/lock|var\/lock)(?:\/|$)/;

/**
 * Facts about the final filesystem that the misconfiguration checks judge:
 * files with special permission bits, and package-manager caches left in.
 * Only what a container would see counts: a mode a later layer replaced, or a
 * cache a later layer deleted, is gone.
 */
export function fileFacts(view: MergedView, layers: readonly LayerAnalysis[]): FileFacts {
  const facts: FileFacts = { setuid: [], worldWritable: [], packageCaches: [] };

  for (const layer of layers) {
    for (const [path, mode] of layer.notableModes ?? []) {
      const entry = view.get(path);
      if (entry?.layer !== layer.index) continue;
      const record = {
        path: `/${path}`,
        mode: mode.toString(8).padStart(4, "0"),
        layer: entry.layer,
      };
      if (mode & 0o6000 && entry.kind === "f") facts.setuid.push(record);
      if (mode & 0o002 && !TEMP_DIRS.test(path)) facts.worldWritable.push(record);
    }
  }

  facts.packageCaches = cachesIn(view);
  facts.setuid.sort(byPath);
  facts.worldWritable.sort(byPath);
  return facts;
}

function cachesIn(view: MergedView): FileFacts["packageCaches"] {
  const found = new Map<string, FileFacts["packageCaches"][number]>();
  for (const [path, entry] of view.all()) {
    if (entry.kind !== "f") continue;
    const cache = PACKAGE_CACHES.find((c) => path.startsWith(`${c.dir}/`));
    if (!cache || cache.ignore?.test(path.slice(cache.dir.length + 1))) continue;

    const seen = found.get(cache.dir) ?? {
      path: `/${cache.dir}`,
      manager: cache.manager,
      files: 0,
      layer: entry.layer,
    };
    seen.files += 1;
    seen.layer = Math.max(seen.layer, entry.layer);
    found.set(cache.dir, seen);
  }
  return [...found.values()].sort(byPath);
}

const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
