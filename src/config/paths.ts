import { homedir } from "node:os";
import path from "node:path";

/**
 * Where vigil keeps its database and caches: --cache-dir, then VIGIL_CACHE_DIR,
 * then $XDG_CACHE_HOME/vigil, then ~/.cache/vigil. vigil writes nowhere else
 * (apart from --output).
 */
export function cacheDir(explicit?: string): string {
  if (explicit) return path.resolve(explicit);
  if (process.env.VIGIL_CACHE_DIR) return path.resolve(process.env.VIGIL_CACHE_DIR);
  const xdg = process.env.XDG_CACHE_HOME;
  return path.join(xdg ? xdg : path.join(homedir(), ".cache"), "vigil");
}

/** The vulnerability database: --db, then VIGIL_DB, then `<cache>/db/vigil.db`. */
export function dbPath(opts: { db?: string; cacheDir?: string }): string {
  if (opts.db) return path.resolve(opts.db);
  if (process.env.VIGIL_DB) return path.resolve(process.env.VIGIL_DB);
  return path.join(cacheDir(opts.cacheDir), "db", "vigil.db");
}
