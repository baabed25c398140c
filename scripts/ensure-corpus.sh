#!/usr/bin/env bash
# Builds the corpus images the tests scan, into a cache directory outside the
# clone (default ~/.cache/vigil-corpus/out), with ../shared/corpus/build-corpus.sh.
# About two minutes the first time (debootstrap), about a second once built.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shared=${VIGIL_SHARED_DIR:-$(cd "$here/../.." && pwd)/shared}
out=${VIGIL_CORPUS_DIR:-$HOME/.cache/vigil-corpus/out}
script="$shared/corpus/build-corpus.sh"

if [ ! -f "$script" ]; then
  echo "ensure-corpus: $script not found; set VIGIL_SHARED_DIR to the shared folder" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-corpus: building the corpus needs root (debootstrap, chroot); run as root" >&2
  exit 1
fi

# The build script runs apt-get update on every call; skip it once its tools are here.
tools="skopeo umoci debootstrap docker-registry jq unzip curl zstd openssl"
missing=0
for t in $tools; do command -v "$t" >/dev/null 2>&1 || missing=1; done
export CORPUS_SKIP_APT_UPDATE=${CORPUS_SKIP_APT_UPDATE:-$((1 - missing))}

mkdir -p "$(dirname "$out")"
log="$(dirname "$out")/build.log"
start=$(date +%s)

# build-corpus.sh has no lock of its own, and two builds into one directory
# delete each other's scratch space: parallel test runs wait their turn.
exec 9>"$(dirname "$out")/build.lock"
flock 9

if ! bash "$script" build "$out" "$@" >"$log" 2>&1; then
  tail -30 "$log" >&2
  echo "ensure-corpus: build failed; full log in $log" >&2
  exit 1
fi
echo "ensure-corpus: corpus ready in $out ($(($(date +%s) - start)) s)"
