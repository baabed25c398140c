import type { Analyzer, AnalyzerOutput } from "../types.js";

// The `release` file at the top of every JDK and JRE since Java 9 (and many
// 8s): /usr/lib/jvm/java-17-openjdk-amd64/release, /opt/java/openjdk/release.
const RELEASE_FILE = /(?:^|\/)[^/]*(?:jdk|jre|java|jvm|corretto|zulu|temurin)[^/]*\/release$/i;

/**
 * A Java runtime, by its `release` file: JAVA_VERSION and who built it.
 * note: the file does not say whether it is Oracle's JDK or an OpenJDK
 * build; all are reported as `openjdk`, with IMPLEMENTOR kept.
 */
export const jdkReleaseAnalyzer: Analyzer = {
  id: "jdk-release",
  version: 1,
  maxBytes: 64 << 10,
  claims: (path) => RELEASE_FILE.test(path),
  analyze: ({ content }) => parseJdkRelease(content.toString("utf8")),
};

export function parseJdkRelease(text: string): AnalyzerOutput {
  const fields = new Map<string, string>();
  for (const m of text.matchAll(/^([A-Z_]+)=(?:"([^"\n]*)"|(\S*))\s*$/gm)) {
    fields.set(m[1] as string, m[2] ?? m[3] ?? "");
  }
  const version = fields.get("JAVA_VERSION");
  if (!version) return {};

  const metadata: Record<string, string> = { runtime: "java", confidence: "high" };
  const runtimeVersion = fields.get("JAVA_RUNTIME_VERSION");
  if (runtimeVersion) metadata.javaRuntimeVersion = runtimeVersion;
  const implementor = fields.get("IMPLEMENTOR");
  if (implementor) metadata.javaImplementor = implementor;
  return { packages: [{ type: "generic", name: "openjdk", version, metadata }] };
}
