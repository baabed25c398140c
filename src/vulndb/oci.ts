// The vulnerability DB as an OCI artifact: `vigil db push` exports it
// (gzipped), uploads it as the one layer of an OCI image manifest with its
// own artifact type, and `vigil db pull` brings it back through the same
// checks as `vigil db import FILE`.
import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Logger } from "pino";

import { VigilError } from "../errors.js";
import { OCI_MANIFEST, parseOciRef, RegistryClient, type Descriptor } from "../registry/client.js";
import { VulnDb } from "./db.js";
import { exportDb, importDbFile } from "./export.js";

export const DB_ARTIFACT_TYPE = "application/vnd.vigil.db.v1";
export const DB_CONFIG_TYPE = "application/vnd.vigil.db.config.v1+json";
export const DB_LAYER_TYPE = "application/vnd.vigil.db.v1.sqlite+gzip";

export interface OciOptions {
  log: Logger;
  plainHttp?: boolean;
}

function descriptor(mediaType: string, data: Buffer): Descriptor {
  return {
    mediaType,
    digest: `sha256:${createHash("sha256").update(data).digest("hex")}`,
    size: data.length,
  };
}

export async function pushDb(
  dbPath: string,
  reference: string,
  opts: OciOptions,
): Promise<{ digest: string; bytes: number }> {
  const ref = parseOciRef(reference);
  const client = new RegistryClient(ref.registry, opts);

  // What the artifact holds, readable without pulling the layer.
  const db = VulnDb.open(dbPath);
  let config: Buffer;
  try {
    const meta = db.meta();
    const feeds = db
      .feeds()
      .map((f) => ({ name: f.name, records: f.records, checkedAt: f.checkedAt }));
    config = Buffer.from(JSON.stringify({ ...meta, feeds }));
  } finally {
    db.close();
  }

  const tmpDir = `${path.resolve(dbPath)}.downloads/oci`;
  mkdirSync(tmpDir, { recursive: true });
  const file = path.join(tmpDir, `push-${process.pid}.db.gz`);
  try {
    const exported = await exportDb(dbPath, file, opts.log);
    const layer: Descriptor = {
      mediaType: DB_LAYER_TYPE,
      digest: `sha256:${exported.sha256}`,
      size: exported.bytes,
      annotations: { "org.opencontainers.image.title": "vigil.db.gz" },
    };
    const configDesc = descriptor(DB_CONFIG_TYPE, config);

    await client.pushBlob(ref.repository, { data: config }, configDesc.digest);
    await client.pushBlob(ref.repository, { file }, layer.digest);

    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: DB_ARTIFACT_TYPE,
        config: configDesc,
        layers: [layer],
        annotations: { "org.opencontainers.image.created": new Date().toISOString() },
      }),
    );
    const digest = await client.putManifest(
      ref.repository,
      ref.tag ?? ref.digest ?? "latest",
      manifest,
      OCI_MANIFEST,
    );
    opts.log.info({ reference, digest, bytes: exported.bytes }, "vulnerability DB pushed");
    return { digest, bytes: exported.bytes };
  } finally {
    rmSync(file, { force: true });
  }
}

export async function pullDb(
  reference: string,
  dbPath: string,
  opts: OciOptions,
): Promise<{ digest: string; bytes: number; dbPath: string }> {
  const ref = parseOciRef(reference);
  const client = new RegistryClient(ref.registry, opts);
  const manifest = await client.getManifest(ref.repository, ref.digest ?? ref.tag ?? "latest", [
    OCI_MANIFEST,
  ]);

  const parsed = JSON.parse(manifest.data.toString("utf8")) as {
    artifactType?: string;
    config?: Descriptor;
    layers?: Descriptor[];
  };
  const layer = parsed.layers?.find((l) => l.mediaType === DB_LAYER_TYPE);
  if (!layer || (parsed.artifactType && parsed.artifactType !== DB_ARTIFACT_TYPE)) {
    throw new VigilError("BAD_MANIFEST", `${reference} is not a vigil DB artifact`, {
      hint: `expected a manifest with a ${DB_LAYER_TYPE} layer, as \`vigil db push\` writes`,
    });
  }

  const tmpDir = `${path.resolve(dbPath)}.downloads/oci`;
  mkdirSync(tmpDir, { recursive: true });
  const file = path.join(tmpDir, `${layer.digest.replace(":", "-")}.db.gz`);
  try {
    await client.pullBlob(ref.repository, layer, file);
    const { bytes } = await importDbFile(dbPath, file, opts.log, `${reference}@${manifest.digest}`);
    return { digest: manifest.digest, bytes, dbPath: path.resolve(dbPath) };
  } finally {
    rmSync(file, { force: true });
  }
}
