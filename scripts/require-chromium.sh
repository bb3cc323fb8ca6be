#!/usr/bin/env bash
# Browser tests drive Debian's Chromium. Install it when missing and running as root;
# in CI a missing browser is a failure, never a silent skip.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian chromium for the browser tests..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium is missing (/usr/bin/chromium). Install Debian's 'chromium' package." >&2
exit 1
