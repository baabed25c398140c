#!/usr/bin/env bash
# Rebuilds the npm, yarn and pnpm fixtures of this folder with the real tools
# (see README.md). Needs network access to the npm registry; the tests do not.
# Usage: bash testdata/lang/generate.sh TOOLS_DIR
#   TOOLS_DIR: a folder where `npm i yarn@1.22.22 @yarnpkg/cli-dist@4.18.1
#   pnpm7@npm:pnpm@7.33.7 pnpm8@npm:pnpm@8.15.9 pnpm9@npm:pnpm@9.15.9
#   pnpm12@npm:pnpm@12.4.2` was run.
set -euo pipefail
tools=$(cd "$1" && pwd)/node_modules
out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One project for every tool: a scoped package, an alias, a dev dependency, and
# two versions of ms and is-number so that some are nested under their dependents.
project() {
  rm -rf "$work/p" && mkdir -p "$work/p" && cd "$work/p"
  cat >package.json <<'JSON'
{
  "name": "langtext-fixture",
  "version": "1.0.0",
  "private": true,
  "dependencies": {
    "@tootallnate/once": "2.0.0",
    "debug": "2.6.9",
    "is-odd": "3.0.1",
    "ms": "2.1.3",
    "ms-old": "npm:ms@2.0.0"
  },
  "devDependencies": {
    "is-number": "7.0.0"
  }
}
JSON
}

# npm: lockfile v1, v2, v3, and the installed tree (package.json files only).
for v in 1 2 3; do
  project
  npm install --ignore-scripts --no-audit --no-fund --lockfile-version "$v" >/dev/null
  cp package-lock.json "$out/npm/package-lock.v$v.json"
done
rm -rf "$out/npm/tree" && mkdir -p "$out/npm/tree"
cp package.json package-lock.json "$out/npm/tree/"
find node_modules -name package.json | while read -r f; do
  mkdir -p "$out/npm/tree/$(dirname "$f")" && cp "$f" "$out/npm/tree/$f"
done

# yarn classic (v1) and berry (v4).
project
node "$tools/yarn/bin/yarn.js" install --ignore-scripts --no-progress >/dev/null
# The registry's host is replaced by an example one, as in the shared fixtures.
sed -E 's#resolved "https://[^/]+/#resolved "https://registry.npm.example/#' yarn.lock \
  >"$out/yarn/yarn.v1.lock"
project
echo 'nodeLinker: node-modules' >.yarnrc.yml
YARN_ENABLE_TELEMETRY=0 node "$tools/@yarnpkg/cli-dist/bin/yarn.js" install >/dev/null
cp yarn.lock "$out/yarn/yarn.berry.lock"

# pnpm 7 (lock 5.4; pnpm 6 fails on Node 20), 8 (6.0), 9 (9.0), and 12 with a
# config dependency, which it writes as a first YAML document of its own.
for n in 7 8 9; do
  project
  node "$tools/pnpm$n/bin/pnpm.cjs" install --ignore-scripts >/dev/null
  cp pnpm-lock.yaml "$out/pnpm/pnpm$n-lock.yaml"
done
project
node "$tools/pnpm12/bin/pnpm.mjs" add --config is-number@7.0.0 >/dev/null
node "$tools/pnpm12/bin/pnpm.mjs" install --ignore-scripts >/dev/null
cp pnpm-lock.yaml "$out/pnpm/pnpm12-lock.yaml"
