#!/usr/bin/env bash
# Installs Debian's chromium for the HTML report's browser test
# (src/report/html.browser.test.ts drives it with playwright-core). Nothing
# is downloaded by playwright itself; about a minute the first time.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-browser: installing chromium needs root (apt-get); run as root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
echo "ensure-browser: $(/usr/bin/chromium --version)"
