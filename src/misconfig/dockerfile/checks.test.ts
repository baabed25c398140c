import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runChecks } from "../types.js";
import { dockerfileChecks } from "./checks.js";
import { parseDockerfile } from "./parse.js";

const check = (text: string) =>
  runChecks(dockerfileChecks, { path: "Dockerfile", dockerfile: parseDockerfile(text) });

/** `id@line` for every piece of evidence, for compact comparisons. */
const hits = (text: string) =>
  check(text).flatMap((m) => m.evidence.map((e) => `${m.id}@${e.line ?? "-"}`));

const RISKY = `# syntax=docker/dockerfile:1
FROM node:latest AS build
MAINTAINER someone@example.com
ARG NPM_TOKEN=npm_abc123def456ghi789
WORKDIR app
ADD https://example.com/tool.tar.gz /tmp/
ADD src/ /app/src/
RUN apt-get update
RUN apt-get update && apt-get install -y \\
      curl \\
      git
RUN curl -fsSL https://example.com/install.sh | sh
RUN sudo make install
FROM debian:12.5@sha256:0123
COPY --from=build /app /app
ENV DB_PASSWORD=hunter2hunter2 PORT=3000
EXPOSE 22 3000
CMD ["node", "a.js"]
CMD ["node", "b.js"]
`;

const CLEAN = `FROM debian:12.5@sha256:0123 AS base
ADD --checksum=sha256:abcd https://example.com/tool.tar.gz /opt/
ADD vendor.tar.gz /opt/vendor/
RUN apt-get update && apt-get install -y --no-install-recommends curl \\
    && rm -rf /var/lib/apt/lists/*
RUN apk add --no-cache git
FROM base
ENV PORT=3000 DB_PASSWORD=\${DB_PASSWORD}
WORKDIR /app
EXPOSE 3000
USER app
HEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1
CMD ["node", "index.js"]
`;

describe("Dockerfile checks", () => {
  it("find every problem of a risky Dockerfile, on its line", () => {
    assert.deepEqual(hits(RISKY).sort(), [
      "add-instead-of-copy@7",
      "add-remote-url@6",
      "apt-install-recommends@9",
      "duplicate-cmd@18",
      "latest-base-image@2",
      "maintainer-deprecated@3",
      "no-healthcheck@14",
      "package-cache@9",
      "pipe-to-shell@12",
      "relative-workdir@5",
      "root-user@14",
      "secret-in-env@16",
      "secret-in-env@4",
      "sensitive-port@17",
      "sudo-in-run@13",
      "update-alone@8",
    ]);
  });

  it("pass a careful one", () => {
    assert.deepEqual(hits(CLEAN), []);
  });

  it("name no secret value in the evidence", () => {
    const text = JSON.stringify(check(RISKY));
    assert.ok(!text.includes("hunter2hunter2"));
    assert.ok(!text.includes("npm_abc123"));
  });

  it("see the last USER of the final stage only", () => {
    assert.deepEqual(hits("FROM a:1\nUSER app\nFROM b:1\nHEALTHCHECK NONE\n"), [
      "root-user@3",
      "no-healthcheck@3",
    ]);
    assert.deepEqual(hits("FROM a:1\nUSER app\nUSER 0:0\nHEALTHCHECK CMD true\n"), ["root-user@3"]);
    assert.deepEqual(hits("FROM a:1\nUSER 1000\nHEALTHCHECK CMD true\n"), []);
  });
});

describe("Dockerfile parser", () => {
  it("joins continued lines, drops comments inside them, keeps the first line number", () => {
    const df = parseDockerfile("FROM a:1\n\nRUN echo one \\\n  # a comment\n  two\nUSER x\n");
    assert.deepEqual(
      df.instructions.map((i) => [i.keyword, i.args, i.line]),
      [
        ["FROM", "a:1", 1],
        ["RUN", "echo one  two", 3],
        ["USER", "x", 6],
      ],
    );
  });

  it("honours the escape directive and reads heredocs", () => {
    const df = parseDockerfile(
      "# escape=`\nFROM a:1\nRUN dir `\n  c:\\\nRUN <<EOF\ncurl -s https://x | bash\nEOF\nUSER x\n",
    );
    assert.deepEqual(
      df.instructions.map((i) => i.keyword),
      ["FROM", "RUN", "RUN", "USER"],
    );
    assert.equal(df.instructions[1]?.args, "dir  c:\\");
    assert.deepEqual(df.instructions[2]?.heredocs, ["curl -s https://x | bash"]);
    assert.equal(df.instructions[3]?.line, 8);
  });

  it("names stages", () => {
    const df = parseDockerfile("FROM --platform=$B golang:1.22 AS build\nFROM scratch\n");
    assert.deepEqual(df.stages, [
      { image: "golang:1.22", name: "build", line: 1 },
      { image: "scratch", line: 2 },
    ]);
  });
});
