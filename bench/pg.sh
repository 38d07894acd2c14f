# bench/pg.sh — a throw-away PostgreSQL server for bench/run.sh (sourced, not run).
# shellcheck shell=bash
#
#   pg_start          initdb + start in a new temp dir; sets PG_DIR, PG_SOCK, PG_PORT
#   pg_psql ARGS...   psql on that server as its superuser, stopping at the first error
#   pg_stop           stop the server and delete the temp dir (safe to call twice; run.sh's
#                     EXIT trap calls it, so a failed run leaves nothing behind)
#
# The server listens on no TCP address at all, only on a unix socket inside its own 0700
# temp dir, so nothing else on the machine can reach it and no port can clash. PostgreSQL
# refuses to run as root: as root the server runs as the `postgres` user when it exists,
# else as a system user `vpcflow-bench` created for the purpose. psql itself runs as the
# caller, so `\copy` reads the data with the caller's permissions (the server never opens it).
#
# Settings trade durability for load speed, as a one-shot analysis database would: no fsync,
# no WAL beyond the minimum, and the table is UNLOGGED.

PG_DIR="" PG_SOCK="" PG_PORT=5432 PG_USER="" PG_BIN=""

pg_find_bin() {
    local d
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        PG_BIN=$(dirname "$(command -v pg_ctl)")
        return 0
    fi
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/pg_ctl" ] && PG_BIN=$d
    done
    [ -n "$PG_BIN" ]
}

pg_as_owner() { # run a command as the server's user
    if [ "$(id -u)" = 0 ]; then
        runuser -u "$PG_USER" -- "$@"
    else
        "$@"
    fi
}

pg_pick_user() {
    if [ "$(id -u)" != 0 ]; then
        PG_USER=$(id -un)
    elif id postgres >/dev/null 2>&1; then
        PG_USER=postgres
    else
        id vpcflow-bench >/dev/null 2>&1 ||
            useradd --system --no-create-home --shell /usr/sbin/nologin vpcflow-bench
        PG_USER=vpcflow-bench
    fi
}

pg_start() {
    pg_find_bin || { echo "bench: PostgreSQL server binaries (initdb, pg_ctl) not found" >&2; return 1; }
    pg_pick_user
    PG_DIR=$(mktemp -d /tmp/vpcflow-pg-XXXXXX)
    PG_SOCK=$PG_DIR/sock
    mkdir -p "$PG_SOCK"
    [ "$(id -u)" = 0 ] && chown -R "$PG_USER" "$PG_DIR"
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U bench -A trust --no-locale -E UTF8 \
        >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    local opts="-c listen_addresses='' -c unix_socket_directories='$PG_SOCK' -p $PG_PORT"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=minimal"
    opts+=" -c max_wal_senders=0 -c max_wal_size=8GB -c checkpoint_timeout=1h"
    opts+=" -c shared_buffers=1GB -c work_mem=256MB -c maintenance_work_mem=512MB"
    opts+=" -c max_worker_processes=16 -c max_parallel_workers=16"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "$opts" start >/dev/null || { cat "$PG_DIR/server.log" >&2; return 1; }
}

pg_psql() {
    psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U bench -d postgres "$@"
}

pg_version() {
    "$PG_BIN/postgres" --version | sed 's/^postgres (PostgreSQL) //'
}

pg_stop() {
    [ -n "$PG_DIR" ] || return 0
    if [ -f "$PG_DIR/data/postmaster.pid" ]; then
        pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
    PG_DIR=""
}
