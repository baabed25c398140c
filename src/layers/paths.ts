/**
 * Tar entry names are untrusted. A name is reduced to a clean relative path;
 * `..` components and absolute names are refused rather than "fixed", since a
 * layer that carries them was made by hand or to attack whoever unpacks it.
 */
export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

export function normalizeEntryPath(name: string): PathCheck {
  if (name.startsWith("/")) return { ok: false, reason: "absolute path" };
  if (name.includes("\0")) return { ok: false, reason: "NUL byte in name" };

  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") return { ok: false, reason: "'..' component" };
    parts.push(part);
  }
  return { ok: true, path: parts.join("/") };
}

/** Parent directories of a path, nearest first: `a/b/c` → `a/b`, `a`. */
export function ancestors(path: string): string[] {
  const out: string[] = [];
  let slash = path.lastIndexOf("/");
  while (slash > 0) {
    const parent = path.slice(0, slash);
    out.push(parent);
    slash = parent.lastIndexOf("/");
  }
  return out;
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}
