// The Debian security tracker's JSON (`<package> → <CVE> → releases →
// <codename> → {status, fixed_version, urgency, nodsa, nodsa_reason}`) as OSV
// records in ecosystems "Debian:<number>". What OSV's DSA records leave out is
// kept: a release that is affected with no fix coming says why, as a status
// note the matcher puts on the finding. Pure: decoded JSON in, records out.
import { DEBIAN_RELEASES } from "../inventory/debian-releases.js";
import type { OsvAffected, OsvRecord } from "./osv-record.js";

export const DEBIAN_TRACKER_FEED = "debian-tracker";

const RELEASES = DEBIAN_RELEASES;

export interface TrackerWarning {
  entry: string;
  reason: string;
}

export interface TrackerFeed {
  records: OsvRecord[];
  warnings: TrackerWarning[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * Recognised by shape: an object of packages, each an object of issues
 * (CVE-… or TEMP-…) that have `releases`. Looks at the first few only.
 */
export function isDebianTracker(value: unknown): value is Json {
  if (!isObject(value)) return false;
  const packages = Object.values(value).slice(0, 5);
  if (packages.length === 0) return false;
  return packages.every((issues) => {
    if (!isObject(issues)) return false;
    const first = Object.entries(issues)[0];
    return first !== undefined && /^(CVE|TEMP)-/.test(first[0]) && isObject(first[1]);
  });
}

/** The tracker's urgency as a severity word; "**" marks a guess from the NVD score. */
function severityWord(urgency: string | undefined): string | undefined {
  const word = urgency?.replace(/\*+$/, "").trim();
  switch (word) {
    case "unimportant":
      return "negligible";
    case "low":
    case "medium":
    case "high":
      return word;
    default:
      // "not yet assigned", "end-of-life", "unknown": no rating.
      return undefined;
  }
}

/**
 * Why a release is affected and what Debian plans to do about it, in words a
 * reader of a finding can act on; undefined for a plain open issue.
 */
export function statusNote(release: Json, codename: string): string | undefined {
  const urgency = str(release.urgency)?.replace(/\*+$/, "");
  const nodsa = str(release.nodsa);
  const reason = str(release.nodsa_reason);
  const why = nodsa ? `: ${nodsa}` : "";

  if (urgency === "end-of-life") {
    return `end-of-life: Debian no longer provides security support for this package in ${codename}`;
  }
  if (reason === "postponed") return `postponed: Debian will fix this in a later update${why}`;
  if (reason === "ignored") return `ignored: Debian will not fix this in ${codename}${why}`;
  if (nodsa !== undefined)
    return `no-dsa: minor issue, no advisory; a fix may come in a point release${why}`;
  if (urgency === "unimportant") {
    return "unimportant: Debian does not treat this as a security issue in its packages";
  }
  if (release.status === "undetermined") {
    return `undetermined: Debian has not yet decided whether ${codename} is affected`;
  }
  return undefined;
}

function affectedEntry(pkg: string, codename: string, release: Json): OsvAffected | undefined {
  const number = RELEASES[codename];
  if (!number) return undefined;
  const status = str(release.status);
  const fixed = str(release.fixed_version);

  // note: a fix in "0" means the release never had the flaw.
  if (status === "resolved" && (fixed === "0" || fixed === undefined)) return undefined;
  if (status !== "resolved" && status !== "open" && status !== "undetermined") return undefined;

  const events: { introduced?: string; fixed?: string }[] = [{ introduced: "0" }];
  if (status === "resolved" && fixed) events.push({ fixed });
  const entry: OsvAffected = {
    package: { ecosystem: `Debian:${number}`, name: pkg },
    ranges: [{ type: "ECOSYSTEM", events }],
    versions: [],
    database_specific: { debian: { codename, ...release, repositories: undefined } },
  };

  const severity = severityWord(str(release.urgency));
  if (severity) entry.ecosystem_specific = { severity };
  const note = statusNote(release, codename);
  if (note && entry.database_specific) entry.database_specific.status_note = note;
  return entry;
}

export function parseDebianTracker(value: Json): TrackerFeed {
  const byId = new Map<string, OsvRecord>();
  const warnings: TrackerWarning[] = [];

  for (const [pkg, issues] of Object.entries(value)) {
    if (!isObject(issues)) {
      warnings.push({ entry: pkg, reason: "package entry is not an object" });
      continue;
    }
    for (const [id, issue] of Object.entries(issues)) {
      if (!isObject(issue) || !isObject(issue.releases)) {
        warnings.push({ entry: `${pkg}/${id}`, reason: "issue has no releases" });
        continue;
      }
      for (const [codename, release] of Object.entries(issue.releases)) {
        if (!isObject(release)) continue;
        const entry = affectedEntry(pkg, codename, release);
        if (!entry) continue;

        let record = byId.get(id);
        if (!record) {
          record = { id, aliases: [], severity: [], affected: [], references: [] };
          const details = str(issue.description);
          if (details) record.details = details;
          record.references.push({
            type: "ADVISORY",
            url: `https://security-tracker.debian.org/tracker/${id}`,
          });
          byId.set(id, record);
        }
        record.affected.push(entry);
      }
    }
  }
  return { records: [...byId.values()], warnings };
}

/** The note the importer put on an affected entry, for the matcher to show. */
export function statusNoteOf(entry: {
  database_specific?: Record<string, unknown>;
}): string | undefined {
  return str(entry.database_specific?.status_note);
}
