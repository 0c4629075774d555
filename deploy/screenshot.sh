#!/usr/bin/env bash
# Renders a node's dashboard to a PNG with Debian's headless Chromium.
#   deploy/screenshot.sh URL [OUT.png] [WIDTHxHEIGHT]
# e.g. after `vantage demo` prints "Dashboard: http://127.0.0.1:PORT/":
#   deploy/screenshot.sh http://127.0.0.1:PORT/ dashboard.png
# Needs: apt-get install chromium-headless-shell (or chromium).
set -euo pipefail
url=${1:?usage: deploy/screenshot.sh URL [OUT.png] [WIDTHxHEIGHT]}
out=${2:-dashboard.png}
size=${3:-1280x1600}
browser=$(command -v chromium-headless-shell || command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "screenshot.sh: no headless Chromium found; apt-get install chromium-headless-shell" >&2
  exit 2
fi
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size="${size/x/,}" --screenshot="$out" "$url" >/dev/null 2>&1
echo "wrote $out ($size) from $url"
