#!/usr/bin/env bash
# The whole test suite: ruff, the tests on SQLite and on a throwaway
# PostgreSQL server, then the web client in headless Chromium.  Activated
# databases are cached in var/cache (Tryton's DB_CACHE), so later runs skip
# module activation.  The last line sums up every run: "N passed, N failed"
# (and ", N skipped" when some were).
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

# The label tests rasterize PDFs with poppler's pdftoppm and pdffonts.
command -v pdftoppm >/dev/null || apt_install poppler-utils

# Each report ends with its 25 slowest tests, to see where the time goes.
PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider -q -rfE --durations=25)
mkdir -p var/cache var/log
# A cached database is only good for the modules it was made with.
modules_hash=$(scripts/modules-hash)
if [ "$(cat var/cache/modules 2>/dev/null)" != "$modules_hash" ]; then
    rm -rf var/cache/sqlite
    echo "$modules_hash" > var/cache/modules
fi

failed=() runs=()
total_passed=0 total_failed=0 total_skipped=0
# The number before each of the words in the line, summed
count() {  # words (a regular expression), line
    local sum=0 n
    for n in $(grep -oE "[0-9]+ ($1)\b" <<<"$2" | cut -d' ' -f1); do
        sum=$((sum + n))
    done
    echo $sum
}
# Add up a pytest run: its counts are on the last line of its report
# ("2 failed, 310 passed, 3 skipped in 512.10s"), errors counted as
# failures.  A run that failed without counting anything (no report, no
# test) counts as one failure.
tally() {  # run name, exit status, log
    local line passed failed_ skipped
    line=$(grep -E '^=* ?[0-9]+ [a-z].* in [0-9.]+s' "$3" 2>/dev/null \
        | tail -n 1)
    passed=$(count passed "$line")
    failed_=$(count 'failed|errors?' "$line")
    skipped=$(count skipped "$line")
    if [ "$2" != 0 ]; then
        failed+=("$1")
        [ "$failed_" -gt 0 ] || failed_=1
    fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed_))
    total_skipped=$((total_skipped + skipped))
    runs+=("$1: $passed passed, $failed_ failed, $skipped skipped")
}

# ruff's findings count as failures.
echo "==> ruff check"
.venv/bin/ruff check . 2>&1 | tee var/log/ruff.log
if [ "${PIPESTATUS[0]}" = 0 ]; then
    runs+=("ruff: clean")
else
    findings=$(count 'errors?' "$(grep '^Found' var/log/ruff.log)")
    [ "$findings" -gt 0 ] || findings=1
    failed+=(ruff)
    total_failed=$((total_failed + findings))
    runs+=("ruff: $findings findings")
fi

# The browser run needs Chromium; installed before the runs start.
command -v chromium >/dev/null && command -v chromedriver >/dev/null \
    || apt_install chromium chromium-driver fonts-noto-cjk

# Two lanes side by side, one core each: PostgreSQL in one, SQLite and then
# the web client in headless Chromium in the other (the two take about as
# long).  PostgreSQL's report is shown as it goes, the other lane's once
# both are done.  The demo's test runs in the SQLite run only: the demo is
# on SQLite whatever the backend.
sqlite_lane() {
    DB_CACHE=$PWD/var/cache/sqlite TRYTOND_DATABASE_URI=sqlite:// \
        DB_NAME=:memory: "${PYTEST[@]}" -m "not browser" "$@" \
        > var/log/test-sqlite.log 2>&1
    echo $? > var/log/test-sqlite.status
    DB_CACHE=$PWD/var/cache/sqlite TRYTOND_DATABASE_URI=sqlite:// \
        DB_NAME=:memory: "${PYTEST[@]}" -m browser tests \
        > var/log/test-browser.log 2>&1
    echo $? > var/log/test-browser.status
}
rm -f var/log/test-sqlite.status var/log/test-browser.status
sqlite_lane "$@" &
lane_pid=$!

echo "==> Tests on PostgreSQL (SQLite and then the web client run beside it)"
trap 'pkill -P $lane_pid; kill $lane_pid 2>/dev/null' EXIT
DB_CACHE=postgresql:// DB_NAME=test_ecom scripts/with-postgresql \
    "${PYTEST[@]}" -m "not browser and not demo" "$@" 2>&1 \
    | tee var/log/test-postgresql.log
tally postgresql "${PIPESTATUS[0]}" var/log/test-postgresql.log
trap - EXIT
wait $lane_pid
echo "==> Tests on SQLite"
cat var/log/test-sqlite.log
tally sqlite "$(cat var/log/test-sqlite.status 2>/dev/null || echo 1)" \
    var/log/test-sqlite.log
echo "==> Web client in headless Chromium"
cat var/log/test-browser.log
tally browser "$(cat var/log/test-browser.status 2>/dev/null || echo 1)" \
    var/log/test-browser.log

echo "==> Summary"
printf '%s\n' "${runs[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "FAILED: ${failed[*]}"
fi
summary="$total_passed passed, $total_failed failed"
if [ "$total_skipped" -gt 0 ]; then
    summary+=", $total_skipped skipped"
fi
echo "$summary"
[ ${#failed[@]} -eq 0 ]
