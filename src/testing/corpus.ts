// Test-only: the corpus images and what EXPECTED.json says a correct scanner finds.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { corpusDir } from "./shared.js";

export interface ExpectedImage {
  name: string;
  manifestDigest: string;
  rootfs: {
    os: Record<string, string>;
    dpkg: { name: string; version: string; arch: string }[];
    apk: { name: string; version: string; arch: string }[];
    /** npm packages under node_modules, and Debian's under /usr/share/nodejs. */
    npm: { name: string; version: string; path: string }[];
    npmOther: { name: string; version: string; path: string }[];
    /** Python distributions; `path` is the .dist-info or .egg-info directory. */
    python: { name: string; version: string; kind: string; path: string }[];
    /**
     * Regular .jar files: each pom.properties as `group:artifact:version`, else
     * the manifest's title and version.
     */
    jars: { path: string; maven: string[]; manifest?: { title?: string; version?: string } }[];
    go: {
      path: string;
      goVersion: string;
      mainPackage: string;
      main: string | null;
      deps: string[];
    }[];
    /** Binaries with a cargo-auditable section. */
    rust: { path: string }[];
  };
  history: { created_by?: string; empty_layer?: boolean }[];
}

export function expectedImages(): ExpectedImage[] {
  const file = path.join(corpusDir(), "EXPECTED.json");
  if (!existsSync(file)) {
    throw new Error(`${file} missing: run scripts/ensure-corpus.sh (npm test does)`);
  }
  return (JSON.parse(readFileSync(file, "utf8")) as { images: ExpectedImage[] }).images;
}

/** Every reference form the corpus has for an image: layout, oci-archive, docker-archive. */
export function referencesFor(name: string): string[] {
  const dir = corpusDir();
  const refs = [
    `oci:${path.join(dir, `${name}.oci`)}:latest`,
    `oci-archive:${path.join(dir, `${name}.oci.tar`)}`,
  ];
  const docker = path.join(dir, `${name}.docker.tar`);
  if (existsSync(docker)) refs.push(`docker-archive:${docker}`);
  return refs;
}
