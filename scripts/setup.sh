#!/usr/bin/env bash
# Install everything ecom suite needs into the checkout: a virtualenv with
# the pinned Python packages and the suite, and the pinned web client.
# Quick when nothing changed: each step is skipped while its inputs' hash
# matches the stamp left by its last successful run.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3

stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }

py_hash=$(cat requirements.txt pyproject.toml | sha256sum | cut -c1-16)
if ! stamp_ok .venv/.ecom-stamp "$py_hash"; then
    echo "==> Python packages"
    [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
    mkdir -p var/log
    if ! { .venv/bin/pip install --disable-pip-version-check \
                -r requirements.txt \
            && .venv/bin/pip install --disable-pip-version-check \
                --no-deps -e .; } > var/log/setup.log 2>&1; then
        tail -n 30 var/log/setup.log >&2
        exit 1
    fi
    echo "$py_hash" > .venv/.ecom-stamp
fi

# Waybills and packing slips draw Chinese with an embedded TrueType CJK
# font (the browser's Noto CJK is CFF, which PDFs cannot embed here).
if [ ! -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] \
        && [ -z "${ECOM_CJK_FONT:-}" ]; then
    echo "==> Installing fonts-wqy-zenhei (Debian package)"
    as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
    as_root apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq \
        fonts-wqy-zenhei >/dev/null
fi

web_hash=$(sha256sum webclient/package-lock.json | cut -c1-16)
if ! stamp_ok webclient/node_modules/.ecom-stamp "$web_hash"; then
    echo "==> Web client (sao)"
    (cd webclient && npm ci --no-audit --no-fund --loglevel=error)
    # sao's index.html loads its libraries from node_modules/ beside it;
    # npm installs them one level up.
    ln -sfn .. webclient/node_modules/tryton-sao/node_modules
    echo "$web_hash" > webclient/node_modules/.ecom-stamp
fi
