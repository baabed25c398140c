// `vigil db import` inputs that are URLs: each is downloaded (with the same
// retries, resume and checks as `vigil db update`) into the download folder
// beside the DB, under its URL's path, so that feed names come out as they
// would for the same file on disk (`…/npm/all.zip` → `osv:npm`).
import path from "node:path";
import type { Logger } from "pino";

import { VigilError } from "../errors.js";
import { DEFAULT_POLICY, download, type RetryPolicy } from "./download.js";

export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/** The local path for each input; URLs are downloaded first. */
export async function localInputs(
  dbPath: string,
  inputs: string[],
  log: Logger,
  policy: RetryPolicy = DEFAULT_POLICY,
): Promise<{ path: string; url?: string }[]> {
  const out: { path: string; url?: string }[] = [];
  for (const input of inputs) {
    if (!isUrl(input)) {
      out.push({ path: input });
      continue;
    }
    const url = new URL(input);
    const parts = url.pathname.split("/").filter((p) => p !== "" && p !== "." && p !== "..");
    if (parts.length === 0) {
      throw new VigilError("BAD_FEED", `${input} names no file`, {
        hint: "give the URL of an all.zip, a JSON or CSV feed file, or a DB export",
      });
    }
    const dest = path.join(
      `${path.resolve(dbPath)}.downloads`,
      "imports",
      url.host.replace(/[^A-Za-z0-9.-]/g, "_"),
      ...parts.map(decodeURIComponent),
    );
    log.info({ url: input }, "downloading");
    const outcome = await download({ url: input, dest, policy, log });
    if (outcome.kind === "missing") {
      throw new VigilError("NOT_FOUND", `${input}: HTTP ${outcome.status}`);
    }
    out.push({ path: dest, url: input });
  }
  return out;
}
