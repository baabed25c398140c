import type { MergedView } from "../layers/merge.js";
import type { FileFinding } from "../layers/types.js";
import type { Package } from "./types.js";

const DOC_DIR = /^usr\/share\/doc\/([^/]+)$/;

/**
 * Gives packages the licenses that other files name for them (Debian's
 * copyright files), where their own database recorded none. Only files a
 * container would see are passed in, so a removed package's file counts not.
 */
export function attachLicenses(
  packages: Package[],
  visible: readonly FileFinding[],
  view: MergedView,
): void {
  const byName = new Map<string, string[]>();
  for (const f of visible) {
    for (const l of f.output.packageLicenses ?? []) byName.set(`${l.type}/${l.name}`, l.licenses);
  }
  if (byName.size === 0) return;
  addDocDirLinks(byName, view);

  for (const p of packages) {
    if (p.licenses?.length) continue;
    const licenses = byName.get(`${p.type}/${p.name}`) ?? byName.get(`${p.type}/${p.sourceName}`);
    if (licenses?.length) p.licenses = licenses;
  }
}

/**
 * Debian links the doc directory of a package to another of the same source
 * (usr/share/doc/libncursesw6 -> libtinfo6): the linked package's copyright
 * file is this one's too.
 */
function addDocDirLinks(byName: Map<string, string[]>, view: MergedView): void {
  for (const [path] of view.symlinks()) {
    const name = DOC_DIR.exec(path)?.[1];
    if (!name || byName.has(`deb/${name}`)) continue;
    const target = DOC_DIR.exec(safeResolve(view, path) ?? "")?.[1];
    const licenses = target ? byName.get(`deb/${target}`) : undefined;
    if (licenses) byName.set(`deb/${name}`, licenses);
  }
}

/** A loop under usr/share/doc is not worth failing a scan over: no licenses from it. */
function safeResolve(view: MergedView, path: string): string | undefined {
  try {
    return view.resolve(path);
  } catch {
    return undefined;
  }
}
