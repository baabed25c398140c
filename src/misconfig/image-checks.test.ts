import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Inventory } from "../inventory/types.js";
import type { ImageConfig } from "../source/types.js";
import { imageChecks } from "./image-checks.js";
import { runChecks } from "./types.js";

const inventory = (packages: Inventory["packages"] = [], files?: Inventory["files"]) =>
  ({ packages, files, warnings: [] }) as unknown as Inventory;

const ids = (config: ImageConfig, inv = inventory()) =>
  runChecks(imageChecks, { config, inventory: inv }).map((m) => m.id);

const labelled = {
  "org.opencontainers.image.source": "https://example.com/app",
  "org.opencontainers.image.version": "1.2.3",
  "org.opencontainers.image.revision": "0123abcd",
};
const careful: ImageConfig = {
  config: { User: "app", Healthcheck: { Test: ["CMD", "true"] }, Labels: labelled },
  history: [{ created_by: "RUN /bin/sh -c apt-get update && apt-get install -y curl # buildkit" }],
};

describe("image checks", () => {
  it("pass a careful image", () => {
    assert.deepEqual(ids(careful), []);
  });

  // History lines as Docker's classic builder and BuildKit write them.
  const cases: [string, ImageConfig, string][] = [
    ["root-user", { config: { ...careful.config, User: "0:0" } }, "User is 0:0"],
    ["no-healthcheck", { config: { ...careful.config, Healthcheck: { Test: ["NONE"] } } }, ""],
    [
      "secret-in-env",
      { config: { ...careful.config, Env: ["API_TOKEN=f00dfeed1234abcd"] } },
      "API_TOKEN",
    ],
    [
      "add-remote-url",
      {
        ...careful,
        history: [{ created_by: "/bin/sh -c #(nop) ADD https://example.com/x.tgz in /opt " }],
      },
      "",
    ],
    [
      "pipe-to-shell",
      { ...careful, history: [{ created_by: "RUN /bin/sh -c curl -sSL https://x.sh | bash" }] },
      "",
    ],
    ["update-alone", { ...careful, history: [{ created_by: "RUN /bin/sh -c apk update" }] }, ""],
    [
      "sensitive-port",
      { config: { ...careful.config, ExposedPorts: { "22/tcp": {}, "8080/tcp": {} } } },
      "22/tcp (SSH)",
    ],
    [
      "latest-base-image",
      {
        config: {
          ...careful.config,
          Labels: { ...labelled, "org.opencontainers.image.base.name": "docker.io/library/debian" },
        },
      },
      "debian",
    ],
    ["missing-oci-labels", { config: { ...careful.config, Labels: {} } }, "revision"],
  ];
  for (const [id, config, detail] of cases) {
    it(`${id} fires`, () => {
      const found = runChecks(imageChecks, { config, inventory: inventory() });
      assert.deepEqual(
        found.map((m) => m.id),
        [id],
      );
      assert.ok(found[0]?.evidence[0]?.detail.includes(detail), found[0]?.evidence[0]?.detail);
    });
  }

  it("a placeholder in a credential-named variable is no finding", () => {
    assert.deepEqual(ids({ config: { ...careful.config, Env: ["DB_PASSWORD=changeme"] } }), []);
  });

  it("judge the packages and files the inventory found", () => {
    const sudo = { type: "deb", name: "sudo", version: "1.9.13p3-1", path: "/var/lib/dpkg/status" };
    const inv = inventory([{ ...sudo, layer: { index: 1 } } as Inventory["packages"][number]], {
      setuid: [{ path: "/usr/bin/sudo", mode: "4755", layer: 1 }],
      worldWritable: [{ path: "/app/data", mode: "0777", layer: 2 }],
      packageCaches: [{ path: "/var/lib/apt/lists", manager: "apt", files: 12, layer: 1 }],
    });
    assert.deepEqual(ids(careful, inv), [
      "sudo-installed",
      "setuid-files",
      "world-writable",
      "package-cache",
    ]);
  });
});
