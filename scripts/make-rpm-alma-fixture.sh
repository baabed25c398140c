#!/usr/bin/env bash
# Makes a small rpm database for an AlmaLinux 8 test image, so the real
# AlmaLinux advisories in shared/data/osv/other-distros have packages to
# match (and to not match). The packages are empty: only their headers count.
#
#   OUT_DIR/alma8-fixture.rpmdb.sqlite.gz   committed
#   OUT_DIR/alma8-fixture.expected.tsv      `rpm -qa` of it, sorted
#
# Usage: scripts/make-rpm-alma-fixture.sh [OUT_DIR]   (default: testdata/rpm)
# Needs Debian's rpm package (rpm 4.18: rpmbuild, and the sqlite backend that
# Fedora 33+ and EL9 use); tests never need it, they read the committed file.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/testdata/rpm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! command -v rpmbuild >/dev/null; then
  apt-get update && apt-get install -y rpm
fi

# name: source rpm; then one line per package it builds:
#   subpackage|epoch|version|release|arch|vendor|modularitylabel
# "-" as subpackage means the main package; "" epoch means none.
#
#   krb5-libs below ALBA-2021:4378's fix (1.18.2-14.el8), krb5-workstation at it
#   python3-requests below ALSA-2023:4520's fix, but built by EPEL's vendor
#   mariadb (stream 10.3) below ALSA-2023:5259's fix, mariadb-server at it
#   libtiff and avahi-libs below fixes that AlmaLinux 9 advisories name
#   bash: no advisory at all
packages=(
  "krb5|libs||1.18.2|10.el8|x86_64|AlmaLinux|"
  "krb5|workstation||1.18.2|14.el8|x86_64|AlmaLinux|"
  "python-requests|python3-requests||2.20.0|2.1.el8_1|noarch|Fedora Project|"
  "mariadb|-|3|10.3.28|1.module_el8.3.0+2177+7adc332a|x86_64|AlmaLinux|mariadb:10.3:8030020210405123612:9edba152"
  "mariadb|server|3|10.3.39|1.module_el8.8.0+3609+204d4ab0|x86_64|AlmaLinux|mariadb:10.3:8080020230829103405:9edba152"
  "libtiff|-||4.0.9|20.el8|x86_64|AlmaLinux|"
  "avahi|libs||0.7|20.el8|x86_64|AlmaLinux|"
  "bash|-||4.4.20|4.el8_6|x86_64|AlmaLinux|"
)

spec() {
  local src=$1 sub=$2 epoch=$3 version=$4 release=$5 arch=$6 vendor=$7 label=$8
  echo "Name: $src"
  [ -n "$epoch" ] && echo "Epoch: $epoch"
  echo "Version: $version"
  echo "Release: $release"
  echo "Summary: vigil test fixture"
  echo "License: MIT"
  echo "Vendor: $vendor"
  [ -n "$label" ] && echo "ModularityLabel: $label"
  [ "$arch" = noarch ] && echo "BuildArch: noarch"
  printf '%%description\nvigil test fixture\n'
  if [ "$sub" = - ]; then
    printf '%%files\n'
  else
    # A full name (python3-requests) or a suffix (libs -> krb5-libs).
    local flag=
    [[ $sub == *-* ]] && flag=-n
    printf '%%package %s %s\nSummary: vigil test fixture\n' "$flag" "$sub"
    printf '%%description %s %s\nvigil test fixture\n%%files %s %s\n' \
      "$flag" "$sub" "$flag" "$sub"
  fi
}

export SOURCE_DATE_EPOCH=1700000000
i=0
for row in "${packages[@]}"; do
  IFS='|' read -r src sub epoch version release arch vendor label <<<"$row"
  i=$((i + 1))
  spec "$src" "$sub" "$epoch" "$version" "$release" "$arch" "$vendor" "$label" >"$work/$i.spec"
  rpmbuild --quiet --define "_topdir $work/top" --define "_buildhost fixture.vigil" \
    --define "use_source_date_epoch_as_buildtime 1" --target x86_64 -bb "$work/$i.spec"
done

db=$work/db
mkdir -p "$db"
rpm=(rpm --dbpath "$db" --define '_db_backend sqlite')
"${rpm[@]}" --initdb
"${rpm[@]}" -i --justdb --nodeps --noscripts --notriggers --ignorearch --ignoreos \
  "$work"/top/RPMS/*/*.rpm

# One self-contained file, as an image keeps it: no -wal or -shm beside it.
python3 - "$db/rpmdb.sqlite" <<'EOF'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.execute("PRAGMA journal_mode=DELETE")
con.execute("VACUUM")
con.close()
EOF

mkdir -p "$out"
gzip -9 -n -c "$db/rpmdb.sqlite" >"$out/alma8-fixture.rpmdb.sqlite.gz"
qf='%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\t%{VENDOR}\t%{MODULARITYLABEL}\n'
{
  printf 'name\tepoch\tversion\trelease\tarch\tsourcerpm\tlicense\tvendor\tmodularitylabel\n'
  "${rpm[@]}" -qa --qf "$qf" | LC_ALL=C sort
} >"$out/alma8-fixture.expected.tsv"
ls -l "$out/alma8-fixture.rpmdb.sqlite.gz" "$out/alma8-fixture.expected.tsv"
