// Which advisory entries can apply to an installed rpm beyond its name and
// version: module streams, and SUSE's list of the binaries a source built.
import type { Package } from "../inventory/types.js";
import type { Advisory } from "../vulndb/index.js";
import type { OsvAffected } from "./osv-types.js";
import type { MatchTarget } from "./targets.js";

/** A release built for a module stream: `1.module_el8.8.0+3609+204d4ab0`, `2.module+el9.8.0+24958+80b2ac6e`. */
const MODULE_BUILD = /\.module[_+]el\d/;

/** `name:stream` mentioned in text, as advisories title them: "mariadb:10.3 security update". */
const STREAM_TOKEN = /(?:^|[\s(])([a-z0-9][\w.+-]*):([a-z0-9][\w.+-]*[a-z0-9])/gi;

export function entryApplies(
  entry: OsvAffected,
  advisory: Advisory,
  pkg: Package,
  target: MatchTarget,
): boolean {
  if (pkg.type !== "rpm") return true;
  return moduleAllows(entry, advisory, pkg) && binariesAllow(entry, pkg, target);
}

/**
 * A modular package (one with a MODULARITYLABEL) only takes fixes built for
 * its own stream, and a non-modular one only non-modular fixes: without
 * this, a `postgresql:10` package is "affected" by every `postgresql:12` fix.
 * The stream of a fix is told by its release (`.module_el8…`) and by the
 * stream the advisory names (`ecosystem_specific.module`, else the summary).
 */
export function moduleAllows(entry: OsvAffected, advisory: Advisory, pkg: Package): boolean {
  const label = pkg.metadata?.modularitylabel;
  const pkgModular = Boolean(label) || MODULE_BUILD.test(pkg.version);
  const builds = boundVersions(entry);
  if (builds.length > 0 && builds.some((v) => MODULE_BUILD.test(v)) !== pkgModular) return false;
  if (!label) return true;

  const [name, stream] = label.split(":");
  const named = streamsNamed(entry, advisory).filter((s) => s.name === name);
  return named.length === 0 || named.some((s) => s.stream === stream);
}

/** The versions an entry names other than "0": the builds its ranges were drawn from. */
function boundVersions(entry: OsvAffected): string[] {
  const events = (entry.ranges ?? []).flatMap((r) => r.events);
  const bounds = events.flatMap((e) => [e.introduced, e.fixed, e.last_affected]);
  return [...bounds, ...(entry.versions ?? [])].filter(
    (v): v is string => v !== undefined && v !== "0",
  );
}

function streamsNamed(entry: OsvAffected, advisory: Advisory): { name: string; stream: string }[] {
  const declared = entry.ecosystem_specific?.module;
  const text = typeof declared === "string" ? ` ${declared}` : (advisory.summary ?? "");
  return [...text.matchAll(STREAM_TOKEN)].map((m) => ({
    name: m[1] as string,
    stream: m[2] as string,
  }));
}

/**
 * SUSE keys by source rpm and lists the binaries that source built in
 * `ecosystem_specific.binaries` (names, or objects keyed by name). When the
 * list is there, a binary that is not on it does not match.
 */
function binariesAllow(entry: OsvAffected, pkg: Package, target: MatchTarget): boolean {
  const binaries = entry.ecosystem_specific?.binaries;
  if (target.key !== "source" || !Array.isArray(binaries)) return true;
  const names = binaries.flatMap((b: unknown) =>
    typeof b === "string" ? [b] : b && typeof b === "object" ? Object.keys(b) : [],
  );
  return names.length === 0 || names.includes(pkg.name);
}
