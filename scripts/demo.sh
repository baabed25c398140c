#!/usr/bin/env bash
# The README's run command: builds the corpus images (once), loads the real
# advisory data kept in ../shared/data into vigil's database, and scans.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

shared=${VIGIL_SHARED_DIR:-$(cd .. && pwd)/shared}
corpus=${VIGIL_CORPUS_DIR:-$HOME/.cache/vigil-corpus/out}
fixtures="$(dirname "$corpus")/fixtures"

bash scripts/ensure-corpus.sh
node scripts/make-fixture-images.mjs "$fixtures"

echo "== loading advisories (OSV exports and Alpine secdb) from $shared/data"
node bin/vigil.js db import "$shared/data/osv" "$shared/data/feeds/alpine-secdb" --log-level warn | tail -1

echo "== debian-app (corpus image, OCI layout)"
node bin/vigil.js image "oci:$corpus/debian-app.oci:latest"

echo "== an Alpine 3.4 image made from a real old apk database"
node bin/vigil.js image "oci:$fixtures/alpine-3.4-old.oci"

echo "== an AlmaLinux 8 image with an rpm database, against real AlmaLinux advisories"
node bin/vigil.js image "oci:$fixtures/almalinux-8.oci"

echo "== CentOS 7 from its real rpm database: end of life, no feed to match"
node bin/vigil.js image "oci:$fixtures/centos-7.oci"
