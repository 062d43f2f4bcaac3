#!/usr/bin/env bash
# Main job: set up, create and fill the demo database once, then serve the
# web client on http://127.0.0.1:8000.  RESET=1 starts from a new database;
# DB, PORT, DATA_DIR and ADMIN_PASSWORD change the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

DB=${DB:-ecom}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}
MODULES="ecom_order_center ecom_platforms ecom_warehouse ecom_finance ecom_iot"
export TRYTOND_CONFIG=$PWD/config/trytond.conf
DATA_DIR=$(mkdir -p "${DATA_DIR:-var/db}" && cd "${DATA_DIR:-var/db}" && pwd)
PORT=${PORT:-8000}
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
    trap 'rm -f "$passfile"' EXIT
    printf '%s\n' "$ADMIN_PASSWORD" > "$passfile"
    if ! (TRYTONPASSFILE=$passfile .venv/bin/trytond-admin -d "$DB" --all \
                --email admin@example.com \
            && .venv/bin/trytond-admin -d "$DB" -u $MODULES \
                --activate-dependencies -l zh_CN \
            && .venv/bin/python -m trytond.modules.ecom_order_center.demo \
                -c "$TRYTOND_CONFIG" -d "$DB"); then
        rm -f "$DATA_DIR/$DB.sqlite"
        echo "Creating the demo database failed; nothing was kept." >&2
        exit 1
    fi
    echo "$modules_hash" > "$stamp"
elif [ "$(cat "$stamp" 2>/dev/null)" != "$modules_hash" ]; then
    echo "==> Updating the modules of database $DB"
    .venv/bin/trytond-admin -d "$DB" -u $MODULES --activate-dependencies
    echo "$modules_hash" > "$stamp"
fi

cat <<EOT

  ecom suite is running: http://127.0.0.1:$PORT/
  database: $DB    login: admin    password: $ADMIN_PASSWORD
  (Ctrl-C stops it; RESET=1 make demo starts from a new database)

EOT
# Load the database's modules at start-up: quicker first login, and
# trytond 8.0.12 fails a first login on a pool that was not loaded yet.
export TRYTOND_DATABASE_NAMES=$DB
exec .venv/bin/trytond
