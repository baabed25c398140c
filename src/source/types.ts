import type { Readable } from "node:stream";
import type { Logger } from "pino";

/** One layer blob as the source stores it; read once, as a stream. */
export interface LayerBlob {
  index: number;
  /** Digest of the stored blob (compressed) as the manifest names it, if any. */
  digest?: string;
  /** Uncompressed digest from the config's rootfs.diff_ids. */
  diffId: string;
  mediaType?: string;
  size?: number;
  /** Where the blob lives, for error messages. */
  location: string;
  open(): Readable;
  /**
   * The stored blob's size, found without reading it (a local file's length),
   * where the source can tell: a cached analysis is only used for a blob of
   * the size its descriptor states, so a truncated copy is not taken as whole.
   */
  storedSize?(): Promise<number>;
}

/** The parts of an image config (OCI / Docker) that vigil reads. */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    WorkingDir?: string;
    ExposedPorts?: Record<string, unknown> | null;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] } | null;
  };
  rootfs?: { type?: string; diff_ids?: string[] };
  history?: { created_by?: string; empty_layer?: boolean; comment?: string }[];
}

/** A resolved image: manifest chosen, config read, layers ready to stream. */
export interface ImageSource {
  reference: string;
  kind: "oci-layout" | "oci-archive" | "docker-archive" | "registry";
  /** Manifest digest; for docker-archive (no manifest) the config digest. */
  digest: string;
  configDigest: string;
  config: ImageConfig;
  tags: string[];
  layers: LayerBlob[];
  /** Frees what reading the layers needed (a registry's connections). */
  close?(): void;
}

export interface SourceOptions {
  /** `os/arch[/variant]`, or `all` for every image of an index; default linux/amd64. */
  platform?: string;
  /** How to reach registries; the defaults need no options. */
  registry?: RegistryOptions;
  log?: Logger;
}

export interface RegistryOptions {
  username?: string;
  password?: string;
  /** Plain HTTP to any host, and HTTPS without checking the certificate. */
  insecure?: boolean;
  /** PEM file of CA certificates trusted beside the system's. */
  caFile?: string;
  timeoutMs?: number;
  retries?: number;
  /** Directory of Docker's config.json; default $DOCKER_CONFIG, else ~/.docker. */
  dockerConfigDir?: string;
}
