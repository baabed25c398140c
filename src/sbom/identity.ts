import { createHash, randomUUID } from "node:crypto";
import path from "node:path";
import { VigilError } from "../errors.js";
import type { ImageMetadata } from "../inventory/types.js";

/**
 * What makes two SBOMs of the same image differ: the serial number and the
 * timestamp. `deterministic` (or SOURCE_DATE_EPOCH) fixes both: the time is
 * SOURCE_DATE_EPOCH, else the image's creation time, else the Unix epoch;
 * the serial is derived from the document's own content.
 */
export interface DocumentIdentity {
  timestamp: Date;
  /** Undefined: derive from the content (see `contentUuid`). */
  serial?: string;
}

export function documentIdentity(
  image: ImageMetadata,
  opts: { deterministic?: boolean; env?: NodeJS.ProcessEnv; now?: Date } = {},
): DocumentIdentity {
  const env = opts.env ?? process.env;
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== "") {
    if (!/^\d+$/.test(epoch)) {
      throw new VigilError("BAD_OPTION", `SOURCE_DATE_EPOCH="${epoch}" is not a number`, {
        hint: "set it to seconds since 1970-01-01, e.g. $(git log -1 --format=%ct)",
      });
    }
    return { timestamp: new Date(Number(epoch) * 1000) };
  }
  if (opts.deterministic) {
    const created = image.config.created ? new Date(image.config.created) : undefined;
    const valid = created && !Number.isNaN(created.getTime());
    return { timestamp: new Date(valid ? Math.floor(created.getTime() / 1000) * 1000 : 0) };
  }
  return { timestamp: opts.now ?? new Date(), serial: randomUUID() };
}

/** A UUID (version 5 layout) made from content, so equal documents share it. */
export function contentUuid(content: string): string {
  const b = createHash("sha256").update(content).digest();
  b[6] = ((b[6] as number) & 0x0f) | 0x50;
  b[8] = ((b[8] as number) & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** `2024-01-02T03:04:05Z`: second precision, as SPDX requires. */
export function isoSeconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/**
 * A name for the image as people know it: a `repo:tag` when the archive has
 * one, else the OCI title label, else the file or directory name.
 */
export function imageName(image: ImageMetadata): string {
  const repoTag = image.tags.find((t) => t.includes(":") || t.includes("/"));
  if (repoTag) return repoTag.replace(/:[^:/]+$/, "");

  const title = image.config.labels["org.opencontainers.image.title"];
  if (title) return title;

  const ref = image.reference.replace(/^[a-z-]+:(?!\/\/)/, "");
  const file = path.basename(ref.replace(/(@sha256:[a-f0-9]+|:[^:/]*)$/, "")) || ref;
  return file.replace(/(\.docker\.tar|\.oci\.tar|\.oci|\.tar)$/, "") || "image";
}
