import type { Inventory, ModeFact } from "../inventory/types.js";
import { isSecretEnvName } from "../secrets/collect.js";
import { looksLikePlaceholder } from "../secrets/rules.js";
import type { ImageConfig } from "../source/types.js";
import {
  ADD_URL,
  INDEX_UPDATE,
  PACKAGE_INSTALL,
  PIPE_TO_SHELL,
  SENSITIVE_PORTS,
} from "./patterns.js";
import type { Check, Evidence } from "./types.js";

/** What the image checks read: the config as the image stores it, and the inventory. */
export interface ImageFacts {
  config: ImageConfig;
  inventory: Inventory;
}

const CONFIG = "(image config)";

/** The image configuration and filesystem checks, in the order reports list them. */
export const imageChecks: readonly Check<ImageFacts>[] = [
  {
    id: "root-user",
    title: "Image runs as root",
    severity: "HIGH",
    cis: "4.1",
    fix: "create an unprivileged user in the image and name it in USER",
    run: ({ config }) => {
      const user = config.config?.User?.trim() ?? "";
      if (user !== "" && !/^(?:root|0)(?::(?:root|0))?$/.test(user)) return [];
      const detail =
        user === "" ? "User is not set, so the container runs as root" : `User is ${user}`;
      return [{ path: `${CONFIG} User`, detail }];
    },
  },
  {
    id: "no-healthcheck",
    title: "No HEALTHCHECK",
    severity: "LOW",
    cis: "4.6",
    fix: "add a HEALTHCHECK so the runtime can tell a hung container from a healthy one",
    run: ({ config }) => {
      const test = config.config?.Healthcheck?.Test ?? [];
      if (test.length > 0 && test[0] !== "NONE") return [];
      return [{ path: `${CONFIG} Healthcheck`, detail: "the image defines no health check" }];
    },
  },
  {
    id: "secret-in-env",
    title: "Credential in the image environment",
    severity: "HIGH",
    cis: "4.10",
    fix: "pass secrets at run time (a mounted file or the orchestrator's secrets), not with ENV",
    run: ({ config }) =>
      (config.config?.Env ?? []).flatMap((entry) => {
        const [name = "", ...rest] = entry.split("=");
        const value = rest.join("=");
        if (!isSecretEnvName(name) || value === "" || looksLikePlaceholder(value)) return [];
        return [{ path: `${CONFIG} Env`, detail: `${name} is set to a value in the image` }];
      }),
  },
  {
    id: "add-remote-url",
    title: "ADD fetches a remote URL",
    severity: "MEDIUM",
    cis: "4.9",
    fix: "download with a checksum check in RUN, or COPY a file fetched and verified beforehand",
    run: ({ config }) => historyMatching(config, ADD_URL, "ADD from a URL, unverified"),
  },
  {
    id: "pipe-to-shell",
    title: "A downloaded script is piped to a shell",
    severity: "HIGH",
    cis: "4.11",
    fix: "download the script, check its checksum or signature, then run it",
    run: ({ config }) =>
      historyMatching(config, PIPE_TO_SHELL, "curl or wget output run by a shell"),
  },
  {
    id: "update-alone",
    title: "Package index updated in a step that installs nothing",
    severity: "LOW",
    cis: "4.7",
    fix: "update and install in the same RUN, so a cached update layer never installs stale versions",
    run: ({ config }) =>
      history(config).flatMap((h) =>
        INDEX_UPDATE.test(h.text) && !PACKAGE_INSTALL.test(h.text)
          ? [{ path: h.path, detail: "package index updated without installing in the same step" }]
          : [],
      ),
  },
  {
    id: "sensitive-port",
    title: "Exposes a remote administration port",
    severity: "HIGH",
    fix: "remove the EXPOSE and the service; administer containers through the orchestrator",
    run: ({ config }) =>
      Object.keys(config.config?.ExposedPorts ?? {}).flatMap((port) => {
        const service = SENSITIVE_PORTS[port.split("/")[0] ?? ""];
        return service ? [{ path: `${CONFIG} ExposedPorts`, detail: `${port} (${service})` }] : [];
      }),
  },
  {
    id: "sudo-installed",
    title: "sudo is installed",
    severity: "LOW",
    cis: "4.3",
    fix: "remove sudo; set the user with USER, and do root work at build time",
    run: ({ inventory }) =>
      inventory.packages
        .filter((p) => p.name === "sudo" && ["deb", "apk", "rpm"].includes(p.type))
        .map((p) => ({ path: p.path, layer: p.layer.index, detail: `sudo ${p.version}` })),
  },
  {
    id: "setuid-files",
    title: "Files with setuid or setgid permissions",
    severity: "LOW",
    cis: "4.8",
    fix: "remove the setuid and setgid bits (chmod u-s,g-s) from files the application does not need",
    run: ({ inventory }) => modeEvidence(inventory.files?.setuid),
  },
  {
    id: "world-writable",
    title: "World-writable files or directories outside temporary directories",
    severity: "MEDIUM",
    fix: "remove write permission for others (chmod o-w), or use a sticky temporary directory",
    run: ({ inventory }) => modeEvidence(inventory.files?.worldWritable),
  },
  {
    id: "package-cache",
    title: "Package manager cache left in the image",
    severity: "LOW",
    fix: "clean the cache in the same RUN that installs (apt-get clean and rm -rf /var/lib/apt/lists/*, apk --no-cache, npm cache clean)",
    run: ({ inventory }) =>
      (inventory.files?.packageCaches ?? []).map((c) => ({
        path: c.path,
        layer: c.layer,
        detail: `${c.files} file(s) of the ${c.manager} cache`,
      })),
  },
  {
    id: "latest-base-image",
    title: "Base image named by a moving tag",
    severity: "LOW",
    cis: "4.2",
    fix: "build FROM a pinned tag and digest (image:1.2.3@sha256:…)",
    run: ({ config }) => {
      const base = config.config?.Labels?.["org.opencontainers.image.base.name"];
      if (!base || base.includes("@sha256:")) return [];
      const tag = /:([^/:]+)$/.exec(base)?.[1];
      if (tag !== undefined && tag !== "latest") return [];
      return [
        { path: `${CONFIG} Labels`, detail: `org.opencontainers.image.base.name is ${base}` },
      ];
    },
  },
  {
    id: "missing-oci-labels",
    title: "Image labels people rely on are missing",
    severity: "LOW",
    fix: "label the image with org.opencontainers.image.source, .version and .revision at build time",
    run: ({ config }) => {
      const labels = config.config?.Labels ?? {};
      const missing = ["source", "version", "revision"]
        .map((k) => `org.opencontainers.image.${k}`)
        .filter((k) => !labels[k]);
      if (missing.length === 0) return [];
      return [{ path: `${CONFIG} Labels`, detail: `not set: ${missing.join(", ")}` }];
    },
  },
];

function modeEvidence(files: readonly ModeFact[] = []): Evidence[] {
  return files.map((f) => ({ path: f.path, layer: f.layer, detail: `mode ${f.mode}` }));
}

/** The history's commands, each with where it sits; ENV, LABEL and RUN lines alike. */
function history(config: ImageConfig): { path: string; text: string }[] {
  return (config.history ?? []).map((h, i) => ({
    path: `${CONFIG} history[${i}]`,
    text: h.created_by ?? "",
  }));
}

function historyMatching(config: ImageConfig, pattern: RegExp, detail: string): Evidence[] {
  return history(config)
    .filter((h) => pattern.test(h.text))
    .map((h) => ({ path: h.path, detail }));
}
