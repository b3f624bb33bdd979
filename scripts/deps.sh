#!/usr/bin/env bash
# Installs the Debian packages that `make test` needs when they are missing:
# a browser for the end-to-end test, a virtual X server for the native
# window test, xdotool to type into that window, tshark to read back the
# pcap export. As root with apt-get it installs them; otherwise it says
# exactly what to install. Nothing here downloads a browser of its own.
set -euo pipefail

# command  package
need=(
  "chromium chromium"
  "Xvfb xvfb"
  "gzip gzip"
  "tshark tshark"
  "xdotool xdotool"
)

missing=()
for pair in "${need[@]}"; do
  cmd=${pair%% *} pkg=${pair##* }
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "deps: missing ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
exit 1
