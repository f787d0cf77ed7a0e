#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing:
#   chromium      — browser tests drive /usr/bin/chromium with playwright-core (never a downloaded browser)
#   redis-server  — cluster tests start their own redis-server on a free port with a temp dir
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing system packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "Cannot install ${missing[*]}: not root and no sudo. Install them with apt-get, then run the tests again." >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
