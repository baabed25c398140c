// Image names as Docker writes them: `[REGISTRY/]REPO[:TAG][@DIGEST]`, with
// Docker's defaults for short names (`alpine` is docker.io/library/alpine).
import { VigilError } from "../errors.js";

export interface RegistryRef {
  /** host[:port], as the user wrote it (docker.io for Docker Hub). */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export const DOCKER_HUB = "docker.io";
/** Docker Hub's API answers here, not at docker.io. */
const DOCKER_HUB_API = "registry-1.docker.io";

const PATH_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const REPOSITORY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9-]+)*|\[[0-9a-fA-F:]+\])(?::\d+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
/** Docker's limit for a whole name. */
const MAX_NAME = 255;

/**
 * Parses a Docker image reference, or returns undefined when the text is not
 * one (a path such as `./x` or `/x/y.tar`). The first component names a
 * registry only when it looks like a host: it has a `.` or a `:`, is
 * `localhost`, or has capitals; otherwise the image is on Docker Hub.
 */
export function parseImageName(text: string): RegistryRef | undefined {
  const parts = splitSelectors(text);
  if (!parts) return undefined;
  const { registry, repository } = splitDomain(parts.name);
  return build(registry, repository, parts);
}

/** `REGISTRY/REPO[:TAG][@DIGEST]` where the first component is the registry, whatever it looks like. */
export function parseWithRegistry(text: string): RegistryRef | undefined {
  const parts = splitSelectors(text);
  const slash = parts?.name.indexOf("/") ?? -1;
  if (!parts || slash <= 0) return undefined;
  return build(parts.name.slice(0, slash), parts.name.slice(slash + 1), parts);
}

interface Selectors {
  name: string;
  tag?: string;
  digest?: string;
}

function splitSelectors(text: string): Selectors | undefined {
  let name = text;
  let digest: string | undefined;
  const at = name.indexOf("@");
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }

  let tag: string | undefined;
  const colon = name.lastIndexOf(":");
  if (colon > name.lastIndexOf("/")) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  if (name.length > MAX_NAME) return undefined;
  return { name, tag, digest };
}

function build(registry: string, repository: string, sel: Selectors): RegistryRef | undefined {
  if (!DOMAIN.test(registry) || !REPOSITORY.test(repository)) return undefined;
  const tag = sel.tag ?? (sel.digest ? undefined : "latest");
  return { registry, repository, ...(tag && { tag }), ...(sel.digest && { digest: sel.digest }) };
}

/** The same, for text the user marked as a registry reference: a bad one is an error. */
export function parseRegistryRef(text: string, form = "REGISTRY/REPOSITORY[:TAG|@DIGEST]") {
  const ref = parseImageName(text);
  if (!ref) {
    throw new VigilError("BAD_REFERENCE", `"${text}" is not an image reference`, {
      hint: `write ${form}, e.g. 127.0.0.1:5000/team/app:1.0 (names are lowercase)`,
    });
  }
  return ref;
}

function splitDomain(name: string): { registry: string; repository: string } {
  const slash = name.indexOf("/");
  const first = slash < 0 ? "" : name.slice(0, slash);
  const isHost = /[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase();
  if (slash < 0 || !isHost) {
    // Docker Hub's official images live under library/.
    const repository = slash < 0 ? `library/${name}` : name;
    return { registry: DOCKER_HUB, repository };
  }
  const registry = first === "index.docker.io" ? DOCKER_HUB : first;
  const path = name.slice(slash + 1);
  const official = registry === DOCKER_HUB && !path.includes("/");
  return { registry, repository: official ? `library/${path}` : path };
}

/** Where the registry's API is: Docker Hub's name is not its API host. */
export function apiHost(registry: string): string {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}

/** `registry/repo:tag@digest`, the canonical spelling, for messages and reports. */
export function formatRef(ref: RegistryRef): string {
  const tag = ref.tag ? `:${ref.tag}` : "";
  const digest = ref.digest ? `@${ref.digest}` : "";
  return `${ref.registry}/${ref.repository}${tag}${digest}`;
}
