#!/usr/bin/env bash
# Main job: set up, create and fill the demo database once, then serve the
# web client on http://127.0.0.1:8000.  RESET=1 starts from a new database;
# DB, PORT, DATA_DIR and ADMIN_PASSWORD change the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

DB=${DB:-ecom}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}
MODULES="ecom_order_center ecom_platforms ecom_warehouse ecom_finance ecom_iot stock_supply"
export TRYTOND_CONFIG=$PWD/config/trytond.conf
DATA_DIR=$(mkdir -p "${DATA_DIR:-var/db}" && cd "${DATA_DIR:-var/db}" && pwd)
PORT=${PORT:-8000}
SIM_PORT=${SIM_PORT:-8700}
SIMULATOR=http://127.0.0.1:$SIM_PORT
export TRYTOND_DATABASE__PATH=$DATA_DIR
export TRYTOND_WEB__LISTEN=127.0.0.1:$PORT
export TRYTOND_WEB__ROOT=$PWD/webclient/node_modules/tryton-sao

# The database is updated when the modules change.
modules_hash=$(scripts/modules-hash)
stamp=$DATA_DIR/$DB.modules

if [ "${RESET:-0}" = 1 ]; then
    rm -f "$DATA_DIR/$DB.sqlite" "$stamp"
fi
if [ ! -f "$DATA_DIR/$DB.sqlite" ]; then
    echo "==> Creating database $DB (a few minutes, once)"
    touch "$DATA_DIR/$DB.sqlite"
    passfile=$(mktemp)
    printf '%s\n' "$ADMIN_PASSWORD" > "$passfile"
    if ! (TRYTONPASSFILE=$passfile .venv/bin/trytond-admin -d "$DB" --all \
                --email admin@example.com \
            && rm -f "$passfile" \
            && .venv/bin/trytond-admin -d "$DB" -u $MODULES \
                --activate-dependencies -l zh_CN \
            && .venv/bin/python -m trytond.modules.ecom_order_center.demo \
                -c "$TRYTOND_CONFIG" -d "$DB" \
            && .venv/bin/python -m devtools.simulator.connect \
                -c "$TRYTOND_CONFIG" -d "$DB" --endpoint "$SIMULATOR"); then
        rm -f "$DATA_DIR/$DB.sqlite" "$passfile"
        echo "Creating the demo database failed; nothing was kept." >&2
        exit 1
    fi
    echo "$modules_hash" > "$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$modules_hash" ]; then
    echo "==> Updating the modules of database $DB"
    .venv/bin/trytond-admin -d "$DB" -u $MODULES --activate-dependencies
    echo "$modules_hash" > "$stamp"
fi

# The platforms' stand-in, making new orders every few seconds, the
# scheduler that downloads them (orders arrive on their own) and the server
# run in sessions of their own: each is stopped with what it forked
# (trytond-cron's workers, which would hold the database otherwise), and
# all stop together on Ctrl-C, when the server ends however it was stopped,
# and when this script is killed outright (by the watchdog below).
sessions=()
watchdog_pid=
alive() {
    local session
    for session in "${sessions[@]}"; do
        if kill -0 -- "-$session" 2>/dev/null; then return 0; fi
    done
    return 1
}
stop() {
    trap - EXIT INT TERM HUP
    if [ -n "$watchdog_pid" ]; then kill "$watchdog_pid" 2>/dev/null || :; fi
    local signal tries
    for signal in TERM KILL; do
        kill -"$signal" -- "${sessions[@]/#/-}" 2>/dev/null || :
        for tries in {1..50}; do
            if ! alive; then return 0; fi
            sleep 0.1
        done
    done
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

setsid .venv/bin/ecom-simulator \
    --port "$SIM_PORT" --state "$DATA_DIR/$DB-simulator.json" \
    --rate "${ORDERS_PER_MINUTE:-6}" > "$DATA_DIR/$DB-simulator.log" 2>&1 &
sessions+=($!)
setsid .venv/bin/trytond-cron -d "$DB" > "$DATA_DIR/$DB-cron.log" 2>&1 &
sessions+=($!)

cat <<EOT

  ecom suite is running: http://127.0.0.1:$PORT/
  database: $DB    login: admin    password: $ADMIN_PASSWORD
  platform simulator: $SIMULATOR (${ORDERS_PER_MINUTE:-6} new orders a minute)
  (Ctrl-C stops it; RESET=1 make demo starts from a new database)

EOT
# Load the database's modules at start-up: quicker first login, and
# trytond 8.0.12 fails a first login on a pool that was not loaded yet.
export TRYTOND_DATABASE_NAMES=$DB
setsid .venv/bin/trytond &
server_pid=$!
sessions+=($server_pid)
( while kill -0 $$ && kill -0 $server_pid; do sleep 0.5; done 2>/dev/null
  stop ) &
watchdog_pid=$!
wait $server_pid
