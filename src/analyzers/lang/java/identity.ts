// Who a Java archive is, from the best evidence it has. pom.properties,
// which Maven and Gradle write, names the artifact exactly (a shaded jar
// keeps one per artifact it swallowed). A manifest names a title and a
// version but rarely the group, which is inferred. A file name gives an
// artifact and version only.
import type { PackageRecord } from "../../../inventory/types.js";
import { manifestValue, type Manifest } from "./manifest.js";

export type Confidence = "high" | "medium" | "low";

export interface JavaIdentity {
  groupId: string;
  artifactId: string;
  version: string;
  identifiedBy: "pom.properties" | "manifest" | "file-name";
  confidence: Confidence;
}

export function fromPomProperties(props: Map<string, string>): JavaIdentity | undefined {
  const groupId = props.get("groupId");
  const artifactId = props.get("artifactId");
  const version = props.get("version");
  // An unfiltered template (`${project.version}`) names nothing.
  if (![groupId, artifactId, version].every((v) => v && !v.includes("${"))) return undefined;
  return {
    groupId: groupId as string,
    artifactId: artifactId as string,
    version: version as string,
    identifiedBy: "pom.properties",
    confidence: "high",
  };
}

const ID_LIKE = /^[A-Za-z0-9][\w.-]*$/;

/**
 * The artifact is the Implementation-Title when it is id-like, else the
 * last part of Bundle-SymbolicName; a manifest with neither (the JDK's
 * jrt-fs.jar: "Java Runtime Environment") names no artifact. The group:
 *  - Implementation-Vendor-Id, which Maven's archiver sets to the groupId;
 *  - else the symbolic name's prefix, when bnd's default `<groupId>.<artifactId>`
 *    explains it: the artifact came from it, or is hyphenated and ends it;
 *  - else the artifact itself (log4j:log4j, junit:junit), at low confidence.
 * note: `org.apache.log4j` is log4j 1.2's package, not its group: a plain
 * one-word title at the end of a symbolic name is not taken as bnd's form.
 * Jenkins plugins (.hpi/.jpi) state Group-Id, Short-Name and Plugin-Version.
 */
export function fromManifest(m: Manifest): JavaIdentity | undefined {
  const plugin = jenkinsPlugin(m);
  if (plugin) return plugin;

  const version = manifestValue(m, "implementation-version") ?? manifestValue(m, "bundle-version");
  if (!version || !/\d/.test(version)) return undefined;

  const symbolic = m.main.get("bundle-symbolicname")?.split(";")[0]?.trim();
  const title = idLike(manifestValue(m, "implementation-title"));
  const fromSymbolic = symbolic ? lastSegment(symbolic) : undefined;
  const artifactId = title ?? idLike(fromSymbolic);
  if (!artifactId) return undefined;

  const vendorId = idLike(manifestValue(m, "implementation-vendor-id"));
  const prefix = symbolic ? symbolicPrefix(symbolic, artifactId, title === undefined) : undefined;
  const groupId = vendorId ?? prefix ?? artifactId;
  const confidence = vendorId || prefix ? "medium" : "low";
  return { groupId, artifactId, version, identifiedBy: "manifest", confidence };
}

function symbolicPrefix(symbolic: string, artifactId: string, fromSymbolic: boolean) {
  if (!symbolic.endsWith(`.${artifactId}`)) return undefined;
  if (!fromSymbolic && !artifactId.includes("-")) return undefined;
  return symbolic.slice(0, -artifactId.length - 1) || undefined;
}

function jenkinsPlugin(m: Manifest): JavaIdentity | undefined {
  const artifactId = idLike(m.main.get("short-name"));
  const version = m.main.get("plugin-version");
  if (!artifactId || !version) return undefined;
  const groupId = idLike(m.main.get("group-id")) ?? artifactId;
  const confidence = m.main.has("group-id") ? "high" : "low";
  return { groupId, artifactId, version, identifiedBy: "manifest", confidence };
}

/** `commons-io-2.11.0` → commons-io 2.11.0; the version starts at the last `-<digit>`. */
export function fileNameParts(stem: string): { artifactId: string; version: string } | undefined {
  const m = /^(.+)-(\d[^-]*(?:-[^\d][^-]*)*)$/.exec(stem);
  return m ? { artifactId: m[1] as string, version: m[2] as string } : undefined;
}

export function fromFileName(stem: string): JavaIdentity | undefined {
  const parts = fileNameParts(stem);
  if (!parts || !idLike(parts.artifactId)) return undefined;
  return { groupId: parts.artifactId, ...parts, identifiedBy: "file-name", confidence: "low" };
}

export function toRecord(id: JavaIdentity, evidence: string): PackageRecord {
  return {
    type: "maven",
    name: `${id.groupId}:${id.artifactId}`,
    version: id.version,
    metadata: {
      javaIdentifiedBy: id.identifiedBy,
      javaEvidence: evidence,
      confidence: id.confidence,
    },
  };
}

function idLike(value: string | undefined): string | undefined {
  return value && ID_LIKE.test(value) ? value : undefined;
}

function lastSegment(symbolic: string): string {
  return symbolic.slice(symbolic.lastIndexOf(".") + 1);
}
