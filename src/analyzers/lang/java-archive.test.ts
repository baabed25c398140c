import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { SpillFile } from "../../layers/spill.js";
import { fixture } from "../../testing/binary-fixtures.js";
import { tempDir } from "../../testing/tmp.js";
import { zipBytes, type ZipInput } from "../../testing/zip-writer.js";
import { memorySource } from "../../util/byte-source.js";
import type { AnalyzerOutput } from "../types.js";
import { analyzeJavaArchive, JAVA_LIMITS } from "./java-archive.js";
import { fromManifest } from "./java/identity.js";
import { parseManifest } from "./java/manifest.js";
import { parseProperties } from "./java/pom-properties.js";
import { listEntries, readEntry } from "./java/zip.js";

// Debian's jars (scripts/make-binary-fixtures.sh), and archives built here
// from them as Maven's war, ear and shade plugins and Spring Boot lay them out.
const jar = (name: string) => readFileSync(fixture("java", `${name}.jar`));

const analyze = (path: string, bytes: Buffer, limits = JAVA_LIMITS) =>
  analyzeJavaArchive(path, memorySource(bytes), limits);

const coordinates = (out: AnalyzerOutput) =>
  (out.packages ?? []).map((p) => `${p.name}@${p.version}`).sort();

/** Every entry of a real jar, to rebuild it (shaded, renamed, stripped) here. */
async function entriesOf(bytes: Buffer): Promise<ZipInput[]> {
  const source = memorySource(bytes);
  const { entries } = await listEntries(source, 100_000);
  const files = entries.filter((e) => !e.name.endsWith("/"));
  return Promise.all(
    files.map(async (e) => ({
      name: e.name,
      data: await readEntry(source, e, 64 << 20),
      deflate: true,
    })),
  );
}

describe("Java archives: Debian's jars", () => {
  const cases: [string, string, string][] = [
    ["jackson-core", "com.fasterxml.jackson.core:jackson-core@2.14.1", "pom.properties"],
    ["jackson-databind", "com.fasterxml.jackson.core:jackson-databind@2.14.0", "pom.properties"],
    ["snakeyaml", "org.yaml:snakeyaml@1.33", "pom.properties"],
    ["commons-lang3", "org.apache.commons:commons-lang3@3.12.0", "pom.properties"],
    // Debian builds log4j 1.2 with ant: a manifest only, its title in a named section.
    ["log4j-1.2-1.2.17", "log4j:log4j@1.2.17", "manifest"],
  ];
  for (const [name, expected, by] of cases) {
    it(`${name}.jar is ${expected}, from its ${by}`, async () => {
      const out = await analyze(`usr/share/java/${name}.jar`, jar(name));
      assert.deepEqual(coordinates(out), [expected]);
      assert.deepEqual(out.warnings, []);
      assert.equal(out.packages?.[0]?.metadata?.javaIdentifiedBy, by);
    });
  }

  it("names the pom.properties it read as evidence, at high confidence", async () => {
    const out = await analyze("x/jackson-core.jar", jar("jackson-core"));
    assert.deepEqual(out.packages?.[0]?.metadata, {
      javaIdentifiedBy: "pom.properties",
      javaEvidence: "META-INF/maven/com.fasterxml.jackson.core/jackson-core/pom.properties",
      confidence: "high",
    });
  });
});

describe("Java archives: nested and merged", () => {
  it("reads a war's WEB-INF/lib, deflated or stored, naming each jar inside", async () => {
    const war = zipBytes([
      { name: "WEB-INF/web.xml", data: Buffer.from("<web-app/>"), deflate: true },
      { name: "WEB-INF/lib/jackson-core-2.14.1.jar", data: jar("jackson-core"), deflate: true },
      { name: "WEB-INF/lib/snakeyaml-1.33.jar", data: jar("snakeyaml") },
    ]);
    const out = await analyze("srv/app.war", war);
    assert.deepEqual(coordinates(out), [
      "com.fasterxml.jackson.core:jackson-core@2.14.1",
      "org.yaml:snakeyaml@1.33",
    ]);
    assert.equal(
      out.packages?.find((p) => p.name.endsWith("snakeyaml"))?.metadata?.javaEvidence,
      "WEB-INF/lib/snakeyaml-1.33.jar!/META-INF/maven/org.yaml/snakeyaml/pom.properties",
    );
  });

  it("reads the same from a spilled copy as from memory", async () => {
    const war = zipBytes([
      { name: "WEB-INF/lib/jackson-databind.jar", data: jar("jackson-databind"), deflate: true },
      { name: "WEB-INF/lib/commons-lang3.jar", data: jar("commons-lang3") },
      ...(await entriesOf(jar("snakeyaml"))),
    ]);
    const copy = await SpillFile.create(tempDir("vigil-spill-test-"));
    try {
      await copy.append(war);
      const fromDisk = await analyzeJavaArchive("srv/app.war", copy);
      assert.deepEqual(fromDisk, await analyze("srv/app.war", war));
      assert.equal(fromDisk.packages?.length, 3);
    } finally {
      await copy.dispose();
    }
  });

  it("reads an ear holding a war holding jars, and a jar beside it", async () => {
    const war = zipBytes([
      { name: "WEB-INF/lib/commons-lang3.jar", data: jar("commons-lang3"), deflate: true },
    ]);
    const ear = zipBytes([
      { name: "shop.war", data: war, deflate: true },
      { name: "lib/log4j-1.2-1.2.17.jar", data: jar("log4j-1.2-1.2.17") },
    ]);
    const out = await analyze("opt/shop.ear", ear);
    assert.deepEqual(coordinates(out), [
      "log4j:log4j@1.2.17",
      "org.apache.commons:commons-lang3@3.12.0",
    ]);
  });

  it("reports every artifact a shaded jar swallowed", async () => {
    const shaded = zipBytes([
      ...(await entriesOf(jar("jackson-databind"))),
      ...(await entriesOf(jar("jackson-core"))).filter(
        (e) => !e.name.startsWith("META-INF/MANIFEST"),
      ),
      ...(await entriesOf(jar("jackson-annotations"))).filter(
        (e) => !e.name.startsWith("META-INF/MANIFEST"),
      ),
    ]);
    const out = await analyze("app/all-in-one.jar", shaded);
    assert.deepEqual(coordinates(out), [
      "com.fasterxml.jackson.core:jackson-annotations@2.14.0",
      "com.fasterxml.jackson.core:jackson-core@2.14.1",
      "com.fasterxml.jackson.core:jackson-databind@2.14.0",
    ]);
  });

  it("reads a Spring Boot jar's stored BOOT-INF/lib in place", async () => {
    const boot = zipBytes([
      { name: "BOOT-INF/classes/application.properties", data: Buffer.from("server.port=8080\n") },
      { name: "BOOT-INF/lib/jackson-databind-2.14.0.jar", data: jar("jackson-databind") },
      { name: "BOOT-INF/lib/jackson-core-2.14.1.jar", data: jar("jackson-core") },
    ]);
    const out = await analyze("app.jar", boot);
    assert.deepEqual(coordinates(out), [
      "com.fasterxml.jackson.core:jackson-core@2.14.1",
      "com.fasterxml.jackson.core:jackson-databind@2.14.0",
    ]);
    assert.match(out.packages?.[0]?.metadata?.javaEvidence ?? "", /^BOOT-INF\/lib\/jackson-/);
  });

  it("falls back to a versioned file name without pom.properties or manifest version", async () => {
    const bare = (await entriesOf(jar("jackson-core"))).filter(
      (e) => !e.name.startsWith("META-INF/"),
    );
    const out = await analyze("lib/jackson-core-2.14.1.jar", zipBytes(bare));
    assert.deepEqual(coordinates(out), ["jackson-core:jackson-core@2.14.1"]);
    assert.equal(out.packages?.[0]?.metadata?.confidence, "low");
    assert.deepEqual(coordinates(await analyze("lib/jackson-core.jar", zipBytes(bare))), []);
  });
});

describe("pom.properties syntax", () => {
  it("reads comments, the three separators, escapes and continued lines", () => {
    const text =
      "#Generated by Maven\n! old comment\ngroupId=org.example\nartifactId : app\n" +
      "version 1.\\\n    2.3\nname=caf\\u00e9\\tbar\n";
    assert.deepEqual(Object.fromEntries(parseProperties(text)), {
      groupId: "org.example",
      artifactId: "app",
      version: "1.2.3",
      name: "café\tbar",
    });
  });
});

describe("Java manifests", () => {
  // Constructed manifests in the shapes the named tools write.
  const id = (text: string) => {
    const found = fromManifest(parseManifest(text));
    return found && `${found.groupId}:${found.artifactId}@${found.version} ${found.confidence}`;
  };

  it("takes the group from Implementation-Vendor-Id (Maven's archiver)", () => {
    const text =
      "Implementation-Title: guava\r\nImplementation-Version: 31.1-jre\r\n" +
      "Implementation-Vendor-Id: com.google.guava\r\n";
    assert.equal(id(text), "com.google.guava:guava@31.1-jre medium");
  });

  it("splits bnd's <groupId>.<artifactId> symbolic name, continued over lines", () => {
    const text =
      "Bundle-SymbolicName: com.fasterxml.jackson.core.jackson-da\n tabind\nBundle-Version: 2.14.0\n";
    assert.equal(id(text), "com.fasterxml.jackson.core:jackson-databind@2.14.0 medium");
  });

  it("reads a Jenkins plugin's Group-Id, Short-Name and Plugin-Version", () => {
    const text = "Group-Id: org.jenkins-ci.plugins\nShort-Name: git\nPlugin-Version: 4.11.0\n";
    assert.equal(id(text), "org.jenkins-ci.plugins:git@4.11.0 high");
  });

  it("names nothing from a title that is prose (the JDK's jrt-fs.jar)", () => {
    assert.equal(
      id("Implementation-Title: Java Runtime Environment\nImplementation-Version: 17.0.21.1\n"),
      undefined,
    );
  });
});

describe("Java archives: hostile input", () => {
  it("ignores entries whose names leave the archive, and says so", async () => {
    const evil = zipBytes([
      { name: "../../../../etc/cron.d/evil", data: Buffer.from("* * * * * root sh\n") },
      { name: "/etc/passwd", data: Buffer.from("root::0:0::/:/bin/sh\n") },
      {
        name: "META-INF/maven/x/../../../y/pom.properties",
        data: Buffer.from("groupId=y\nartifactId=y\nversion=6.6.6\n"),
      },
      ...(await entriesOf(jar("snakeyaml"))),
    ]);
    const out = await analyze("evil.jar", evil);
    assert.deepEqual(coordinates(out), ["org.yaml:snakeyaml@1.33"]);
    assert.deepEqual(
      out.warnings?.map((w) => w.code),
      ["UNSAFE_ARCHIVE_ENTRY"],
    );
    assert.match(out.warnings?.[0]?.message ?? "", /^3 entry name\(s\) point outside the archive/);
  });

  it("refuses a nested archive that inflates past its size, or past the nested limit", async () => {
    const zeros = Buffer.alloc(80 << 20);
    const bomb = zipBytes([
      { name: "lib/lying.jar", data: zeros, deflate: true, declaredSize: 1000 },
      { name: "lib/huge.jar", data: zeros, deflate: true },
      { name: "lib/snakeyaml.jar", data: jar("snakeyaml") },
    ]);
    const out = await analyze("bomb.jar", bomb);
    assert.deepEqual(coordinates(out), ["org.yaml:snakeyaml@1.33"]);
    const messages = out.warnings?.map((w) => w.message) ?? [];
    assert.match(
      messages[0] ?? "",
      /lib\/lying\.jar not read: .*inflates past the 1000 bytes its header states/,
    );
    assert.match(
      messages[1] ?? "",
      /lib\/huge\.jar: 83886080 bytes inflated is over the 67108864-byte limit/,
    );
  });

  it("stops at the depth limit: a warning, and everything above it read", async () => {
    let inner: Buffer = jar("jackson-annotations");
    for (let level = 0; level < 12; level++)
      inner = zipBytes([{ name: `level${level}.jar`, data: inner }]);
    const out = await analyze("deep.jar", inner, { ...JAVA_LIMITS, maxDepth: 8 });
    assert.deepEqual(coordinates(out), []);
    assert.deepEqual(
      out.warnings?.map((w) => w.code),
      ["JAVA_ARCHIVE_LIMIT"],
    );
    assert.match(out.warnings?.[0]?.message ?? "", /nested deeper than 8 archives/);

    const shallow = await analyze("deep.jar", inner, { ...JAVA_LIMITS, maxDepth: 12 });
    assert.deepEqual(coordinates(shallow), [
      "com.fasterxml.jackson.core:jackson-annotations@2.14.0",
    ]);
  });

  it("stops a fan-out of nested archives at the archive limit", async () => {
    const one = jar("jackson-annotations");
    const wide = zipBytes(
      Array.from({ length: 200 }, (_, i) => ({ name: `lib/copy${i}.jar`, data: one })),
    );
    const started = Date.now();
    const out = await analyze("wide.jar", wide, { ...JAVA_LIMITS, maxArchives: 50 });
    assert.ok(Date.now() - started < 10_000);
    // The same artifact 49 times over is one package.
    assert.deepEqual(coordinates(out), ["com.fasterxml.jackson.core:jackson-annotations@2.14.0"]);
    assert.equal(out.warnings?.length, 1);
    assert.match(
      out.warnings?.[0]?.message ?? "",
      /lib\/copy49\.jar: more than 50 nested archives; it and the rest/,
    );
  });

  it("stops inflating once the file's budget is spent", async () => {
    const war = zipBytes([
      { name: "WEB-INF/lib/jackson-databind.jar", data: jar("jackson-databind"), deflate: true },
      { name: "WEB-INF/lib/jackson-core.jar", data: jar("jackson-core"), deflate: true },
    ]);
    const out = await analyze("app.war", war, { ...JAVA_LIMITS, maxInflatedBytes: 2 << 20 });
    assert.deepEqual(coordinates(out), ["com.fasterxml.jackson.core:jackson-databind@2.14.0"]);
    assert.match(out.warnings?.[0]?.message ?? "", /over 2097152 bytes inflated from this file/);
  });

  it("warns about a truncated jar and a jar that is no zip", async () => {
    const cut = await analyze("a.jar", jar("jackson-core").subarray(0, 200_000));
    const text = await analyze("b.jar", Buffer.from("#!/bin/sh\necho not a jar\n"));
    for (const out of [cut, text]) {
      assert.deepEqual(out.packages, []);
      assert.deepEqual(
        out.warnings?.map((w) => w.code),
        ["BAD_JAVA_ARCHIVE"],
      );
    }
  });

  it("reads only the entries under the entry limit", async () => {
    const out = await analyze("x.jar", jar("snakeyaml"), { ...JAVA_LIMITS, maxEntries: 10 });
    assert.match(out.warnings?.[0]?.message ?? "", /only the first 10 of \d+ entries were read/);
  });
});
