#!/usr/bin/env bash
# Writes testdata/sbom/cdxgen/debian-app.cdx.json.gz: the SBOM that cdxgen, a
# third-party SBOM writer, makes of the corpus image debian-app (its
# docker-archive form). cdxgen is installed into a temp dir for this run
# only; it is not a dependency of vigil. Runs offline once npm has it.
#   bash scripts/make-cdxgen-sbom.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=12.8.4
corpus=${VIGIL_CORPUS_DIR:-$HOME/.cache/vigil-corpus/out}
out=testdata/sbom/cdxgen/debian-app.cdx.json.gz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

npm install --prefix "$work/tool" --no-audit --no-fund --no-save "@cyclonedx/cdxgen@$version" >/dev/null

# cdxgen names the image after the folder holding the tar.
mkdir "$work/debian-app"
cp "$corpus/debian-app.docker.tar" "$work/debian-app/"

# CycloneDX 1.6 (vigil reads 1.2-1.6), packages only: the thousands of file
# and crypto-asset components it also lists are not packages and are left out.
(cd "$work" && "$work/tool/node_modules/.bin/cdxgen" -t docker \
  --spec-version 1.6 \
  --component-type library --component-type framework --component-type application \
  --component-type operating-system \
  -o "$work/bom.json" "$work/debian-app/debian-app.docker.tar") >"$work/cdxgen.log" 2>&1 || {
  tail -20 "$work/cdxgen.log" >&2
  exit 1
}

mkdir -p "$(dirname "$out")"
gzip -9 -n -c "$work/bom.json" >"$out"
echo "wrote $out ($(wc -c <"$out") bytes) with cdxgen $version"
