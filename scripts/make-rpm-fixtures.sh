#!/usr/bin/env bash
# Makes the rpm ndb fixtures from the real CentOS 7 Berkeley DB rpmdb in the
# shared data (MIT, see shared/data/SOURCES.md), with rpm's own ndb code:
#
#   OUT_DIR/centos7-subset.Packages.db.gz    committed (under 1 MB gzipped)
#   OUT_DIR/centos7-subset.expected.tsv      `rpm -qa` of it, sorted
#   CACHE/centos7-plain.Packages.db          all 144 packages (2 MB gzipped:
#                                            too big to commit; tests read it
#                                            from CACHE when it is there)
#
# Usage: scripts/make-rpm-fixtures.sh [OUT_DIR]   (default: testdata/rpm)
# Env:   VIGIL_SHARED_DIR  the shared folder (default: ../shared beside the clone)
#        VIGIL_RPM_CACHE   build and cache folder (default: ~/.cache/vigil-rpm-ndb)
#
# Debian 12's rpm (4.18) is built without the ndb backend, so when the `rpm`
# on PATH cannot write ndb, this builds rpm 4.18 from Debian's source package
# with --enable-ndb (needs root: it adds deb-src entries and build-deps) and
# uses it from its build tree; Debian's rpm package supplies rpmrc and macros.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/testdata/rpm}
shared=${VIGIL_SHARED_DIR:-$repo/../shared}
cache=${VIGIL_RPM_CACHE:-$HOME/.cache/vigil-rpm-ndb}
bdb_gz=$shared/data/pkgdb/rpm/centos7-plain.Packages.bdb.gz

# The 40 packages with the largest headers (mostly changelogs and file lists),
# erased so that the committed subset stays under 1 MB gzipped.
erase=(
  bash bind-license binutils coreutils curl dbus device-mapper device-mapper-libs dracut
  filesystem glibc glibc-common kpartx krb5-libs libblkid libcurl libgcc libmount libselinux
  libsemanage libstdc++ libuser libuuid ncurses-base nss nss-sysinit nss-tools openldap
  openssl-libs pam python python-libs rpm rpm-python shadow-utils systemd systemd-libs tzdata
  util-linux yum
)
qf='%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\n'

[ -f "$bdb_gz" ] || { echo "missing $bdb_gz (set VIGIL_SHARED_DIR)" >&2; exit 1; }
mkdir -p "$out" "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! [ -f /usr/lib/rpm/rpmrc ]; then
  apt-get update && apt-get install -y rpm
fi

# Does this rpm write ndb? `--initdb` creates Packages.db only if it does.
can_ndb() {
  local db=$work/probe
  rm -rf "$db" && mkdir -p "$db"
  "$@" --dbpath "$db" --define '_db_backend ndb' --initdb >/dev/null 2>&1 || true
  [ -f "$db/Packages.db" ]
}

build_rpm() {
  local src=$cache/src
  if ! ls "$src"/rpm-*/configure >/dev/null 2>&1; then
    if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ \
      && ! grep -qs '^deb-src' /etc/apt/sources.list; then
      # Same archive as the binary entries, for source packages too.
      local f
      f=$(ls /etc/apt/sources.list.d/*.sources | head -n 1)
      sed 's/^Types: deb$/Types: deb-src/' "$f" >/etc/apt/sources.list.d/vigil-deb-src.sources
    fi
    apt-get update
    apt-get build-dep -y rpm
    mkdir -p "$src" && (cd "$src" && apt-get source rpm)
  fi

  local dir
  dir=$(ls -d "$src"/rpm-*/ | head -n 1)
  (
    cd "$dir"
    # Debian patches configure.ac for Lua 5.3 but regenerates configure at
    # build time; passing the flags saves running autoreconf.
    ./configure --enable-ndb --enable-bdb-ro --enable-sqlite=yes --with-lua \
      LUA_CFLAGS="$(pkg-config --cflags lua5.3)" LUA_LIBS="$(pkg-config --libs lua5.3)" \
      --disable-python --disable-plugins --disable-openmp --without-selinux --without-cap \
      --without-acl --without-audit
    make -j"$(nproc)" -C misc
    make -j"$(nproc)" -C rpmio
    make -j"$(nproc)" -C lib
    make -j"$(nproc)" rpm rpmdb
  ) >"$cache/build.log" 2>&1 || { echo "rpm build failed: see $cache/build.log" >&2; exit 1; }
}

rc=(--rcfile=/usr/lib/rpm/rpmrc --macros=/usr/lib/rpm/macros --define '_db_backend ndb')
if can_ndb rpmdb; then
  rpm=(rpm "${rc[@]}")
  rpmdb=(rpmdb "${rc[@]}")
else
  dir=$(ls -d "$cache"/src/rpm-*/ 2>/dev/null | head -n 1 || true)
  if [ -z "$dir" ] || ! can_ndb "$dir/rpmdb" "${rc[@]}"; then
    echo "building rpm with the ndb backend (a few minutes; log in $cache/build.log)" >&2
    build_rpm
    dir=$(ls -d "$cache"/src/rpm-*/ | head -n 1)
  fi
  rpm=("$dir/rpm" "${rc[@]}")
  rpmdb=("$dir/rpmdb" "${rc[@]}")
fi

# Whole database: --rebuilddb reads the BDB (bdb_ro) and writes ndb.
mkdir -p "$work/full"
gunzip -c "$bdb_gz" >"$work/full/Packages"
"${rpmdb[@]}" --dbpath "$work/full" --rebuilddb
cp "$work/full/Packages.db" "$cache/centos7-plain.Packages.db"

# Subset: erase from the ndb copy (database only), then rebuild it compact.
mkdir -p "$work/subset"
cp "$work/full/Packages.db" "$work/subset/"
"${rpm[@]}" --dbpath "$work/subset" -e --justdb --nodeps --noscripts --notriggers "${erase[@]}"
"${rpmdb[@]}" --dbpath "$work/subset" --rebuilddb
gzip -9 -n -c "$work/subset/Packages.db" >"$out/centos7-subset.Packages.db.gz"
{
  printf 'name\tepoch\tversion\trelease\tarch\tsourcerpm\tlicense\n'
  "${rpm[@]}" --dbpath "$work/subset" -qa --qf "$qf" | LC_ALL=C sort
} >"$out/centos7-subset.expected.tsv"

ls -l "$out/centos7-subset.Packages.db.gz" "$out/centos7-subset.expected.tsv" \
  "$cache/centos7-plain.Packages.db"
