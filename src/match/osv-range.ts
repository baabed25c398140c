// Whether a package version is affected by an OSV advisory, following the
// schema's "Evaluation" pseudocode (ossf.github.io/osv-schema/#evaluation):
// affected if the version is in any SEMVER/ECOSYSTEM range, or in `versions`.
import { schemeForEcosystem, schemeForRangeType } from "../version/index.js";
import type { VersionScheme } from "../version/types.js";
import type { OsvAffected, OsvEvent, OsvRange } from "./osv-types.js";

export interface RangeResult {
  affected: boolean;
  /**
   * The lowest `fixed` above the version in the range that matched. When
   * several ranges match, the highest of their fixes (the first version that
   * leaves all of them); absent if any matching range has no fix.
   */
  fixedVersion?: string;
  /** SEMVER/ECOSYSTEM ranges skipped because the ecosystem has no ordering here yet. */
  unevaluatedRanges?: number;
}

export interface PackageRef {
  /** Compared exactly with `affected[].package.ecosystem`, e.g. `npm`, `Debian:12`. */
  ecosystem: string;
  name: string;
}

type EventKind = keyof OsvEvent;

interface Event {
  kind: EventKind;
  version: string;
}

/** One range the version fell in, and what it says fixes it. */
interface RangeHit {
  fixed?: string;
  scheme: VersionScheme;
}

interface EntryHits {
  ranges: RangeHit[];
  listed: boolean;
  unevaluated: number;
}

// For events on the same version: opening before closing, so that
// `introduced: X, fixed: X` is an empty range rather than everything from X.
const KIND_ORDER: Record<EventKind, number> = {
  introduced: 0,
  last_affected: 1,
  fixed: 2,
  limit: 3,
};

/**
 * Evaluates one `affected[]` entry for a version of its package. The caller
 * has already checked that the entry names the package (see
 * `evaluatePackage`).
 */
export function evaluateAffected(entry: OsvAffected, version: string): RangeResult {
  return summarize([hitsFor(entry, version)], version);
}

/** Evaluates every entry of a record's `affected[]` that names `pkg`. */
export function evaluatePackage(
  entries: readonly OsvAffected[],
  pkg: PackageRef,
  version: string,
): RangeResult {
  const named = entries.filter(
    (entry) => entry.package?.ecosystem === pkg.ecosystem && entry.package.name === pkg.name,
  );
  if (named.length === 0) return { affected: false };

  return summarize(
    named.map((entry) => hitsFor(entry, version)),
    version,
  );
}

function summarize(entries: EntryHits[], version: string): RangeResult {
  const ranges = entries.flatMap((entry) => entry.ranges);
  const unevaluated = entries.reduce((sum, entry) => sum + entry.unevaluated, 0);

  // note: an empty version means the scanner could not read one. osv-scalibr
  // counts that as affected (osv-range-eval.tsv), and so do we: a finding to
  // check beats a silent pass.
  const known = version !== "";
  const result: RangeResult = {
    affected: !known || ranges.length > 0 || entries.some((entry) => entry.listed),
  };

  const fixed = known ? highestFix(ranges) : undefined;
  if (fixed !== undefined) result.fixedVersion = fixed;
  if (unevaluated > 0) result.unevaluatedRanges = unevaluated;
  return result;
}

function hitsFor(entry: OsvAffected, version: string): EntryHits {
  const ecosystem = entry.package?.ecosystem ?? "";
  const hits: EntryHits = { ranges: [], listed: false, unevaluated: 0 };

  for (const range of entry.ranges ?? []) {
    // GIT ranges need the repository's commit graph; `versions` covers them.
    if (range.type === "GIT") continue;

    const scheme = rangeScheme(range, ecosystem);
    if (scheme === undefined) {
      hits.unevaluated++;
      continue;
    }
    const hit = evaluateRange(range, version, scheme);
    if (hit !== undefined) hits.ranges.push(hit);
  }

  hits.listed = isListed(entry.versions ?? [], version, schemeForEcosystem(ecosystem));
  return hits;
}

function rangeScheme(range: OsvRange, ecosystem: string): VersionScheme | undefined {
  if (range.type !== "SEMVER" && range.type !== "ECOSYSTEM") return undefined;
  return schemeForRangeType(range.type, ecosystem);
}

/**
 * The schema's IncludedInRanges for one range: walk the events in version
 * order, each `introduced` at or below the version opening it, each `fixed`
 * at or below (or `last_affected` below) closing it. The order the events
 * are written in does not matter.
 *
 * note: versions the scheme would reject (`0.0.0.1` or `2.0.0rc2` for npm)
 * are still ordered, leniently, rather than skipped: osv-range-eval.tsv
 * expects them to match, and a skipped version would be a silent pass.
 */
function evaluateRange(
  range: OsvRange,
  version: string,
  scheme: VersionScheme,
): RangeHit | undefined {
  const events = flatten(range.events);
  if (!isBelowLimits(events, version, scheme)) return undefined;

  let affected = false;
  for (const event of sortEvents(events, scheme)) {
    affected = applyEvent(event, version, scheme, affected);
  }
  if (!affected) return undefined;

  return { fixed: lowestFixAbove(events, version, scheme), scheme };
}

function applyEvent(
  event: Event,
  version: string,
  scheme: VersionScheme,
  affected: boolean,
): boolean {
  switch (event.kind) {
    case "introduced":
      return isZeroIntroduced(event) || scheme.compare(version, event.version) >= 0
        ? true
        : affected;
    case "fixed":
      return scheme.compare(version, event.version) >= 0 ? false : affected;
    case "last_affected":
      return scheme.compare(version, event.version) > 0 ? false : affected;
    case "limit":
      return affected;
  }
}

/** No limit events means no limit; otherwise the version must be below one of them. */
function isBelowLimits(events: Event[], version: string, scheme: VersionScheme): boolean {
  const limits = events.filter((event) => event.kind === "limit");
  if (limits.length === 0) return true;

  // A limit containing "*" stands for infinity.
  return limits.some(
    (limit) => limit.version.includes("*") || scheme.compare(version, limit.version) < 0,
  );
}

function lowestFixAbove(
  events: Event[],
  version: string,
  scheme: VersionScheme,
): string | undefined {
  let lowest: string | undefined;

  for (const event of events) {
    if (event.kind !== "fixed" || scheme.compare(event.version, version) <= 0) continue;
    if (lowest === undefined || scheme.compare(event.version, lowest) < 0) lowest = event.version;
  }
  return lowest;
}

function highestFix(hits: RangeHit[]): string | undefined {
  let highest: RangeHit | undefined;

  for (const hit of hits) {
    if (hit.fixed === undefined) return undefined;
    if (highest?.fixed === undefined || hit.scheme.compare(hit.fixed, highest.fixed) > 0)
      highest = hit;
  }
  return highest?.fixed;
}

/** `introduced: "0"` sorts before every version, whatever the scheme thinks of "0". */
function sortEvents(events: Event[], scheme: VersionScheme): Event[] {
  return [...events].sort((a, b) => {
    const zeroA = isZeroIntroduced(a);
    const zeroB = isZeroIntroduced(b);
    if (zeroA || zeroB) return Number(zeroB) - Number(zeroA);

    return scheme.compare(a.version, b.version) || KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  });
}

function isZeroIntroduced(event: Event): boolean {
  return event.kind === "introduced" && event.version === "0";
}

/** One Event per field: an event object the schema forbids (two fields) still counts. */
function flatten(events: readonly OsvEvent[]): Event[] {
  const kinds: EventKind[] = ["introduced", "fixed", "last_affected", "limit"];

  return events.flatMap((event) =>
    kinds.flatMap((kind) => {
      const version = event[kind];
      return version === undefined ? [] : [{ kind, version }];
    }),
  );
}

/**
 * The schema's IncludedInVersions. Besides the exact string, a version the
 * ecosystem's ordering calls equal counts (`1:1.0` and `1:1.0-0` in Debian).
 */
function isListed(versions: readonly string[], version: string, scheme?: VersionScheme): boolean {
  return versions.some((listed) => listed === version || scheme?.compare(listed, version) === 0);
}
