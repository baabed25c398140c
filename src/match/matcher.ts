import type { Inventory, Package } from "../inventory/types.js";
import { schemeForEcosystem } from "../version/index.js";
import type { Advisory, VulnDb } from "../vulndb/index.js";
import { severityRank } from "../vulndb/severity.js";
import { groupByAlias, primaryId } from "./aliases.js";
import { withExploitData } from "./exploit.js";
import { evaluateAffected } from "./osv-range.js";
import type { OsvAffected } from "./osv-types.js";
import { entryApplies } from "./rpm-entries.js";
import { matchTargets, type MatchTarget, type TargetOptions } from "./targets.js";
import type { Finding, Severity } from "./types.js";

/** An advisory that matched one package, with the fix its range names. */
interface Hit {
  advisory: Advisory;
  ecosystem: string;
  fixedVersion?: string;
}

const MAX_REFERENCES = 8;

/**
 * Matches every package of an inventory against the DB: one finding per
 * package and vulnerability, with the advisories that are aliases of each
 * other (a CVE, its GHSA, a distro's record of it) merged into one.
 */
export function matchInventory(
  inventory: Inventory,
  db: VulnDb,
  opts: TargetOptions = {},
): Finding[] {
  const findings: Finding[] = [];
  let ecosystems: readonly string[] | undefined;
  const known = () => (ecosystems ??= db.ecosystems());
  for (const pkg of inventory.packages) {
    // A package looked up by binary and by source name may meet one advisory twice.
    const hits = new Map<string, Hit>();
    for (const target of matchTargets(pkg, inventory.os, known, opts)) {
      for (const hit of hitsFor(pkg, target, db)) {
        if (!hits.has(hit.advisory.id)) hits.set(hit.advisory.id, hit);
      }
    }
    findings.push(...groupByAlias([...hits.values()], idsOf).map((group) => toFinding(pkg, group)));
  }
  return withExploitData(findings, db);
}

function hitsFor(pkg: Package, target: MatchTarget, db: VulnDb): Hit[] {
  const hits: Hit[] = [];
  for (const advisory of db.advisoriesFor(target.ecosystems, target.name)) {
    // Withdrawn advisories were retracted by their publisher: not a finding.
    if (advisory.withdrawn) continue;

    for (const entry of advisory.affected) {
      if (!entryApplies(entry as OsvAffected, advisory, pkg, target)) continue;
      const result = evaluateAffected(entry as OsvAffected, target.version);
      if (!result.affected) continue;
      hits.push({
        advisory,
        ecosystem: entry.package.ecosystem,
        fixedVersion: result.fixedVersion,
      });
      break;
    }
  }
  return hits;
}

function idsOf(hit: Hit): string[] {
  const a = hit.advisory;
  return [a.id, ...a.aliases, ...(a.upstream ?? [])];
}

function toFinding(pkg: Package, group: Hit[]): Finding {
  const ids = group.flatMap(idsOf);
  const id = primaryId(ids);
  const best = [...group].sort((a, b) => rank(b) - rank(a))[0] as Hit;
  const fixes = group.map((h) => h.fixedVersion).filter((v): v is string => v !== undefined);
  const fixedVersion = highest(fixes, best.ecosystem);
  const cvss = best.advisory.severity.cvss;

  return {
    id,
    aliases: [...new Set(ids)].filter((x) => x !== id).sort(),
    package: pkg,
    status: fixedVersion ? "fixed" : "affected",
    statusNote: group.map((h) => h.advisory.statusNote).find(Boolean),
    fixedVersion,
    severity: severityOf(best),
    cvss: cvss ? { score: cvss.score, vector: cvss.vector, version: cvss.type } : undefined,
    title: group.map((h) => h.advisory.summary).find(Boolean) ?? firstLine(group),
    published: best.advisory.published,
    sources: [...new Set(group.map((h) => h.advisory.source))].sort(),
    ecosystem: best.ecosystem,
    references: [...new Set(group.flatMap((h) => h.advisory.references.map((r) => r.url)))]
      .sort()
      .slice(0, MAX_REFERENCES),
  };
}

/** The most severe rating wins; a rating from a scored vector beats a bare word. */
function rank(hit: Hit): number {
  const s = hit.advisory.severity;
  return severityRank(s.label) * 2 + (s.source === "cvss" ? 1 : 0);
}

function severityOf(hit: Hit): Severity {
  const s = hit.advisory.severity;
  if (s.label === "NONE") return "NEGLIGIBLE";
  if (s.raw?.toLowerCase() === "negligible") return "NEGLIGIBLE";
  return s.label;
}

/** When sources disagree on the fix, the highest version satisfies all of them. */
function highest(versions: string[], ecosystem: string): string | undefined {
  const scheme = schemeForEcosystem(ecosystem);
  if (versions.length === 0) return undefined;
  if (!scheme) return versions[0];
  return versions.reduce((a, b) => (scheme.compare(a, b) >= 0 ? a : b));
}

function firstLine(group: Hit[]): string | undefined {
  const details = group.map((h) => h.advisory.details).find(Boolean);
  return details?.split("\n")[0]?.slice(0, 120);
}
