#!/usr/bin/env bash
# The whole test suite: SQLite and a throwaway PostgreSQL server, then the
# web client in headless Chromium.  Activated databases are cached in
# var/cache (Tryton's DB_CACHE), so later runs skip module activation.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
    echo "==> Installing $* (Debian packages)"
    as_root apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" \
        >/dev/null
}

# Each report ends with its 25 slowest tests, to see where the time goes.
PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider -q -rfE --durations=25)
mkdir -p var/cache var/log
# A cached database is only good for the modules it was made with.
modules_hash=$(scripts/modules-hash)
if [ "$(cat var/cache/modules 2>/dev/null)" != "$modules_hash" ]; then
    rm -rf var/cache/sqlite
    echo "$modules_hash" > var/cache/modules
fi
failed=()

# SQLite and PostgreSQL run side by side, one core each: PostgreSQL's
# report is shown as it goes, SQLite's once both are done.  The demo's test
# runs in the SQLite run only: the demo is on SQLite whatever the backend.
DB_CACHE=$PWD/var/cache/sqlite TRYTOND_DATABASE_URI=sqlite:// \
    DB_NAME=:memory: "${PYTEST[@]}" -m "not browser" "$@" \
    > var/log/test-sqlite.log 2>&1 &
sqlite_pid=$!

echo "==> Tests on PostgreSQL (SQLite runs beside it, its report follows)"
trap 'kill $sqlite_pid 2>/dev/null' EXIT
DB_CACHE=postgresql:// DB_NAME=test_ecom scripts/with-postgresql \
    "${PYTEST[@]}" -m "not browser and not demo" "$@" \
    > >(tee var/log/test-postgresql.log) 2>&1 \
    || failed+=(postgresql)
trap - EXIT
wait $sqlite_pid || failed+=(sqlite)
echo "==> Tests on SQLite"
cat var/log/test-sqlite.log

echo "==> Web client in headless Chromium"
command -v chromium >/dev/null && command -v chromedriver >/dev/null \
    || apt_install chromium chromium-driver fonts-noto-cjk
DB_CACHE=$PWD/var/cache/sqlite TRYTOND_DATABASE_URI=sqlite:// \
    DB_NAME=:memory: "${PYTEST[@]}" -m browser tests \
    || failed+=(browser)

if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}" >&2
    exit 1
fi
