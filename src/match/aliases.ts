/**
 * Groups advisories that describe the same vulnerability: two records are one
 * when either lists the other's id (or a shared id) among its aliases.
 */
export function groupByAlias<T>(items: readonly T[], idsOf: (item: T) => string[]): T[][] {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(id, root);
    return root;
  };
  const union = (a: string, b: string) => parent.set(find(a), find(b));

  for (const item of items) {
    const ids = idsOf(item);
    for (const id of ids) if (!parent.has(id)) parent.set(id, id);
    for (const id of ids.slice(1)) union(ids[0] as string, id);
  }

  const groups = new Map<string, T[]>();
  for (const item of items) {
    const root = find(idsOf(item)[0] as string);
    groups.set(root, [...(groups.get(root) ?? []), item]);
  }
  return [...groups.values()];
}

/** The id people search for: a CVE when there is one, else the first id in sort order. */
export function primaryId(ids: readonly string[]): string {
  const sorted = [...new Set(ids)].sort();
  return sorted.find((id) => id.startsWith("CVE-")) ?? (sorted[0] as string);
}
