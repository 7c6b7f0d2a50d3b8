#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL server on a free port of 127.0.0.1, run as the postgres
# user in a temporary folder. `start` prints the DATABASE_URL to use; `stop DIR` stops it.
set -euo pipefail

case "${1:-}" in
start)
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    dir=$(mktemp -d /tmp/cluster-pg.XXXXXX)
    chown postgres:postgres "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    su postgres -s /bin/sh -c "$pgbin/initdb -D '$dir/data' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log" 2>&1
    su postgres -s /bin/sh -c "$pgbin/pg_ctl -D '$dir/data' -o \"-h 127.0.0.1 -p $port -k '$dir'\" -l '$dir/server.log' -w start" >/dev/null
    psql="psql -h 127.0.0.1 -p $port -U postgres -v ON_ERROR_STOP=1 -q"
    # As docs/deploy.md asks of production: no JIT compilation (it cost 60-110 ms a query at
    # 2,000 projects, for queries that run in tens of milliseconds).
    $psql -c "ALTER SYSTEM SET jit = off" -c "SELECT pg_reload_conf()" >/dev/null
    $psql -c "CREATE ROLE cluster LOGIN CREATEDB PASSWORD 'cluster'"
    $psql -c "CREATE DATABASE cluster_pdca OWNER cluster"
    echo "$dir" >"$dir/.dir"
    echo "PG_DIR=$dir"
    echo "DATABASE_URL=postgres://cluster:cluster@127.0.0.1:$port/cluster_pdca"
    ;;
stop)
    dir=${2:?usage: postgres.sh stop DIR}
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    su postgres -s /bin/sh -c "$pgbin/pg_ctl -D '$dir/data' -m fast -w stop" >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
