// Alpine's secdb (`{distroversion, reponame, packages[].pkg.{name, secfixes}}`)
// as OSV records: one record per identifier, one affected entry per package
// fix, ecosystem "Alpine:<distroversion>". Pure: decoded JSON in, records out.
import type { OsvAffected, OsvRecord } from "./osv-record.js";

export interface SecdbWarning {
  /** `<package>@<fixed version>`, the spot in the file the warning is about. */
  entry: string;
  reason: string;
}

export interface SecdbFeed {
  /** "alpine-secdb:v3.10/main" */
  name: string;
  ecosystem: string;
  records: OsvRecord[];
  warnings: SecdbWarning[];
}

interface SecdbShape {
  distroversion: string;
  reponame: string;
  packages: unknown;
}

/** Recognised by shape. An empty repo's `packages` is null (or "", as v3.3/community.json has it). */
export function isAlpineSecdb(value: unknown): value is SecdbShape {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.distroversion === "string" && typeof v.reponame === "string" && "packages" in v;
}

const CVE = /^CVE-(\d{4})-(\d{4,})/;
const OTHER_ID = /^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+$/;

export interface SecfixIds {
  cves: string[];
  others: string[];
}

/**
 * The identifiers in one secfixes string. Real entries carry more than a CVE
 * id: "CVE-2018-7540 XSA-252", "CVE-2018-14462 (ICMP)", "CVE 2019-9917",
 * "CVE_2019-2426", "CVE-2017-17434-1", "CVE-2019-5010.patch", "XSA-248",
 * "CVE-????-?????  XSA-295". Free text in parentheses is dropped, a CVE id is
 * cut to its year and number, and a placeholder CVE yields nothing.
 */
export function parseSecfix(text: string): SecfixIds {
  const cleaned = text.replace(/\([^)]*\)/g, " ").replace(/\bCVE[\s_]+(?=\d{4}-)/gi, "CVE-");
  const ids: SecfixIds = { cves: [], others: [] };

  for (const token of cleaned.split(/\s+/)) {
    const cve = CVE.exec(token.toUpperCase());
    if (cve) {
      const id = `CVE-${cve[1]}-${cve[2]}`;
      if (!ids.cves.includes(id)) ids.cves.push(id);
    } else if (OTHER_ID.test(token) && !/^CVE-/i.test(token) && !ids.others.includes(token)) {
      ids.others.push(token);
    }
  }
  return ids;
}

/** "v3.10" stays, "3.10" becomes "v3.10": OSV spells Alpine releases with the v. */
function releaseOf(distroversion: string): string {
  return /^\d/.test(distroversion) ? `v${distroversion}` : distroversion;
}

interface Builder {
  record: OsvRecord;
  /** Packages already in `affected`, to keep one entry per package and fix. */
  seen: Set<string>;
}

export function parseAlpineSecdb(value: SecdbShape): SecdbFeed {
  const release = releaseOf(value.distroversion);
  const ecosystem = `Alpine:${release}`;
  const byId = new Map<string, Builder>();
  const warnings: SecdbWarning[] = [];

  const add = (id: string, aliases: string[], affected: OsvAffected): void => {
    let builder = byId.get(id);
    if (!builder) {
      builder = {
        record: { id, aliases: [], severity: [], affected: [], references: [] },
        seen: new Set(),
      };
      byId.set(id, builder);
    }
    for (const alias of aliases) {
      if (alias !== id && !builder.record.aliases.includes(alias))
        builder.record.aliases.push(alias);
    }
    const key = `${affected.package.name}\0${affected.ranges[0]?.events[1]?.fixed}`;
    if (builder.seen.has(key)) return;
    builder.seen.add(key);
    builder.record.affected.push(affected);
  };

  const packages = Array.isArray(value.packages) ? value.packages : [];
  if (!Array.isArray(value.packages) && value.packages !== null && value.packages !== "") {
    warnings.push({ entry: "packages", reason: "packages is not a list" });
  }

  for (const [index, item] of packages.entries()) {
    const pkg = (item as { pkg?: { name?: unknown; secfixes?: unknown } } | null)?.pkg;
    if (typeof pkg?.name !== "string" || pkg.name === "") {
      warnings.push({ entry: `packages[${index}]`, reason: "no package name" });
      continue;
    }
    if (pkg.secfixes === undefined || pkg.secfixes === null) continue;
    if (typeof pkg.secfixes !== "object" || Array.isArray(pkg.secfixes)) {
      warnings.push({ entry: pkg.name, reason: "secfixes is not a map" });
      continue;
    }

    for (const [fixed, texts] of Object.entries(pkg.secfixes)) {
      const entry = `${pkg.name}@${fixed}`;
      // note: a fix in "0" means Alpine never shipped the flaw; nothing is affected.
      if (fixed === "0") continue;
      if (!Array.isArray(texts) || !texts.every((t) => typeof t === "string")) {
        warnings.push({ entry, reason: "fix list is not a list of strings" });
        continue;
      }

      for (const text of texts as string[]) {
        const ids = parseSecfix(text);
        const primary = ids.cves.length > 0 ? ids.cves : ids.others.slice(0, 1);
        if (primary.length === 0) {
          warnings.push({ entry, reason: `no identifier in ${JSON.stringify(text)}` });
          continue;
        }
        const aliases = ids.cves.length > 0 ? ids.others : ids.others.slice(1);
        for (const id of primary) add(id, aliases, affectedEntry(ecosystem, pkg.name, fixed, text));
      }
    }
  }

  const records = [...byId.values()].map((b) => b.record);
  return { name: `alpine-secdb:${release}/${value.reponame}`, ecosystem, records, warnings };
}

// note: a CVE listed under two fixes of one package (a regression re-fixed)
// keeps both entries; OSV reads them as "affected if either says so".
function affectedEntry(ecosystem: string, name: string, fixed: string, text: string): OsvAffected {
  return {
    package: { ecosystem, name },
    ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }],
    versions: [],
    database_specific: { secfix: text },
  };
}
