# tests/tools/pg.sh — a throw-away PostgreSQL server for tests (sourced, not run).
# shellcheck shell=bash
#
#   pg_start        initdb (--auth=trust) + start in a new temp dir; sets PG_DIR, PG_SOCK,
#                   PG_DSN (superuser "vpcflow", database "postgres") and exports PGHOST,
#                   PGPORT, PGUSER, PGDATABASE so that psql and `vpcflow load` find it with
#                   libpq's defaults; installs an EXIT trap
#                   that calls pg_stop (chain your own cleanup through PG_CLEANUP="cmd")
#   pg_psql ARGS    psql on that server as the superuser, unaligned, stopping at the first error
#   pg_kill         stop it the hard way (pg_ctl stop -m immediate): a crash
#   pg_restart      start it again on the same data directory
#   pg_stop         stop the server and delete the temp dir (safe to call twice)
#
# Unix socket only (listen_addresses=''), in a 0700 directory of its own. initdb refuses
# root: as root the server runs as the `postgres` user (the temp dir is chowned to it).
# PG_SKIP is set (and pg_start returns 1) when no server binaries are installed.

PG_DIR="" PG_SOCK="" PG_BIN="" PG_DSN="" PG_USER="" PG_CLEANUP=""

pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PG_USER" -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    local d
    for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [ -x "$d/pg_ctl" ]; then
            PG_BIN=$d
            break
        fi
    done
    if [ -z "$PG_BIN" ]; then
        PG_SKIP=1
        echo "pg.sh: no PostgreSQL server binaries (initdb, pg_ctl)" >&2
        return 1
    fi
    if [ "$(id -u)" = 0 ]; then PG_USER=postgres; else PG_USER=$(id -un); fi
    PG_DIR=$(mktemp -d /tmp/vpcflow-pgtest-XXXXXX)
    PG_SOCK=$PG_DIR/sock
    mkdir -p "$PG_SOCK"
    [ "$(id -u)" = 0 ] && chown -R "$PG_USER" "$PG_DIR"
    trap 'pg_stop; eval "$PG_CLEANUP"' EXIT
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U vpcflow --auth=trust --no-locale -E UTF8 \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    pg_restart
    export PGHOST=$PG_SOCK PGPORT=5432 PGUSER=vpcflow PGDATABASE=postgres
    PG_DSN="host=$PG_SOCK port=5432 user=vpcflow dbname=postgres"
}

pg_restart() {
    local opts="-c listen_addresses='' -c unix_socket_directories='$PG_SOCK' -p 5432"
    opts+=" -c shared_buffers=128MB -c max_wal_size=2GB -c checkpoint_timeout=30min"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off" # a crash of the server, not of the machine
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 -o "$opts" start \
        >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
}

pg_psql() {
    psql -X -q -A -t -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p 5432 -U vpcflow -d postgres "$@"
}

pg_kill() {
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null
}

pg_stop() {
    [ -n "$PG_DIR" ] || return 0
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
    PG_DIR=""
}
