// Exploitability data keyed by CVE: CISA's Known Exploited Vulnerabilities
// catalog (JSON) and FIRST's EPSS scores (CSV, usually gzipped). Parsers are
// pure; the writers replace their table inside the DB under construction.
import type Database from "better-sqlite3";

import { VigilError } from "../errors.js";

export interface KevEntry {
  cve: string;
  dateAdded: string;
  dueDate?: string;
  ransomware?: string;
  name?: string;
}

export interface EpssEntry {
  cve: string;
  score: number;
  percentile: number;
}

export interface EnrichmentWarning {
  entry: string;
  reason: string;
}

export interface KevCatalog {
  version?: string;
  released?: string;
  entries: KevEntry[];
  warnings: EnrichmentWarning[];
}

export interface EpssScores {
  modelVersion?: string;
  scoreDate?: string;
  entries: EpssEntry[];
  warnings: EnrichmentWarning[];
}

const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
const DATE = /^\d{4}-\d\d-\d\d$/;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The catalog's required top-level fields (known_exploited_vulnerabilities_schema.json). */
export function isKevCatalog(value: unknown): value is Json {
  return isObject(value) && "catalogVersion" in value && Array.isArray(value.vulnerabilities);
}

export function parseKev(value: Json): KevCatalog {
  const catalog: KevCatalog = { entries: [], warnings: [] };
  if (typeof value.catalogVersion === "string") catalog.version = value.catalogVersion;
  if (typeof value.dateReleased === "string") catalog.released = value.dateReleased;

  for (const [index, item] of (value.vulnerabilities as unknown[]).entries()) {
    const v = isObject(item) ? item : {};
    const cve = typeof v.cveID === "string" ? v.cveID.trim() : "";
    const entry = cve || `vulnerabilities[${index}]`;
    if (!CVE_ID.test(cve)) {
      catalog.warnings.push({ entry, reason: "cveID is not a CVE id" });
      continue;
    }
    if (typeof v.dateAdded !== "string" || !DATE.test(v.dateAdded)) {
      catalog.warnings.push({ entry, reason: "dateAdded is not a date" });
      continue;
    }
    const kev: KevEntry = { cve, dateAdded: v.dateAdded };
    if (typeof v.dueDate === "string" && DATE.test(v.dueDate)) kev.dueDate = v.dueDate;
    if (typeof v.knownRansomwareCampaignUse === "string") {
      kev.ransomware = v.knownRansomwareCampaignUse;
    }
    if (typeof v.vulnerabilityName === "string") kev.name = v.vulnerabilityName;
    catalog.entries.push(kev);
  }
  return catalog;
}

/** EPSS CSV starts with `#model_version:…,score_date:…` or directly with its header. */
export function looksLikeEpss(text: string): boolean {
  return /^(#model_version:[^\n]*\n)?cve,epss,percentile\r?$/m.test(text.slice(0, 512));
}

function badEpss(reason: string): VigilError {
  return new VigilError("BAD_FEED", `EPSS data: ${reason}`, {
    hint: "expected FIRST's CSV: `#model_version:…,score_date:…`, then `cve,epss,percentile`",
  });
}

export function parseEpss(text: string): EpssScores {
  const lines = text.split("\n");
  const scores: EpssScores = { entries: [], warnings: [] };
  let at = 0;

  const first = lines[0]?.trim() ?? "";
  if (first.startsWith("#")) {
    for (const part of first.slice(1).split(",")) {
      const [key, ...rest] = part.split(":");
      const value = rest.join(":").trim();
      if (key === "model_version" && value) scores.modelVersion = value;
      if (key === "score_date" && value) scores.scoreDate = value;
    }
    at = 1;
  }
  if (!scores.scoreDate) scores.warnings.push({ entry: "line 1", reason: "no score_date" });

  const header = lines[at]?.trim();
  if (header !== "cve,epss,percentile") {
    throw badEpss(`unexpected header ${JSON.stringify(header ?? "")}`);
  }

  for (let i = at + 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    const [cve = "", score, percentile] = line.split(",");
    const s = Number(score);
    const p = Number(percentile);
    const valid = (n: number) => score !== "" && Number.isFinite(n) && n >= 0 && n <= 1;
    if (!CVE_ID.test(cve) || !valid(s) || !valid(p) || percentile === undefined) {
      scores.warnings.push({
        entry: `line ${i + 1}`,
        reason: `not a score row: ${line.slice(0, 60)}`,
      });
      continue;
    }
    scores.entries.push({ cve, score: s, percentile: p });
  }
  return scores;
}

export function writeKev(db: Database.Database, entries: KevEntry[]): void {
  db.exec("DELETE FROM kev");
  const insert = db.prepare(
    `INSERT OR REPLACE INTO kev (cve, date_added, due_date, ransomware, name)
     VALUES (?, ?, ?, ?, ?)`,
  );
  for (const e of entries) {
    insert.run(e.cve, e.dateAdded, e.dueDate ?? null, e.ransomware ?? null, e.name ?? null);
  }
}

export function writeEpss(db: Database.Database, entries: EpssEntry[]): void {
  db.exec("DELETE FROM epss");
  const insert = db.prepare(
    "INSERT OR REPLACE INTO epss (cve, score, percentile) VALUES (?, ?, ?)",
  );
  for (const e of entries) insert.run(e.cve, e.score, e.percentile);
}
