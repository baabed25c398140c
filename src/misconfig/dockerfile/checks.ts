import { isSecretEnvName } from "../../secrets/collect.js";
import { looksLikePlaceholder } from "../../secrets/rules.js";
import {
  APT_INSTALL,
  INDEX_UPDATE,
  PACKAGE_INSTALL,
  PIPE_TO_SHELL,
  SENSITIVE_PORTS,
} from "../patterns.js";
import type { Check, Evidence } from "../types.js";
import type { Dockerfile, Instruction } from "./parse.js";

/** The file's name as reports show it, and its parsed instructions. */
export interface DockerfileFacts {
  path: string;
  dockerfile: Dockerfile;
}

const URL = /^https?:\/\//;
/** ADD unpacks local archives, which COPY does not; that use of ADD is fine. */
const ARCHIVE = /\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/;

/** Checks over a Dockerfile; ids shared with the image checks mean the same thing. */
export const dockerfileChecks: readonly Check<DockerfileFacts>[] = [
  {
    id: "root-user",
    title: "Image runs as root",
    severity: "HIGH",
    cis: "4.1",
    fix: "add USER with an unprivileged user after the last step that needs root",
    run: (f) => {
      const users = finalStage(f).filter((i) => i.keyword === "USER");
      const last = users.at(-1);
      if (!last) return [at(f, lastFrom(f), "the final stage sets no USER, so it runs as root")];
      if (!/^(?:root|0)(?::(?:root|0))?$/.test(last.args.trim())) return [];
      return [at(f, last, `the last USER is ${last.args.trim()}`)];
    },
  },
  {
    id: "no-healthcheck",
    title: "No HEALTHCHECK",
    severity: "LOW",
    cis: "4.6",
    fix: "add a HEALTHCHECK to the final stage",
    run: (f) =>
      finalStage(f).some((i) => i.keyword === "HEALTHCHECK" && !/^NONE\b/i.test(i.args))
        ? []
        : [at(f, lastFrom(f), "the final stage has no HEALTHCHECK")],
  },
  {
    id: "latest-base-image",
    title: "Base image named by a moving tag",
    severity: "MEDIUM",
    cis: "4.2",
    fix: "pin the base image to a version tag and digest (image:1.2.3@sha256:…)",
    run: (f) => {
      const stageNames = new Set(f.dockerfile.stages.flatMap((s) => (s.name ? [s.name] : [])));
      return f.dockerfile.stages.flatMap((s) => {
        if (s.image === "scratch" || stageNames.has(s.image) || s.image.includes("@")) return [];
        if (s.image.includes("$")) return [];
        const tag = /:([^/:]+)$/.exec(s.image)?.[1];
        if (tag !== undefined && tag !== "latest") return [];
        return [{ path: f.path, line: s.line, detail: `FROM ${s.image}` }];
      });
    },
  },
  {
    id: "secret-in-env",
    title: "Credential in ENV or ARG",
    severity: "HIGH",
    cis: "4.10",
    fix: "use a build secret (RUN --mount=type=secret) or pass it at run time",
    run: (f) =>
      f.dockerfile.instructions
        .filter((i) => i.keyword === "ENV" || i.keyword === "ARG")
        .flatMap((i) =>
          assignments(i.args)
            .filter(
              ([name, value]) => isSecretEnvName(name) && value && !looksLikePlaceholder(value),
            )
            .map(([name]) => at(f, i, `${i.keyword} ${name} has a value in the Dockerfile`)),
        ),
  },
  {
    id: "add-remote-url",
    title: "ADD fetches a remote URL",
    severity: "MEDIUM",
    cis: "4.9",
    fix: "download with a checksum check in RUN (or ADD --checksum=sha256:…)",
    run: (f) =>
      instructions(f, "ADD")
        .filter((i) => sources(i).some((s) => URL.test(s)) && !/--checksum=/.test(i.args))
        .map((i) => at(f, i, "ADD from a URL without --checksum")),
  },
  {
    id: "add-instead-of-copy",
    title: "ADD used where COPY does",
    severity: "LOW",
    cis: "4.9",
    fix: "use COPY for local files; ADD only unpacks archives",
    run: (f) =>
      instructions(f, "ADD")
        .filter((i) => sources(i).every((s) => !URL.test(s) && !ARCHIVE.test(s)))
        .map((i) => at(f, i, `ADD ${sources(i).join(" ")}`)),
  },
  {
    id: "pipe-to-shell",
    title: "A downloaded script is piped to a shell",
    severity: "HIGH",
    cis: "4.11",
    fix: "download the script, check its checksum or signature, then run it",
    run: (f) =>
      instructions(f, "RUN")
        .filter((i) => PIPE_TO_SHELL.test(command(i)))
        .map((i) => at(f, i, "curl or wget output run by a shell")),
  },
  {
    id: "update-alone",
    title: "Package index updated in a step that installs nothing",
    severity: "LOW",
    cis: "4.7",
    fix: "run the update and the install in the same RUN",
    run: (f) =>
      instructions(f, "RUN")
        .filter((i) => INDEX_UPDATE.test(command(i)) && !PACKAGE_INSTALL.test(command(i)))
        .map((i) => at(f, i, "update without an install in the same RUN")),
  },
  {
    id: "apt-install-recommends",
    title: "apt-get install pulls in recommended packages",
    severity: "LOW",
    cis: "4.3",
    fix: "add --no-install-recommends to apt-get install",
    run: (f) =>
      instructions(f, "RUN")
        .filter(
          (i) => APT_INSTALL.test(command(i)) && !/--no-install-recommends\b/.test(command(i)),
        )
        .map((i) => at(f, i, "apt-get install without --no-install-recommends")),
  },
  {
    id: "package-cache",
    title: "Package manager cache left in the image",
    severity: "LOW",
    fix: "remove /var/lib/apt/lists/* in the RUN that installs (or use apk add --no-cache)",
    run: (f) =>
      instructions(f, "RUN").flatMap((i) => {
        const cmd = command(i);
        if (APT_INSTALL.test(cmd) && !/\/var\/lib\/apt\/lists/.test(cmd)) {
          return [at(f, i, "apt-get install without removing /var/lib/apt/lists")];
        }
        if (/\bapk[ \t]{1,8}add\b/.test(cmd) && !/--no-cache\b/.test(cmd)) {
          return [at(f, i, "apk add without --no-cache")];
        }
        return [];
      }),
  },
  {
    id: "sudo-in-run",
    title: "RUN uses sudo",
    severity: "MEDIUM",
    fix: "build steps already run as root; drop sudo, and switch users with USER",
    run: (f) =>
      instructions(f, "RUN")
        .filter((i) => /(?:^|[;&|]\s*|\s)sudo\s/.test(command(i)))
        .map((i) => at(f, i, "sudo in a build step")),
  },
  {
    id: "sensitive-port",
    title: "Exposes a remote administration port",
    severity: "HIGH",
    fix: "remove the EXPOSE and the service",
    run: (f) =>
      instructions(f, "EXPOSE").flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((p) => SENSITIVE_PORTS[p.split("/")[0] ?? ""] !== undefined)
          .map((p) => at(f, i, `EXPOSE ${p}`)),
      ),
  },
  {
    id: "duplicate-cmd",
    title: "More than one CMD or ENTRYPOINT in a stage",
    severity: "MEDIUM",
    fix: "keep one CMD and one ENTRYPOINT per stage; only the last takes effect",
    run: (f) =>
      ["CMD", "ENTRYPOINT"].flatMap((keyword) =>
        f.dockerfile.stages.flatMap((_, stage) =>
          instructions(f, keyword)
            .filter((i) => i.stage === stage)
            .slice(0, -1)
            .map((i) => at(f, i, `an earlier ${keyword}, overridden later in the stage`)),
        ),
      ),
  },
  {
    id: "relative-workdir",
    title: "WORKDIR is a relative path",
    severity: "LOW",
    fix: "give WORKDIR an absolute path",
    run: (f) =>
      instructions(f, "WORKDIR")
        .filter((i) => !/^["']?(?:\/|\$|[A-Za-z]:)/.test(i.args.trim()))
        .map((i) => at(f, i, `WORKDIR ${i.args.trim()}`)),
  },
  {
    id: "maintainer-deprecated",
    title: "MAINTAINER is deprecated",
    severity: "LOW",
    fix: 'use LABEL org.opencontainers.image.authors="…"',
    run: (f) => instructions(f, "MAINTAINER").map((i) => at(f, i, "MAINTAINER")),
  },
];

function instructions(f: DockerfileFacts, keyword: string): Instruction[] {
  return f.dockerfile.instructions.filter((i) => i.keyword === keyword);
}

function finalStage(f: DockerfileFacts): Instruction[] {
  const last = f.dockerfile.stages.length - 1;
  return f.dockerfile.instructions.filter((i) => i.stage === last);
}

function lastFrom(f: DockerfileFacts): Instruction | undefined {
  return instructions(f, "FROM").at(-1);
}

function at(f: DockerfileFacts, i: Instruction | undefined, detail: string): Evidence {
  return i ? { path: f.path, line: i.line, detail } : { path: f.path, detail };
}

/** A RUN's shell text, heredoc bodies included; the JSON form's words joined. */
function command(i: Instruction): string {
  const body = jsonArgs(i.args)?.join(" ") ?? i.args;
  return [body, ...i.heredocs].join("\n");
}

/** ADD/COPY sources: every argument but the last, flags left out. */
function sources(i: Instruction): string[] {
  const words = jsonArgs(i.args) ?? i.args.split(/\s+/).filter(Boolean);
  return words.filter((w) => !w.startsWith("--")).slice(0, -1);
}

function jsonArgs(args: string): string[] | undefined {
  if (!args.trimStart().startsWith("[")) return undefined;
  try {
    const parsed: unknown = JSON.parse(args);
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** `ENV A=1 B="two"`, the legacy `ENV A 1`, and `ARG NAME[=default]`. */
function assignments(args: string): [string, string][] {
  const pairs = [...args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g)];
  if (pairs.length > 0)
    return pairs.map((m) => [m[1] ?? "", (m[2] ?? "").replace(/^["']|["']$/g, "")]);
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.+)$/.exec(args.trim());
  return legacy ? [[legacy[1] ?? "", legacy[2] ?? ""]] : [];
}
