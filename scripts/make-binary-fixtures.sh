#!/usr/bin/env bash
# Builds the real binaries and archives the Java, Go, Rust and runtime
# analyzers are tested on, from Debian's packages, into a cache directory
# outside the clone (nothing here is checked in):
#
#   go/fixture-linux-amd64         Go 1.19 (Debian's golang-go), module mode, vendored
#                                  deps from Debian's golang-*-dev packages, a versioned
#                                  and a local replacement, stripped, -X main.version
#   go/fixture-linux-386           the same, 32-bit ELF, not stripped, no -trimpath (so
#                                  the build info keeps -ldflags)
#   go/fixture-windows-amd64.exe   the same, PE
#   go/fixture-darwin-arm64        the same, Mach-O
#   go/fixture-go1.15-linux-amd64  the same module built by Go 1.15 (bullseye's
#                                  golang-1.15): the pre-1.18 pointer format
#   go/fzf-bullseye                bullseye's fzf (Go 1.15, GOPATH mode)
#   go/VERSION-1.19, go/VERSION-1.15   the toolchains' VERSION files
#   rust/rg                        bookworm's ripgrep (no cargo-auditable data)
#   rust/rg-auditable, .json       the same with a .dep-v0 section added by objcopy, in
#                                  cargo-auditable's format (zlib-compressed JSON), listing
#                                  the crates Debian records as built into it
#                                  (X-Cargo-Built-Using); the JSON beside it
#   java/*.jar                     Debian's jars (jackson, snakeyaml, log4j 1.2, commons-lang3)
#   runtime/…                      nginx, apache2, redis-check-rdb, python3.11,
#                                  libpython3.11.so.1.0, openssl, libcrypto.so.3 from
#                                  bookworm's packages
#   PACKAGES.txt                   every package used, with its version
#
# Usage: scripts/make-binary-fixtures.sh      (prints the output directory)
# Env:   VIGIL_FIXTURES_DIR  parent of the output (default ~/.cache/vigil-fixtures)
#
# Needs root the first time: it installs golang-go, the golang-*-dev packages,
# binutils and zip with apt-get, and reads bullseye's package lists into its
# own apt state (the system's sources are not changed). About a minute.
set -euo pipefail

RECIPE=4
base=${VIGIL_FIXTURES_DIR:-$HOME/.cache/vigil-fixtures}
out=$base/binaries
stamp=$out/.recipe-$RECIPE

if [ -f "$stamp" ]; then
  echo "$out"
  exit 0
fi

mkdir -p "$base"
# Test files run in parallel and may all ask at once: one builds, the others wait.
exec 9>"$base/binaries.lock"
flock 9
if [ -f "$stamp" ]; then
  echo "$out"
  exit 0
fi

work=$(mktemp -d "$base/binaries.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
log() { echo "make-binary-fixtures: $*" >&2; }

# --- tools -------------------------------------------------------------------

go_deps="golang-github-pkg-errors-dev golang-github-google-uuid-dev golang-github-spf13-pflag-dev"
missing=""
for p in golang-go binutils $go_deps; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    log "needs root to install:$missing"
    exit 1
  fi
  log "installing$missing"
  apt-get install -y --no-install-recommends $missing >&2 ||
    { apt-get update >&2 && apt-get install -y --no-install-recommends $missing >&2; }
fi

# --- packages ------------------------------------------------------------------

debs=$work/debs
mkdir -p "$debs"
cd "$debs"
bookworm="ripgrep nginx apache2-bin redis-tools python3.11-minimal libpython3.11 openssl libssl3
  libjackson2-core-java libjackson2-databind-java libjackson2-annotations-java
  libyaml-snake-java liblog4j1.2-java libcommons-lang3-java"
log "downloading bookworm packages"
# shellcheck disable=SC2086
apt-get download $bookworm >&2 2>/dev/null || { apt-get update >&2 && apt-get download $bookworm >&2; }

# The Debian mirror this machine's apt uses (deb822 or one-line sources), or DEBIAN_MIRROR.
debian_mirror() {
  local uri=${DEBIAN_MIRROR:-}
  [ -n "$uri" ] || uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources |
    awk '{print $2}' | grep -v security | head -1)
  [ -n "$uri" ] || uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
    awk '{print $2}' | grep -v security | head -1)
  [ -n "$uri" ] || { echo "no Debian mirror in apt's sources; set DEBIAN_MIRROR" >&2; exit 1; }
  echo "$uri"
}

# Bullseye, for Go 1.15: its own apt state under the work dir; the system's is untouched.
apt_b=$work/apt-bullseye
mkdir -p "$apt_b/lists/partial" "$apt_b/cache/archives/partial"
echo "deb $(debian_mirror) bullseye main" >"$apt_b/sources.list"
bopts=(-o "Dir::Etc::SourceList=$apt_b/sources.list" -o "Dir::Etc::SourceParts=$apt_b/none"
  -o "Dir::State::Lists=$apt_b/lists" -o "Dir::Cache=$apt_b/cache" -o "Debug::NoLocking=1")
log "downloading bullseye's golang-1.15 and fzf"
apt-get "${bopts[@]}" update >&2
apt-get "${bopts[@]}" download golang-1.15-go golang-1.15-src fzf >&2 2>/dev/null

for d in *.deb; do
  dpkg-deb -f "$d" Package Version | paste -sd' ' >>"$work/PACKAGES.txt"
done
# The installed toolchain the Go fixtures are built with.
dpkg-query -W -f='Package: ${Package}\nVersion: ${Version}\n' golang-1.19-go | paste -sd' ' \
  >>"$work/PACKAGES.txt"
root=$work/root
mkdir -p "$root"
for d in *.deb; do dpkg-deb -x "$d" "$root"; done
cd "$work"

stage=$work/out
mkdir -p "$stage/go" "$stage/rust" "$stage/java" "$stage/runtime"

# --- Go ------------------------------------------------------------------------

mod=$work/gomod
mkdir -p "$mod/vendor/github.com/pkg" "$mod/vendor/github.com/google" \
  "$mod/vendor/github.com/spf13" "$mod/third_party"
gocode=/usr/share/gocode/src/github.com
cp -r "$gocode/pkg/errors" "$mod/vendor/github.com/pkg/errors"
cp -r "$gocode/google/uuid" "$mod/vendor/github.com/google/uuid"
cp -r "$gocode/spf13/pflag" "$mod/vendor/github.com/spf13/pflag"
# The local fork a replace directive points at (vendor mode still builds from vendor/).
cp -r "$gocode/spf13/pflag" "$mod/third_party/pflag"
printf 'module github.com/spf13/pflag\n\ngo 1.12\n' >"$mod/third_party/pflag/go.mod"

cat >"$mod/go.mod" <<'EOF'
module example.org/vigil/fixture

go 1.15

require (
	github.com/google/uuid v1.3.0
	github.com/pkg/errors v0.9.0
	github.com/spf13/pflag v1.0.5
)

replace github.com/pkg/errors v0.9.0 => github.com/pkg/errors v0.9.1

replace github.com/spf13/pflag => ./third_party/pflag
EOF
cat >"$mod/vendor/modules.txt" <<'EOF'
# github.com/google/uuid v1.3.0
## explicit
github.com/google/uuid
# github.com/pkg/errors v0.9.0 => github.com/pkg/errors v0.9.1
## explicit
github.com/pkg/errors
# github.com/spf13/pflag v1.0.5 => ./third_party/pflag
## explicit
github.com/spf13/pflag
# github.com/spf13/pflag => ./third_party/pflag
EOF
cat >"$mod/main.go" <<'EOF'
package main

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/pkg/errors"
	flag "github.com/spf13/pflag"
)

var version = "dev"

func main() {
	name := flag.String("name", "vigil", "who is asking")
	flag.Parse()
	fmt.Println(version, *name, uuid.NewString(), errors.New("fixture"))
}
EOF

gobuild() { # GOROOT-go OS ARCH OUTPUT [extra flags…]
  local go=$1 os=$2 arch=$3 output=$4
  shift 4
  (cd "$mod" && env -u GOFLAGS GOOS="$os" GOARCH="$arch" CGO_ENABLED=0 GO111MODULE=on \
    GOPROXY=off GOFLAGS=-mod=vendor GOPATH="$work/gopath" GOCACHE="$work/gocache" \
    "$go" build "$@" -o "$output" .)
}
go19=/usr/lib/go-1.19/bin/go
go15=$root/usr/lib/go-1.15/bin/go
log "building the Go fixtures"
# Go leaves -ldflags out of the build info under -trimpath (it may hold paths).
gobuild "$go19" linux amd64 "$stage/go/fixture-linux-amd64" -trimpath -buildvcs=false \
  -ldflags "-s -w -X main.version=1.4.2"
gobuild "$go19" linux 386 "$stage/go/fixture-linux-386" -buildvcs=false \
  -ldflags "-X main.version=1.4.2"
gobuild "$go19" windows amd64 "$stage/go/fixture-windows-amd64.exe" -trimpath -buildvcs=false
gobuild "$go19" darwin arm64 "$stage/go/fixture-darwin-arm64" -trimpath -buildvcs=false
GOROOT=$root/usr/lib/go-1.15 gobuild "$go15" linux amd64 "$stage/go/fixture-go1.15-linux-amd64" \
  -trimpath
cp "$root/usr/bin/fzf" "$stage/go/fzf-bullseye"
cp /usr/lib/go-1.19/VERSION "$stage/go/VERSION-1.19"
cp "$root/usr/lib/go-1.15/VERSION" "$stage/go/VERSION-1.15"

# --- Rust ----------------------------------------------------------------------

cp "$root/usr/bin/rg" "$stage/rust/rg"
# cargo-auditable's format: {"packages":[{name, version, source, kind?, dependencies?, root?}]}.
# Debian names the crates it linked in by source package (rust-NAME, rust-NAME-MAJOR).
dpkg-deb -f "$debs"/ripgrep_*.deb X-Cargo-Built-Using | node -e '
  const text = require("fs").readFileSync(0, "utf8");
  const crates = [...text.matchAll(/rust-([a-z0-9-]+?)(?:-\d+)? \(= (?:\d+:)?([^-~+)]+)[^)]*\)/g)]
    .map(([, name, version]) => ({ name, version, source: "crates.io" }));
  const root = { name: "ripgrep", version: "13.0.0", source: "local", root: true,
    dependencies: crates.map((_, i) => i) };
  process.stdout.write(JSON.stringify({ packages: [...crates, root] }));
' >"$stage/rust/rg-auditable.json"
node -e 'process.stdout.write(require("zlib").deflateSync(require("fs").readFileSync(0)))' \
  <"$stage/rust/rg-auditable.json" >"$work/dep-v0.z"
objcopy --add-section .dep-v0="$work/dep-v0.z" --set-section-flags .dep-v0=noload,readonly \
  "$stage/rust/rg" "$stage/rust/rg-auditable"

# --- Java and runtimes -----------------------------------------------------------

for jar in jackson-core jackson-databind jackson-annotations snakeyaml log4j-1.2-1.2.17 \
  commons-lang3; do
  cp "$root/usr/share/java/$jar.jar" "$stage/java/"
done
cp "$root/usr/sbin/nginx" "$root/usr/sbin/apache2" "$root/usr/bin/redis-check-rdb" \
  "$root/usr/bin/python3.11" "$root/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0" \
  "$root/usr/bin/openssl" \
  "$root/usr/lib/x86_64-linux-gnu/libcrypto.so.3" "$stage/runtime/"

sort "$work/PACKAGES.txt" >"$stage/PACKAGES.txt"
rm -rf "$out"
mv "$stage" "$out"
touch "$stamp"
log "done"
echo "$out"
