#!/usr/bin/env bash
# External checking tools (pywb for replay, py-wacz for `wacz validate`) in their own
# virtualenv, called only as programs: pywb 2.10 pins redis==2.10.6 and fakeredis<1.0 and
# imports pkg_resources, so it cannot share the project's .venv (scrapy-redis needs a new
# redis) and needs setuptools<81 (81 removed pkg_resources).
# Idempotent: quick when everything is already installed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${TOOLS_VENV:-$ROOT/.tools-venv}"
PYTHON="${PYTHON:-python3}"
PACKAGES=("pywb>=2.10,<2.11" "wacz>=0.6" "setuptools<81")

installed() {
  "$VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as md
import pkg_resources  # noqa: F401  (pywb needs it: setuptools<81)
for name in ("pywb", "wacz"):
    md.version(name)
PY
}

if [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/wayback" ] && [ -x "$VENV/bin/wacz" ] && installed; then
  echo "install-tools: $VENV already has pywb and wacz; nothing to do"
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "install-tools: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
echo "install-tools: installing ${PACKAGES[*]} into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PACKAGES[@]}" 2>&1 \
  | grep -v "is neither a file nor a directory" || true
installed || { echo "install-tools: pywb/wacz did not install into $VENV" >&2; exit 1; }
echo "install-tools: pywb $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("pywb"))')," \
  "wacz $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("wacz"))') ready in $VENV"
