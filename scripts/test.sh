#!/usr/bin/env bash
# The whole test suite: SQLite, then a throwaway PostgreSQL server, then the
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

PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider -q -rfE)
mkdir -p var/cache var/log
# A cached database is only good for the modules it was made with.
modules_hash=$(scripts/modules-hash)
if [ "$(cat var/cache/modules 2>/dev/null)" != "$modules_hash" ]; then
    rm -rf var/cache/sqlite
    echo "$modules_hash" > var/cache/modules
fi
failed=()

# SQLite and PostgreSQL run side by side, one core each: PostgreSQL's
# report is shown as it goes, SQLite's once both are done.
DB_CACHE=$PWD/var/cache/sqlite TRYTOND_DATABASE_URI=sqlite:// \
    DB_NAME=:memory: "${PYTEST[@]}" -m "not browser" "$@" \
    > var/log/test-sqlite.log 2>&1 &
sqlite_pid=$!

echo "==> Tests on PostgreSQL (SQLite runs beside it, its report follows)"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ]; then
    apt_install postgresql
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
pg_dir=$(mktemp -d)
pg_port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_pg() {
    # PostgreSQL refuses to run as root.
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
[ "$(id -u)" = 0 ] && chown postgres "$pg_dir"
stop_pg() {
    run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop \
        >/dev/null 2>&1
    rm -rf "$pg_dir"
}
trap 'kill $sqlite_pid 2>/dev/null; stop_pg' EXIT
run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust \
    -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
    && run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" \
        -w -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c max_connections=200" start >/dev/null
if [ $? -ne 0 ]; then
    cat "$pg_dir"/*.log >&2
    failed+=(postgresql-start)
else
    export PATH=$pg_bin:$PATH
    DB_CACHE=postgresql:// \
        TRYTOND_DATABASE_URI=postgresql://postgres@127.0.0.1:$pg_port/ \
        DB_NAME=test_ecom "${PYTEST[@]}" -m "not browser" "$@" \
        > >(tee var/log/test-postgresql.log) 2>&1 \
        || failed+=(postgresql)
fi
stop_pg
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
