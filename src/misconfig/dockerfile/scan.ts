import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { VigilError } from "../../errors.js";
import { looksBinary } from "../../util/binary.js";
import { runChecks, type MisconfigFinding } from "../types.js";
import { dockerfileChecks } from "./checks.js";
import { parseDockerfile } from "./parse.js";

/** Dockerfiles are small; a bigger file is not one. */
const MAX_DOCKERFILE_BYTES = 1 << 20;

/** Reads and checks one Dockerfile; the evidence names it as given. */
export async function scanDockerfile(file: string): Promise<MisconfigFinding[]> {
  const info = await stat(file).catch((err: unknown) => {
    throw new VigilError("NOT_FOUND", `${file} cannot be read`, { cause: err });
  });
  if (!info.isFile() || info.size > MAX_DOCKERFILE_BYTES) {
    throw new VigilError("UNSUPPORTED", `${file} is not a Dockerfile (not a file, or over 1 MiB)`);
  }
  const bytes = await readFile(file);
  if (looksBinary(bytes)) {
    throw new VigilError("UNSUPPORTED", `${file} is not a Dockerfile: its content is binary`, {
      hint: "name the Dockerfile the image is built from",
    });
  }
  const dockerfile = parseDockerfile(bytes.toString("utf8"));
  // The builder refuses a file without FROM; checking one would report noise.
  if (dockerfile.stages.length === 0) {
    throw new VigilError("UNSUPPORTED", `${file} is not a Dockerfile: it has no FROM instruction`, {
      hint: "name the Dockerfile the image is built from",
    });
  }
  return runChecks(dockerfileChecks, { path: file, dockerfile });
}

/**
 * The Dockerfile in the directory of an image given as a path (an archive, or
 * the parent of a layout directory), which most builds keep side by side.
 */
export async function dockerfileNextTo(reference: string): Promise<string | undefined> {
  const target = reference.replace(/^(?:oci|oci-archive|docker-archive):/, "");
  // As the sources do: the path whole if it exists, else without a :TAG or @DIGEST.
  for (const image of [target, target.replace(/(?::[^/:]*|@sha256:[a-f0-9]+)$/, "")]) {
    if (!(await stat(image).catch(() => undefined))) continue;
    const candidate = path.join(path.dirname(path.resolve(image)), "Dockerfile");
    const info = await stat(candidate).catch(() => undefined);
    return info?.isFile() ? candidate : undefined;
  }
  return undefined;
}
