#!/usr/bin/env bash
# Installs the Debian packages that `make test` needs when they are missing:
# a browser for the end-to-end test, a virtual X server for the native
# window test, xdotool to type into that window, tshark to read back the
# pcap export, zbarimg to scan presenter mode's QR code off a screenshot
# with a decoder of its own, npm to fetch axe-core (the accessibility checker the browser
# test runs in the page). As root with apt-get it installs them; otherwise
# it says exactly what to install. Nothing here downloads a browser of its
# own.
set -euo pipefail

# command  package
need=(
  "chromium chromium"
  "Xvfb xvfb"
  "gzip gzip"
  "tshark tshark"
  "xdotool xdotool"
  "zbarimg zbar-tools"
  "npm npm"
)

missing=()
for pair in "${need[@]}"; do
  cmd=${pair%% *} pkg=${pair##* }
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "deps: missing ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# axe-core, pinned, into build/node (git-ignored), fetched once: the test
# reads its axe.min.js and injects it, so the page never loads a CDN.
axe=4.14.1
root=$(cd "$(dirname "$0")/.." && pwd)
pkg="$root/build/node/node_modules/axe-core/package.json"
if ! grep -q "\"version\": \"$axe\"" "$pkg" 2>/dev/null; then
  echo "deps: installing axe-core@$axe into build/node" >&2
  npm install --prefix "$root/build/node" --no-save --no-audit --no-fund --silent "axe-core@$axe"
fi
