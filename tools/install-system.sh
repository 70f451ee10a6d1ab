#!/usr/bin/env bash
# System packages the test suite drives for real: Chromium (published pages) and
# redis-server (cluster mode). Installs only what is missing; needs root for apt-get.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-system: missing ${missing[*]} (run as root, or install them); tests that need them will skip" >&2
    exit 0
  fi
  echo "install-system: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
