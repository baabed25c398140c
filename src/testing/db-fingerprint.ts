// Test-only: what a vulnerability DB answers, without timestamps, so two DBs
// (before and after an update, or built two ways) compare as equal or not.
import Database from "better-sqlite3";

export function dbFingerprint(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const feeds = db.prepare("SELECT name, kind, records FROM feeds ORDER BY name").all() as {
      name: string;
      kind: string;
      records: number;
    }[];
    const advisories = db
      .prepare(
        `SELECT a.feed, a.id, a.modified, p.ecosystem, p.name, p.entries, p.severity
         FROM advisories a JOIN affected p ON p.advisory = a.pk
         ORDER BY a.feed, a.id, p.ecosystem, p.name`,
      )
      .all();
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    const kev = tables.includes("kev") ? db.prepare("SELECT * FROM kev ORDER BY cve").all() : [];
    const epss = tables.includes("epss") ? db.prepare("SELECT * FROM epss ORDER BY cve").all() : [];
    return JSON.stringify({ feeds, advisories, kev, epss });
  } finally {
    db.close();
  }
}
