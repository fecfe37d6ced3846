#!/usr/bin/env bash
# A throw-away PostgreSQL 15 server for the tests. It installs nothing:
# `scripts/deps.sh test` brings Debian's postgresql-15.
#
#   scripts/pg-test.sh start STATE [--durable]  initdb in a temp dir, start on 127.0.0.1:<free port>
#   scripts/pg-test.sh stop STATE               stop it and delete its data (idempotent)
#   scripts/pg-test.sh url STATE                the admin URL (database "postgres")
#   scripts/pg-test.sh createdb STATE NAME      create database NAME, print its URL
#   scripts/pg-test.sh dropdb STATE NAME        drop database NAME (connections are cut)
#
# STATE is a directory that remembers the running server (url, data dir).
# The server listens only on 127.0.0.1 (plus a unix socket inside its temp
# dir), requires a random password (scram-sha-256) and runs as an
# unprivileged user: initdb refuses root, so as root it runs as `postgres`
# (the package's user) or `nobody`. Test servers run with fsync=off unless
# --durable is given (measurements).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
STATE=${2:-}
[ -n "$cmd" ] && [ -n "$STATE" ] || { echo "usage: $0 start|stop|url|createdb|dropdb STATE [NAME]" >&2; exit 2; }

as_owner() { # runs a server binary as the unprivileged owner when we are root,
  # from the temp dir (the caller's directory may be closed to that user)
  if [ "$(id -u)" -eq 0 ]; then
    ( cd "$(cat "$STATE/dir")" && runuser -u "$(cat "$STATE/user")" -- "$@" )
  else
    "$@"
  fi
}
psql_admin() { "$PGBIN/psql" "$(cat "$STATE/url")" -X -q -v ON_ERROR_STOP=1 "$@"; }
valid_name() { [[ "$1" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "pg-test: bad database name '$1'" >&2; exit 2; }; }

start() {
  local durable=${1:-}
  [ -x "$PGBIN/initdb" ] || { echo "pg-test: $PGBIN/initdb not found (install postgresql-15: scripts/deps.sh test)" >&2; exit 1; }
  stop   # a server left over from an interrupted run
  mkdir -p "$STATE"
  local dir user pw
  dir=$(mktemp -d /tmp/aiu-pg.XXXXXX)
  user=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    if getent passwd postgres >/dev/null; then user=postgres; else user=nobody; fi
    chown "$user" "$dir"
  fi
  chmod 700 "$dir"
  echo "$dir" > "$STATE/dir"
  echo "$user" > "$STATE/user"
  pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  ( umask 077; printf '%s\n' "$pw" > "$dir/pw" )
  [ "$(id -u)" -ne 0 ] || chown "$user" "$dir/pw"
  as_owner "$PGBIN/initdb" -D "$dir/data" -U aiu --auth=scram-sha-256 --pwfile="$dir/pw" \
    -E UTF8 --no-locale -N > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pw"
  local opts="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=200"
  [ "$durable" = --durable ] || opts="$opts -c fsync=off -c full_page_writes=off"
  local port try
  for try in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    if as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "$opts -p $port" start > /dev/null; then
      echo "postgres://aiu:$pw@127.0.0.1:$port/postgres" > "$STATE/url"
      chmod 600 "$STATE/url"
      return 0
    fi
  done
  cat "$dir/server.log" >&2
  exit 1
}

stop() {
  [ -f "$STATE/dir" ] || return 0
  local dir
  dir=$(cat "$STATE/dir")
  if [ -d "$dir/data" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop > /dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  rm -f "$STATE/url" "$STATE/dir" "$STATE/user"
}

case "$cmd" in
  start) start "${3:-}" ;;
  stop) stop ;;
  url) cat "$STATE/url" ;;
  createdb)
    valid_name "${3:-}"
    psql_admin -c "CREATE DATABASE $3"
    sed "s|/postgres\$|/$3|" "$STATE/url" ;;
  dropdb)
    valid_name "${3:-}"
    psql_admin -c "DROP DATABASE IF EXISTS $3 WITH (FORCE)" ;;
  *) echo "pg-test: unknown command '$cmd'" >&2; exit 2 ;;
esac
