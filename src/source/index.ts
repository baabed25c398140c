import { open, stat } from "node:fs/promises";
import { VigilError } from "../errors.js";
import {
  DOCKER_HUB,
  parseImageName,
  parseRegistryRef,
  type RegistryRef,
} from "../registry/reference.js";
import { DirectoryStore, TarStore } from "./blob-store.js";
import { resolveDockerArchive } from "./docker-archive.js";
import { resolveLayout } from "./oci-layout.js";
import { ALL_PLATFORMS } from "./platform.js";
import { parseReference, type ImageReference } from "./reference.js";
import { resolveRegistry } from "./registry.js";
import type { ImageSource, SourceOptions } from "./types.js";

export type { ImageSource, LayerBlob, ImageConfig, SourceOptions } from "./types.js";
export { ALL_PLATFORMS } from "./platform.js";

/** `docker://NAME` and `registry:NAME` always name a registry image. */
const REGISTRY_PREFIX = /^(docker:\/\/|registry:)/;

interface RegistryTarget {
  kind: "registry";
  ref: RegistryRef;
  /** Written as a bare name on no named registry: it might have been meant as a path. */
  implicit: boolean;
}

/** Resolves a user's image reference to a manifest, a config and layer blobs. */
export async function openImage(text: string, opts: SourceOptions = {}): Promise<ImageSource> {
  if (opts.platform === ALL_PLATFORMS) {
    throw new VigilError("BAD_OPTION", "--platform all gives one image per platform", {
      hint: "name one platform here; `vigil image --platform all` scans them all",
    });
  }
  const [source] = await openImages(text, opts);
  return source as ImageSource;
}

/** The same, for every image `--platform all` picks (one image otherwise). */
export async function openImages(text: string, opts: SourceOptions = {}): Promise<ImageSource[]> {
  const ref = await locate(text);
  if (ref.kind === "registry") return openRemote(text, ref, opts);
  const info = await stat(ref.path);

  if (info.isDirectory()) {
    if (ref.kind !== "path" && ref.kind !== "oci-layout") {
      throw new VigilError(
        "BAD_REFERENCE",
        `${ref.path} is a directory; ${ref.kind}: expects a file`,
        {
          hint: `use oci:${ref.path}`,
        },
      );
    }
    return resolveLayout(new DirectoryStore(ref.path), selector(text, ref, "oci-layout"), opts);
  }

  await refuseCompressed(ref.path);
  const store = await TarStore.open(ref.path);
  const kind = ref.kind === "path" ? detectArchive(store, ref.path) : ref.kind;
  if (kind === "docker-archive") return [await resolveDockerArchive(store, text, ref.tag, opts)];
  if (kind === "oci-layout") {
    throw new VigilError("BAD_REFERENCE", `${ref.path} is a file; oci: expects a directory`, {
      hint: `use oci-archive:${ref.path}`,
    });
  }
  return resolveLayout(store, selector(text, ref, "oci-archive"), opts);
}

/**
 * Splits off `:TAG` or `@DIGEST` only when the whole string is not itself an
 * existing path: `d:latest.tar` and `dir@2` are files people really have.
 */
async function locate(text: string): Promise<ImageReference | RegistryTarget> {
  const prefix = REGISTRY_PREFIX.exec(text)?.[0];
  if (prefix) {
    const ref = parseRegistryRef(text.slice(prefix.length));
    return { kind: "registry", ref, implicit: false };
  }

  const scheme = /^(oci|oci-archive|docker-archive):/.exec(text)?.[1];
  const whole = scheme ? text.slice(scheme.length + 1) : text;
  if (whole !== "" && (await exists(whole))) return { kind: kindOf(scheme), path: whole };

  const ref = parseReference(text);
  if (await exists(ref.path)) return ref;

  // Docker's rule for what is left: `alpine` is docker.io/library/alpine.
  const remote = scheme ? undefined : parseImageName(text);
  if (remote) {
    // `out/app.oci` may be a mistyped path as much as an image on Docker Hub.
    const implicit = remote.registry === DOCKER_HUB && !text.startsWith(`${DOCKER_HUB}/`);
    return { kind: "registry", ref: remote, implicit };
  }
  throw new VigilError("NOT_FOUND", `${ref.path}: no such file or directory`, {
    hint: "give an OCI layout directory, a docker-archive, an oci-archive tar or REGISTRY/REPO:TAG",
  });
}

/** A bare name that is neither a file nor an image: say both were tried. */
async function openRemote(text: string, target: RegistryTarget, opts: SourceOptions) {
  try {
    return await resolveRegistry(text, target.ref, opts);
  } catch (err) {
    if (!target.implicit || !(err instanceof VigilError)) throw err;
    if (err.code !== "NOT_FOUND" && err.code !== "NETWORK") throw err;
    const hint = `no file or directory ${text} exists either${err.hint ? `; ${err.hint}` : ""}`;
    throw new VigilError(err.code, err.message, {
      cause: err,
      hint,
    });
  }
}

function kindOf(scheme: string | undefined): ImageReference["kind"] {
  if (scheme === "oci") return "oci-layout";
  if (scheme === "oci-archive" || scheme === "docker-archive") return scheme;
  return "path";
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

function selector(text: string, ref: ImageReference, kind: "oci-layout" | "oci-archive") {
  const digest = "digest" in ref ? ref.digest : undefined;
  return { reference: text, kind, tag: ref.tag, digest };
}

/** An archive with an OCI layout inside is read as one; else as a docker-archive. */
function detectArchive(store: TarStore, file: string): "oci-archive" | "docker-archive" {
  const names = new Set(store.names());
  if (names.has("index.json") && names.has("oci-layout")) return "oci-archive";
  if (names.has("manifest.json")) return "docker-archive";
  throw new VigilError("UNSUPPORTED", `${file}: not an OCI layout, oci-archive or docker-archive`, {
    hint: "expected index.json and oci-layout, or manifest.json, at the top of the tar",
  });
}

async function refuseCompressed(file: string): Promise<void> {
  const fh = await open(file, "r");
  try {
    const head = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) {
      throw new VigilError("UNSUPPORTED", `${file} is gzip-compressed`, {
        hint: "image archives are plain tar: decompress it first with gunzip",
      });
    }
  } finally {
    await fh.close();
  }
}
