import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { VigilError } from "../errors.js";
import { parseOciRef } from "./client.js";
import { apiHost, parseImageName } from "./reference.js";

const digest = `sha256:${"ab".repeat(32)}`;

describe("image names, by Docker's rules", () => {
  const cases: [string, ReturnType<typeof parseImageName>][] = [
    ["alpine", { registry: "docker.io", repository: "library/alpine", tag: "latest" }],
    ["alpine:3.18", { registry: "docker.io", repository: "library/alpine", tag: "3.18" }],
    ["bitnami/redis:7", { registry: "docker.io", repository: "bitnami/redis", tag: "7" }],
    ["docker.io/alpine", { registry: "docker.io", repository: "library/alpine", tag: "latest" }],
    ["index.docker.io/a/b:1", { registry: "docker.io", repository: "a/b", tag: "1" }],
    ["localhost/app", { registry: "localhost", repository: "app", tag: "latest" }],
    ["localhost:5000/a/b:c", { registry: "localhost:5000", repository: "a/b", tag: "c" }],
    ["127.0.0.1:5000/x:y", { registry: "127.0.0.1:5000", repository: "x", tag: "y" }],
    [
      "ghcr.io/o/r/deep/name:v1.2",
      { registry: "ghcr.io", repository: "o/r/deep/name", tag: "v1.2" },
    ],
    ["Host/app", { registry: "Host", repository: "app", tag: "latest" }],
    [`quay.io/a/b@${digest}`, { registry: "quay.io", repository: "a/b", digest }],
    [`quay.io/a/b:1@${digest}`, { registry: "quay.io", repository: "a/b", tag: "1", digest }],
    ["[::1]:5000/a", { registry: "[::1]:5000", repository: "a", tag: "latest" }],
    [
      "my_app-2__x.y",
      { registry: "docker.io", repository: "library/my_app-2__x.y", tag: "latest" },
    ],
  ];
  for (const [text, want] of cases) {
    it(text, () => assert.deepEqual(parseImageName(text), want));
  }

  it("refuses what is no image name: paths, capitals in a repository, bad tags and digests", () => {
    for (const text of [
      "/abs/path.tar",
      "./rel",
      "../up/x",
      "dir/",
      "Upper",
      "a/B",
      "a:-tag",
      "a@sha256:short",
      "a//b",
      "a_/b",
      `${"a".repeat(300)}`,
      "",
    ]) {
      assert.equal(parseImageName(text), undefined, text);
    }
  });

  it("calls Docker Hub's API at its own host", () => {
    assert.equal(apiHost("docker.io"), "registry-1.docker.io");
    assert.equal(apiHost("127.0.0.1:5000"), "127.0.0.1:5000");
  });
});

describe("oci:// references for db push and pull", () => {
  it("takes the first component as the registry, whatever it looks like", () => {
    assert.deepEqual(parseOciRef("oci://registry/vigil/db"), {
      registry: "registry",
      repository: "vigil/db",
      tag: "latest",
    });
    assert.deepEqual(parseOciRef("oci://127.0.0.1:5000/vigil/db:v1"), {
      registry: "127.0.0.1:5000",
      repository: "vigil/db",
      tag: "v1",
    });
  });

  it("refuses a reference with no registry", () => {
    assert.throws(
      () => parseOciRef("oci://db"),
      (e: VigilError) => e.code === "BAD_REFERENCE",
    );
  });
});
