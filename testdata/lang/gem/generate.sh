#!/usr/bin/env bash
# Rebuilds Gemfile.lock with Debian's bundler, from gems Debian installed
# (no gem server is asked: `bundle lock --local`). Run as root on Debian 12.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)
apt-get install -y --no-install-recommends bundler ruby-rack rake ruby-rack-test >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
printf 'source "https://gems.example"\ngem "rack-test"\ngem "rake"\n' >Gemfile
bundle lock --local >/dev/null
cp Gemfile.lock "$out/Gemfile.lock"
