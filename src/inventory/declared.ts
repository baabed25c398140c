import { pep503Name } from "./names.js";
import type { Package } from "./types.js";

/**
 * Folds what lockfiles declare into what is installed, project by project.
 *
 * A lockfile's project is its folder; an installed package belongs to the
 * deepest such folder above it (`/app/node_modules/x` to `/app/package-lock.json`).
 * Where a project has installed packages of the lockfile's type:
 * - a declared package that is installed is reported once, as the installed
 *   record, which takes the lockfile's `dependency` (npm records are paired
 *   by install location first, so two copies of one version keep theirs);
 * - a declared package that is not installed is dropped: the installed tree
 *   is what the image holds, and a lockfile also lists development and
 *   other platforms' optional packages that were never installed.
 * A lockfile with nothing installed beside it is all there is to go by: its
 * records stay, marked `declared`, development-only ones too (issue 4).
 */
export function mergeDeclared(packages: readonly Package[]): Package[] {
  const declared = packages.filter((p) => p.declared);
  if (declared.length === 0) return [...packages];

  const projects = [...new Set(declared.map(projectOf))];
  const installed = new Map<string, Package[]>();
  for (const p of packages.filter((x) => !x.declared)) {
    const owner = ownerOf(p, projects);
    if (owner) installed.set(owner, [...(installed.get(owner) ?? []), p]);
  }

  const merged = new Map<Package, Package>();
  const kept: Package[] = [];
  for (const d of declared) {
    const pool = installed.get(projectOf(d));
    if (!pool) {
      kept.push(d);
      continue;
    }
    const copy = installedCopy(d, pool);
    if (copy) merged.set(copy, withDependency(merged.get(copy) ?? copy, d.dependency));
  }
  return [...packages.filter((p) => !p.declared).map((p) => merged.get(p) ?? p), ...kept];
}

function projectOf(p: Package): string {
  return `${p.path.slice(0, p.path.lastIndexOf("/"))}\0${p.type}`;
}

/** The deepest project folder above the installed package, for its type. */
function ownerOf(p: Package, projects: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const project of projects) {
    const [dir, type] = project.split("\0");
    if (type !== p.type || !p.path.startsWith(`${dir}/`)) continue;
    if (!best || project.length > best.length) best = project;
  }
  return best;
}

function installedCopy(d: Package, pool: readonly Package[]): Package | undefined {
  const same = pool.filter((p) => p.version === d.version && sameName(p, d));
  const at = d.metadata?.installPath;
  const dir = d.path.slice(0, d.path.lastIndexOf("/"));
  return same.find((p) => at !== undefined && p.path === `${dir}/${at}/package.json`) ?? same[0];
}

/** Names as each ecosystem compares them: PyPI by PEP 503, NuGet and Composer without case. */
function sameName(a: Package, b: Package): boolean {
  if (a.type === "pypi") return pep503Name(a.name) === pep503Name(b.name);
  if (a.type === "nuget" || a.type === "composer")
    return a.name.toLowerCase() === b.name.toLowerCase();
  return a.name === b.name;
}

/** A package named by the project and also needed by another is still direct. */
function withDependency(p: Package, dependency: Package["dependency"]): Package {
  if (!dependency || p.dependency === "direct") return p;
  return { ...p, dependency };
}
