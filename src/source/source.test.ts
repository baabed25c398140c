import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { VigilError } from "../errors.js";
import { inventoryImage } from "../scan/inventory.js";
import { writeOciLayout } from "../testing/oci-builder.js";
import { sharedData } from "../testing/shared.js";
import { openImage } from "./index.js";
import { parseReference } from "./reference.js";
import { indexTar } from "./tar-index.js";
import { tempDir } from "../testing/tmp.js";

async function failure(p: Promise<unknown>): Promise<VigilError> {
  const err = await p.then(
    () => assert.fail("expected an error"),
    (e: unknown) => e,
  );
  assert.ok(err instanceof VigilError, String(err));
  return err;
}

/** Two single-platform layouts merged into one with a nested image index. */
async function multiPlatformLayout(): Promise<{ dir: string; amd64: string; arm64: string }> {
  const amd = await writeOciLayout([{ entries: [{ name: "a", content: "amd64" }] }]);
  const arm = await writeOciLayout([{ entries: [{ name: "a", content: "arm64" }] }], {
    architecture: "arm64",
    variant: "v8",
  });
  for (const blob of readdirSync(path.join(arm, "blobs/sha256"))) {
    cpSync(path.join(arm, "blobs/sha256", blob), path.join(amd, "blobs/sha256", blob));
  }
  const manifestOf = (dir: string) =>
    JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8")).manifests[0];
  const amdManifest = manifestOf(amd);
  const armManifest = manifestOf(arm);

  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [
        {
          ...amdManifest,
          annotations: undefined,
          platform: { os: "linux", architecture: "amd64" },
        },
        {
          ...armManifest,
          annotations: undefined,
          platform: { os: "linux", architecture: "arm64", variant: "v8" },
        },
      ],
    }),
  );
  const indexDigest = `sha256:${createHash("sha256").update(index).digest("hex")}`;
  writeFileSync(path.join(amd, "blobs/sha256", indexDigest.slice(7)), index);
  writeFileSync(
    path.join(amd, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.index.v1+json",
          digest: indexDigest,
          size: index.length,
          annotations: { "org.opencontainers.image.ref.name": "multi" },
        },
        { ...amdManifest, annotations: { "org.opencontainers.image.ref.name": "single" } },
      ],
    }),
  );
  return { dir: amd, amd64: amdManifest.digest, arm64: armManifest.digest };
}

describe("image references", () => {
  it("parses every reference form", () => {
    assert.deepEqual(parseReference("oci:/x/y.oci:latest"), {
      kind: "oci-layout",
      path: "/x/y.oci",
      tag: "latest",
    });
    assert.deepEqual(parseReference(`oci:/x@sha256:${"a".repeat(64)}`), {
      kind: "oci-layout",
      path: "/x",
      digest: `sha256:${"a".repeat(64)}`,
    });
    assert.deepEqual(parseReference("oci-archive:img.tar"), {
      kind: "oci-archive",
      path: "img.tar",
    });
    assert.deepEqual(parseReference("docker-archive:a.tar:repo/x:1.0"), {
      kind: "docker-archive",
      path: "a.tar",
      tag: "repo/x:1.0",
    });
    assert.deepEqual(parseReference("./dir.v1/image"), { kind: "path", path: "./dir.v1/image" });
    assert.throws(
      () => parseReference("oci:/x@sha256:short"),
      (e: VigilError) => e.code === "BAD_REFERENCE",
    );
    assert.throws(
      () => parseReference(""),
      (e: VigilError) => e.code === "BAD_REFERENCE",
    );
  });
});

describe("choosing an image in a layout", () => {
  it("picks the platform from a nested index, linux/amd64 by default", async () => {
    const { dir, amd64, arm64 } = await multiPlatformLayout();
    assert.equal((await openImage(`oci:${dir}:multi`)).digest, amd64);
    assert.equal((await openImage(`oci:${dir}:multi`, { platform: "linux/arm64" })).digest, arm64);
    assert.equal(
      (await openImage(`oci:${dir}:multi`, { platform: "linux/arm64/v8" })).digest,
      arm64,
    );
    assert.equal((await openImage(`oci:${dir}@${arm64}`)).digest, arm64);
  });

  it("lists what is there when the choice is ambiguous or empty", async () => {
    const { dir } = await multiPlatformLayout();
    const none = await failure(openImage(`oci:${dir}:multi`, { platform: "linux/s390x" }));
    assert.equal(none.code, "AMBIGUOUS_IMAGE");
    assert.match(none.message, /none for linux\/s390x.*linux\/amd64.*linux\/arm64\/v8/);

    const tag = await failure(openImage(`oci:${dir}:nope`));
    assert.equal(tag.code, "NOT_FOUND");
    assert.match(tag.hint ?? "", /multi, single/);

    const digest = await failure(openImage(`oci:${dir}@sha256:${"0".repeat(64)}`));
    assert.equal(digest.code, "NOT_FOUND");
  });

  it("refuses a manifest whose bytes do not match its digest", async () => {
    const dir = await writeOciLayout([{ entries: [{ name: "a", content: "x" }] }]);
    const digest = JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8")).manifests[0]
      .digest;
    const file = path.join(dir, "blobs/sha256", digest.slice(7));
    writeFileSync(file, readFileSync(file, "utf8").replace("schemaVersion", "schemaversion"));
    assert.equal((await failure(openImage(`oci:${dir}`))).code, "DIGEST_MISMATCH");
  });
});

describe("real archives from other tools", () => {
  const images = sharedData("rootfs", "images");
  const cases: [string, string, number][] = [
    ["alpine-3.14.9.containerd-oci+docker-archive.tar", "oci-archive", 1],
    ["hello-world.oci+docker-archive.tar", "oci-archive", 1],
    ["busybox.skopeo-docker-archive.tar", "docker-archive", 1],
    ["busybox-1.31.1.oci-layout.tar", "oci-archive", 1],
  ];

  for (const [file, kind, layers] of cases) {
    it(`opens ${file} as ${kind}`, async () => {
      const image = await openImage(path.join(images, file));
      assert.equal(image.kind, kind);
      assert.equal(image.layers.length, layers);
      assert.match(image.layers[0]?.diffId ?? "", /^sha256:[a-f0-9]{64}$/);
    });
  }

  it("reads the same containerd export as a docker-archive when asked to", async () => {
    const image = await openImage(`docker-archive:${path.join(images, cases[0]?.[0] as string)}`);
    assert.equal(image.kind, "docker-archive");
    assert.deepEqual(image.tags, ["alpine:3.14"]);
    // Newer docker-archives name layers by blob digest, which is then verified.
    assert.match(image.layers[0]?.digest ?? "", /^sha256:d2610770/);
  });

  it("rejects an archive whose config lists more layers than it holds", async () => {
    const err = await failure(openImage(path.join(images, "nginx-debian-trimmed.docker-save.tar")));
    assert.equal(err.code, "BAD_MANIFEST");
  });
});

describe("references that are easy to get wrong", () => {
  it("checks an explicit --platform even when the layout holds one image", async () => {
    const dir = await writeOciLayout([{ entries: [{ name: "a", content: "x" }] }]);
    const err = await failure(openImage(`oci:${dir}`, { platform: "linux/arm64" }));
    assert.equal(err.code, "AMBIGUOUS_IMAGE");
    assert.match(err.message, /none for linux\/arm64; images here: latest linux\/amd64/);
    assert.equal((await openImage(`oci:${dir}`, { platform: "linux/amd64" })).layers.length, 1);
  });

  it("takes a path with ':' or '@' in its name as a path when it exists", async () => {
    const dir = await writeOciLayout([{ entries: [{ name: "a", content: "x" }] }]);
    const odd = path.join(tempDir("vigil-odd-"), "image-tag:latest@v2");
    cpSync(dir, odd, { recursive: true });
    assert.equal((await openImage(odd)).layers.length, 1);
    assert.equal((await openImage(`oci:${odd}`)).layers.length, 1);
  });

  it("reads a name that is no path as a registry image", async () => {
    // Port 1 on loopback: nothing listens, so the registry cannot be reached.
    const err = await failure(openImage("127.0.0.1:1/team/app:1.0", { registry: { retries: 0 } }));
    assert.equal(err.code, "NETWORK");
    assert.match(err.message, /cannot reach registry 127\.0\.0\.1:1/);

    const marked = await failure(
      openImage("docker://127.0.0.1:1/team/app", { registry: { retries: 0 } }),
    );
    assert.equal(marked.code, "NETWORK");
  });

  it("matches docker-archive tags exactly, and a bare tag only when it is unique", async () => {
    const file = path.join(
      sharedData("rootfs", "images"),
      "alpine-3.14.9.containerd-oci+docker-archive.tar",
    );
    assert.equal((await openImage(`docker-archive:${file}:alpine:3.14`)).kind, "docker-archive");
    assert.equal((await openImage(`docker-archive:${file}:3.14`)).kind, "docker-archive");
    assert.equal((await failure(openImage(`docker-archive:${file}:4`))).code, "NOT_FOUND");
    assert.equal((await failure(openImage(`docker-archive:${file}:ine:3.14`))).code, "NOT_FOUND");
    const platform = await failure(
      openImage(`docker-archive:${file}`, { platform: "linux/arm64" }),
    );
    assert.equal(platform.code, "AMBIGUOUS_IMAGE");
  });

  it("refuses a blob that is a symlink out of the layout", async () => {
    const dir = await writeOciLayout([{ entries: [{ name: "a", content: "x" }] }]);
    const index = JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8"));
    const manifest = JSON.parse(
      readFileSync(path.join(dir, "blobs/sha256", index.manifests[0].digest.slice(7)), "utf8"),
    );
    const layer = path.join(dir, "blobs/sha256", manifest.layers[0].digest.slice(7));
    rmSync(layer);
    symlinkSync("/etc/passwd", layer);
    const err = await failure(inventoryImage(`oci:${dir}`));
    assert.equal(err.code, "UNSAFE_PATH");
  });

  it("reports an archive cut inside its last header as truncated", async () => {
    const src = path.join(sharedData("rootfs", "images"), "busybox-1.31.1.oci-layout.tar");
    const bytes = readFileSync(src);
    // Cut 200 bytes into the header of the last member.
    const lastHeader = Math.max(...[...(await indexTar(src)).values()].map((m) => m.offset)) - 512;
    const cut = path.join(tempDir("vigil-cut-"), "cut.tar");
    writeFileSync(cut, bytes.subarray(0, lastHeader + 200));
    const err = await failure(openImage(cut));
    assert.equal(err.code, "CORRUPT_LAYER");
    assert.match(err.message, /truncated/);
    rmSync(path.dirname(cut), { recursive: true });
  });

  it("turns malformed index and manifest JSON into BAD_MANIFEST, not a crash", async () => {
    for (const index of ["null", '{"manifests":{}}', '{"manifests":[null]}']) {
      const dir = await writeOciLayout([{ entries: [{ name: "a", content: "x" }] }]);
      writeFileSync(path.join(dir, "index.json"), index);
      assert.equal((await failure(openImage(`oci:${dir}`))).code, "BAD_MANIFEST", index);
    }
  });
});

describe("an OCI layout with a FIFO where a file should be", () => {
  it("is refused in one error, never read and waited on", async () => {
    for (const where of ["index", "layer"] as const) {
      const dir = await writeOciLayout([{ entries: [{ name: "etc/hostname", content: "x\n" }] }]);
      const source = await openImage(`oci:${dir}`);
      const layer = (source.layers[0]?.digest ?? "").slice("sha256:".length);
      const target =
        where === "index" ? path.join(dir, "index.json") : path.join(dir, "blobs", "sha256", layer);
      rmSync(target);
      execFileSync("mkfifo", [target]);
      await assert.rejects(inventoryImage(`oci:${dir}`), /is not a regular file/, where);
    }
  });
});

describe("an error that lists an image's tags", () => {
  it("stays one short line whatever tags the layout holds", async () => {
    const dir = await writeOciLayout([{ entries: [{ name: "etc/hostname", content: "x\n" }] }]);
    const indexFile = path.join(dir, "index.json");
    const index = JSON.parse(readFileSync(indexFile, "utf8"));
    const [entry] = index.manifests;
    // Thirty tags, one of them 100 KB long.
    index.manifests = Array.from({ length: 30 }, (_, i) => ({
      ...entry,
      annotations: { "org.opencontainers.image.ref.name": i === 0 ? "t".repeat(100_000) : `v${i}` },
    }));
    writeFileSync(indexFile, JSON.stringify(index));

    const err = await openImage(`oci:${dir}:missing`).catch((e: VigilError) => e);
    assert.ok(err instanceof VigilError);
    const line = `${err.message} (${err.hint})`;
    assert.ok(line.length < 1200, `${line.length} characters`);
    assert.match(line, /no image tagged "missing"/);
    assert.match(line, /t{80}…, v1, v2, .*, … \(20 more\)/);
  });
});
