// Where registry credentials come from, in order: --username and
// --password-stdin, VIGIL_REGISTRY_USERNAME and VIGIL_REGISTRY_PASSWORD, then
// Docker's config.json (a credential helper for the registry, the default
// credential store, or an `auths` entry). They are looked up only when a
// registry asks, and never written to a log, an error or a report.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";

import { VigilError } from "../errors.js";
import { DOCKER_HUB } from "./reference.js";

export interface Credentials {
  username: string;
  password: string;
  /** Where they came from, for messages: never the values. */
  origin: string;
}

export interface CredentialOptions {
  username?: string;
  password?: string;
  /** Directory of config.json; default $DOCKER_CONFIG, else ~/.docker. */
  dockerConfigDir?: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string } | undefined>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Docker stores Docker Hub's credentials under its old index URL. */
const DOCKER_HUB_KEY = "https://index.docker.io/v1/";
const HELPER_TIMEOUT_MS = 30_000;

export async function findCredentials(
  registry: string,
  opts: CredentialOptions,
): Promise<Credentials | undefined> {
  if (opts.username) {
    return { username: opts.username, password: opts.password ?? "", origin: "--username" };
  }
  const envUser = process.env.VIGIL_REGISTRY_USERNAME;
  if (envUser) {
    const password = process.env.VIGIL_REGISTRY_PASSWORD ?? "";
    return { username: envUser, password, origin: "VIGIL_REGISTRY_USERNAME" };
  }
  return fromDockerConfig(registry, opts.dockerConfigDir);
}

async function fromDockerConfig(
  registry: string,
  dir = process.env.DOCKER_CONFIG ?? path.join(homedir(), ".docker"),
): Promise<Credentials | undefined> {
  const file = path.join(dir, "config.json");
  const config = await readDockerConfig(file);
  if (!config) return undefined;

  const helper = config.credHelpers?.[registry] ?? config.credsStore;
  if (helper) {
    const found = await runHelper(helper, registry);
    if (found) return found;
  }
  return fromAuths(config, registry, file);
}

async function readDockerConfig(file: string): Promise<DockerConfig | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as DockerConfig) : undefined;
  } catch (err) {
    throw new VigilError("BAD_OPTION", `${file} is not valid JSON`, {
      cause: err,
      hint: "fix it, or point DOCKER_CONFIG at another directory",
    });
  }
}

function fromAuths(config: DockerConfig, registry: string, file: string) {
  const entry = Object.entries(config.auths ?? {}).find(([key]) => keyNames(key, registry))?.[1];
  if (!entry) return undefined;
  if (entry.username) {
    return { username: entry.username, password: entry.password ?? "", origin: file };
  }
  if (!entry.auth) return undefined;

  // note: an `identitytoken` (an OAuth refresh token) is not used yet (issue 9).
  const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) {
    throw new VigilError("BAD_OPTION", `${file}: the "auth" entry for ${registry} is malformed`, {
      hint: "it must be base64 of USER:PASSWORD; log in again to rewrite it",
    });
  }
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), origin: file };
}

/** `https://host:5000/v1/`, `host:5000` and Docker Hub's aliases all name a registry. */
function keyNames(key: string, registry: string): boolean {
  if (registry === DOCKER_HUB && key === DOCKER_HUB_KEY) return true;
  const host = key.replace(/^[a-z]+:\/\//, "").replace(/\/.*$/, "");
  const hub = new Set([DOCKER_HUB, "index.docker.io", "registry-1.docker.io"]);
  return host === registry || (hub.has(host) && registry === DOCKER_HUB);
}

/**
 * Runs `docker-credential-<name> get` with the server on stdin, as Docker
 * does. A helper that has nothing for this registry is not an error.
 */
async function runHelper(name: string, registry: string): Promise<Credentials | undefined> {
  const program = `docker-credential-${name}`;
  const server = registry === DOCKER_HUB ? DOCKER_HUB_KEY : registry;
  const output = await new Promise<string | undefined>((resolve, reject) => {
    const child = execFile(
      program,
      ["get"],
      { timeout: HELPER_TIMEOUT_MS, maxBuffer: 1 << 20 },
      (err, stdout) => {
        if (!err) return resolve(stdout);
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
          return reject(
            new VigilError("BAD_OPTION", `credential helper ${program} is not on PATH`, {
              hint: "install it, or remove it from ~/.docker/config.json",
            }),
          );
        }
        // Helpers exit non-zero with "credentials not found" for an unknown server.
        resolve(undefined);
      },
    );
    child.stdin?.end(server);
  });
  if (!output) return undefined;
  return parseHelperOutput(output, program);
}

function parseHelperOutput(output: string, program: string): Credentials | undefined {
  let parsed: { Username?: unknown; Secret?: unknown };
  try {
    parsed = JSON.parse(output) as { Username?: unknown; Secret?: unknown };
  } catch {
    // Its output may hold the secret: never echo it.
    throw new VigilError("BAD_OPTION", `${program} get did not print JSON`);
  }
  if (typeof parsed.Username !== "string" || typeof parsed.Secret !== "string") return undefined;
  // note: Username "<token>" marks an identity token, not supported yet (issue 9).
  return { username: parsed.Username, password: parsed.Secret, origin: program };
}

/** `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`. */
export interface Challenge {
  scheme: "bearer" | "basic";
  params: Record<string, string>;
}

export function parseChallenge(header: string | undefined): Challenge | undefined {
  const m = /^\s*(Bearer|Basic)\b\s*(.*)$/i.exec(header ?? "");
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[2] as string).matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) {
    params[(p[1] as string).toLowerCase()] = p[2] ?? p[3] ?? "";
  }
  const scheme = (m[1] as string).toLowerCase() === "bearer" ? "bearer" : "basic";
  return { scheme, params };
}

export function basicHeader(creds: Credentials): string {
  return `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString("base64")}`;
}
