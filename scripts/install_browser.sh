#!/usr/bin/env bash
# Browser tests need Debian's Chromium and axe-core (accessibility rules). Installs what is missing when it can;
# otherwise says why, and the browser tests skip with the same reason. Idempotent.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "installing Debian chromium for the browser tests..."
    (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1)) \
      || echo "could not install chromium: browser tests will be skipped"
  else
    echo "chromium is not installed (run: sudo apt-get install chromium): browser tests will be skipped"
  fi
fi
if [ ! -f var/node/node_modules/axe-core/axe.min.js ]; then
  if command -v npm >/dev/null; then
    npm install --silent --no-audit --no-fund --prefix var/node axe-core@4 >/dev/null 2>&1 \
      || echo "could not install axe-core: the accessibility test will be skipped"
  else
    echo "npm is not installed: the accessibility test will be skipped"
  fi
fi
exit 0
