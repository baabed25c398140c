// Turns the paths given to `vigil db import` into feed sources. A source is
// what one `feeds` row describes and what a re-import replaces: an OSV zip,
// the loose JSON files of one directory, or one file named on its own.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";

import { VigilError } from "../errors.js";
import type { Provenance } from "./writer.js";

/** `provenance` is set by `vigil db update` for what it downloaded. */
export type FeedSource = (
  | { kind: "zip"; file: string; name: string }
  | { kind: "dir"; dir: string; files: string[]; name: string }
  | { kind: "file"; file: string; name: string }
) & { provenance?: Provenance };

/**
 * The OSV feed name for a source, built from the last path parts so that it
 * does not depend on which parent directory was named on the command line:
 * `<eco>/all.zip` → "osv:<eco>", `npm/ghsa/*.json` → "osv:npm/ghsa",
 * `x/y.json` → "osv:x/y".
 */
export function osvFeedName(source: {
  kind: FeedSource["kind"];
  file?: string;
  dir?: string;
}): string {
  if (source.kind === "dir") {
    const dir = path.resolve(source.dir ?? ".");
    return `osv:${path.basename(path.dirname(dir))}/${path.basename(dir)}`;
  }
  const file = path.resolve(source.file ?? ".");
  const parent = path.basename(path.dirname(file));
  const stem = path.basename(file).replace(/\.(zip|json)$/i, "");
  return source.kind === "zip" && stem === "all" ? `osv:${parent}` : `osv:${parent}/${stem}`;
}

async function statInput(input: string): ReturnType<typeof stat> {
  try {
    return await stat(input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new VigilError("NOT_FOUND", `feed input ${input} does not exist`, { cause: err });
    }
    throw new VigilError("IO", `cannot read ${input}`, { cause: err });
  }
}

/**
 * Walks a directory (sorted, so imports are repeatable). Symbolic links to
 * directories are not followed: a mirror is a tree of real directories, and
 * this rules out loops.
 */
async function walk(dir: string, out: FeedSource[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const json: string[] = [];
  const subdirs: string[] = [];

  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const isFile = entry.isFile() || (entry.isSymbolicLink() && (await stat(full)).isFile());
    if (entry.isDirectory()) subdirs.push(full);
    else if (isFile && /\.zip$/i.test(entry.name)) out.push(zipSource(full));
    else if (isFile && /\.json$/i.test(entry.name)) json.push(full);
    // note: other CSVs (an OSV modified_id.csv) are no feed; EPSS files are named for it.
    else if (isFile && /^epss.*\.csv(\.gz)?$/i.test(entry.name)) out.push(fileSource(full));
  }

  if (json.length > 0)
    out.push({ kind: "dir", dir, files: json, name: osvFeedName({ kind: "dir", dir }) });
  for (const sub of subdirs) await walk(sub, out);
}

function fileSource(file: string): FeedSource {
  return { kind: "file", file, name: osvFeedName({ kind: "file", file }) };
}

function zipSource(file: string): FeedSource {
  return { kind: "zip", file, name: osvFeedName({ kind: "zip", file }) };
}

/** Sources in input order; a directory contributes every zip and JSON file below it. */
export async function discoverSources(inputs: string[]): Promise<FeedSource[]> {
  const sources: FeedSource[] = [];
  for (const input of inputs) {
    const full = path.resolve(input);
    const info = await statInput(full);

    if (info.isDirectory()) {
      const before = sources.length;
      await walk(full, sources);
      if (sources.length === before) {
        throw new VigilError("BAD_FEED", `${full} holds no OSV zip or JSON feed files`);
      }
    } else if (/\.zip$/i.test(full)) {
      sources.push(zipSource(full));
    } else {
      sources.push(fileSource(full));
    }
  }
  return sources;
}
