import { VigilError } from "../errors.js";

/** How a user named the image, before anything is opened. */
export type ImageReference =
  | { kind: "oci-layout"; path: string; tag?: string; digest?: string }
  | { kind: "oci-archive"; path: string; tag?: string; digest?: string }
  | { kind: "docker-archive"; path: string; tag?: string }
  | { kind: "path"; path: string; tag?: string; digest?: string };

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

/**
 * Parses `oci:DIR[:TAG|@DIGEST]`, `oci-archive:FILE[:TAG|@DIGEST]`,
 * `docker-archive:FILE[:REPO:TAG]` and a bare path (kind decided later from
 * its contents). Registry references are not handled here yet (issue 9).
 */
export function parseReference(input: string): ImageReference {
  if (input.trim() === "") {
    throw new VigilError("BAD_REFERENCE", "empty image reference");
  }

  const prefix = /^(oci|oci-archive|docker-archive):(.*)$/.exec(input);
  if (!prefix) return { kind: "path", ...splitSelector(input) };

  const [, scheme, rest = ""] = prefix;
  if (rest === "") {
    throw new VigilError("BAD_REFERENCE", `${input}: no path after "${scheme}:"`);
  }
  if (scheme === "docker-archive") return dockerArchiveRef(rest);
  const kind = scheme === "oci" ? "oci-layout" : "oci-archive";
  return { kind, ...splitSelector(rest) };
}

/** `PATH@sha256:…` or `PATH:TAG`; a colon inside a directory name is kept. */
function splitSelector(rest: string): { path: string; tag?: string; digest?: string } {
  const at = rest.lastIndexOf("@");
  if (at > 0) {
    const digest = rest.slice(at + 1);
    if (!DIGEST_RE.test(digest)) {
      throw new VigilError("BAD_REFERENCE", `${rest}: "${digest}" is not a sha256 digest`);
    }
    return { path: rest.slice(0, at), digest };
  }

  const colon = rest.lastIndexOf(":");
  if (colon > 0 && !rest.slice(colon).includes("/")) {
    return { path: rest.slice(0, colon), tag: rest.slice(colon + 1) };
  }
  return { path: rest };
}

/** docker-archive's optional selector is a RepoTag such as `repo/name:tag`. */
function dockerArchiveRef(rest: string): ImageReference {
  const firstColon = rest.indexOf(":");
  if (firstColon < 0) return { kind: "docker-archive", path: rest };
  return {
    kind: "docker-archive",
    path: rest.slice(0, firstColon),
    tag: rest.slice(firstColon + 1),
  };
}
