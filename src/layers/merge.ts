import { VigilError } from "../errors.js";
import { dirname, joinPath } from "./paths.js";
import type { EntryKind, FileFinding, LayerAnalysis } from "./types.js";

/** What a path is in the final filesystem, and which layer put it there. */
export interface VisibleEntry {
  layer: number;
  kind: EntryKind;
  link?: string;
}

/**
 * The image's final filesystem as a container runtime would assemble it from
 * the layers: whiteouts and opaque directories hide lower layers, a later
 * entry replaces an earlier one, and a directory replaced by a file or
 * symlink takes its whole lower subtree with it.
 */
export class MergedView {
  private readonly entries = new Map<string, VisibleEntry>();
  /** Paths that have had children, including parents a tar never listed itself. */
  private readonly parents = new Set<string>();

  constructor(layers: readonly LayerAnalysis[]) {
    const ordered = [...layers].sort((a, b) => a.index - b.index);
    for (const layer of ordered) this.apply(layer);
  }

  get(path: string): VisibleEntry | undefined {
    return this.entries.get(path);
  }

  /** Every path in the final filesystem, with the layer that made it. */
  all(): IterableIterator<[string, VisibleEntry]> {
    return this.entries.entries();
  }

  /** Every symlink in the final filesystem, with the layer that made it. */
  symlinks(): [string, VisibleEntry][] {
    return [...this.entries].filter(([, e]) => e.kind === "l");
  }

  /**
   * Follows symlinks (in any component) inside the image root, never on the
   * host: an absolute target or a `..` past the root stays inside the image.
   */
  resolve(path: string): string | undefined {
    let remaining = path.split("/").filter(Boolean);
    let current = "";
    let hops = 0;

    while (remaining.length > 0) {
      const [part, ...rest] = remaining as [string, ...string[]];
      remaining = rest;
      if (part === "." || part === "") continue;
      if (part === "..") {
        current = dirname(current);
        continue;
      }

      const next = joinPath(current, part);
      const entry = this.entries.get(next);
      if (entry?.kind !== "l") {
        current = next;
        continue;
      }

      hops += 1;
      if (hops > 40) {
        throw new VigilError("SYMLINK_LOOP", `/${path}: too many levels of symbolic links`);
      }
      const target = entry.link ?? "";
      const base = target.startsWith("/") ? [] : current.split("/").filter(Boolean);
      remaining = [...target.split("/").filter(Boolean), ...remaining];
      current = base.join("/");
    }
    return this.entries.has(current) ? current : undefined;
  }

  /** Findings whose file is the one a container would see at that path. */
  visible(findings: readonly (FileFinding & { layer: number })[]): typeof findings {
    return findings.filter((f) => {
      const entry = this.entries.get(f.path);
      return entry?.layer === f.layer && (entry.kind === "f" || entry.kind === "h");
    });
  }

  private apply(layer: LayerAnalysis): void {
    // Whiteouts and opaque markers hide what is below, never the same layer.
    for (const dir of layer.opaqueDirs) this.removeBelow(dir);
    for (const path of layer.whiteouts) {
      this.entries.delete(path);
      this.removeBelow(path);
    }

    for (const [path, kind] of layer.entries) {
      if (kind !== "d" && this.parents.has(path)) this.removeBelow(path);
      this.entries.set(path, { layer: layer.index, kind, link: layer.links.get(path) });
      this.noteParents(path);
    }
  }

  private noteParents(path: string): void {
    for (let dir = dirname(path); dir !== "" && !this.parents.has(dir); dir = dirname(dir)) {
      this.parents.add(dir);
    }
  }

  private removeBelow(dir: string): void {
    const prefix = dir === "" ? "" : `${dir}/`;
    for (const path of this.entries.keys()) {
      if (path.startsWith(prefix) && path !== dir) this.entries.delete(path);
    }
  }
}
