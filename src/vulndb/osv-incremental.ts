// Incremental OSV sync: an ecosystem's `modified_id.csv` lists every record
// as `<modified>,<id>`, newest first. The records modified since the feed's
// newest one are fetched one by one (`<ECOSYSTEM>/<ID>.json`) instead of the
// whole `all.zip`.
import { readFile } from "node:fs/promises";
import { pino } from "pino";

import { VigilError } from "../errors.js";
import { fetchSmall, mapLimit, type RetryPolicy } from "./download.js";

export interface IncrementalPlan {
  /** Records modified at or after the cutoff, newest first. */
  ids: string[];
  cutoff: string;
}

/**
 * The ids to fetch: every line at or after `newestModified` (ties are
 * fetched again, since a second record may share the timestamp). Undefined
 * when more than `maxRecords` changed: then the whole export is cheaper.
 */
export async function planIncremental(
  csvFile: string,
  newestModified: string,
  opts: {
    maxRecords: number;
    /** The `modified` the DB holds for an id: a record it already has as listed is not fetched. */
    known?: (id: string) => string | undefined;
  },
): Promise<IncrementalPlan | undefined> {
  const cutoff = Date.parse(newestModified);
  if (Number.isNaN(cutoff)) return undefined;

  const ids: string[] = [];
  for (const line of (await readFile(csvFile, "utf8")).split("\n")) {
    if (line.trim() === "") continue;
    const comma = line.indexOf(",");
    const when = Date.parse(line.slice(0, comma));
    const id = line.slice(comma + 1).trim();
    if (comma < 0 || Number.isNaN(when) || id === "") {
      throw new VigilError(
        "BAD_FEED",
        `${csvFile}: not a modified_id.csv line: ${line.slice(0, 80)}`,
      );
    }
    // Newest first: the first older line ends the list.
    if (when < cutoff) break;
    const have = opts.known?.(id);
    if (have !== undefined && Date.parse(have) === when) continue;
    ids.push(id);
    if (ids.length > opts.maxRecords) return undefined;
  }
  return { ids, cutoff: newestModified };
}

/** One fetched record: its decoded JSON, or why it could not be decoded. */
export interface FetchedRecord {
  id: string;
  value?: unknown;
  error?: string;
}

/** Fetches `<base><ID>.json` for each id; a record that is gone is left out. */
export async function fetchOsvRecords(
  base: string,
  ids: string[],
  opts: { policy: RetryPolicy; parallel: number; onBytes?: (n: number) => void },
): Promise<FetchedRecord[]> {
  const log = pino({ level: "silent" });
  const records = await mapLimit(ids, opts.parallel, async (id) => {
    const data = await fetchSmall(`${base}${encodeURIComponent(id)}.json`, opts.policy, log);
    if (!data) return undefined;
    opts.onBytes?.(data.length);
    try {
      return { id, value: JSON.parse(data.toString("utf8")) as unknown };
    } catch (err) {
      // Left for the importer to warn about, as for a bad zip entry.
      return { id, error: err instanceof Error ? err.message : String(err) };
    }
  });
  return records.filter((r) => r !== undefined);
}
