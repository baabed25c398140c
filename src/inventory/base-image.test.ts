import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { openImage } from "../source/index.js";
import { referencesFor } from "../testing/corpus.js";
import { baseImageOf } from "./base-image.js";

describe("the base image", () => {
  it("debian-app: the debootstrap layer, up to the base's CMD", async () => {
    const source = await openImage(referencesFor("debian-app")[0] as string);
    assert.deepEqual(baseImageOf(source.config), {
      name: undefined,
      digest: undefined,
      layers: 1,
      from: ["history"],
    });
  });

  it("an image whose only CMD is its last step has no base", async () => {
    const source = await openImage(referencesFor("alpine-3.18.9")[0] as string);
    assert.equal(baseImageOf(source.config), undefined);
  });

  it("docker's history spelling, and the OCI labels", () => {
    const config = {
      config: {
        Labels: {
          "org.opencontainers.image.base.name": "registry.example/library/debian:12",
          "org.opencontainers.image.base.digest": `sha256:${"a".repeat(64)}`,
        },
      },
      history: [
        { created_by: "/bin/sh -c #(nop) ADD file:1234 in / " },
        { created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
        { created_by: "/bin/sh -c apt-get update && apt-get install -y curl" },
        { created_by: "/bin/sh -c #(nop) COPY dir:abcd in /app " },
        { created_by: '/bin/sh -c #(nop)  CMD ["node"]', empty_layer: true },
      ],
    };
    assert.deepEqual(baseImageOf(config), {
      name: "registry.example/library/debian:12",
      digest: `sha256:${"a".repeat(64)}`,
      layers: 1,
      from: ["label", "history"],
    });
  });
});
