#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer on 127.0.0.1 for the test suite.
# Starts them when installed but stopped; installs them with apt-get when run as root on a bare
# machine; otherwise says exactly what to install.
set -u
PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_PORT=6379

port_open() { python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}
wait_port() { for _ in $(seq 1 30); do port_open "$1" && return 0; sleep 1; done; return 1; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

ensure_postgres() {
  port_open $PG_PORT && return 0
  if ! command -v pg_ctlcluster >/dev/null 2>&1 && can_apt; then
    echo "PostgreSQL is not installed: installing it with apt-get…"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    for hba in /etc/postgresql/*/main/pg_hba.conf; do
      # A throwaway test server on loopback only: trust local connections, as on CI machines.
      sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
      sed -i -E 's/^(local\s+all\s+all\s+)\S+/\1trust/' "$hba"
    done
  fi
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    for version in $(ls /etc/postgresql 2>/dev/null); do
      echo "Starting PostgreSQL $version…"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || \
        pg_ctlcluster "$version" main start 2>/dev/null || true
    done
  fi
  wait_port $PG_PORT && return 0
  echo "PostgreSQL is not reachable on $PG_HOST:$PG_PORT. Install PostgreSQL 15+ (Debian:" >&2
  echo "  apt-get install postgresql) with trust auth for 127.0.0.1, or set TEST_DATABASE_URL." >&2
  return 1
}

ensure_redis() {
  port_open $REDIS_PORT && return 0
  if ! command -v redis-server >/dev/null 2>&1 && can_apt; then
    echo "Redis is not installed: installing it with apt-get…"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  if command -v redis-server >/dev/null 2>&1; then
    echo "Starting Redis…"
    mkdir -p /tmp/stockroom-redis
    redis-server --daemonize yes --bind 127.0.0.1 --port $REDIS_PORT --save "" \
      --appendonly no --dir /tmp/stockroom-redis >/dev/null
  fi
  wait_port $REDIS_PORT && return 0
  echo "Redis is not reachable on 127.0.0.1:$REDIS_PORT. Install Redis 6+ (Debian:" >&2
  echo "  apt-get install redis-server), or set TEST_REDIS_URL." >&2
  return 1
}

if [ -n "${TEST_DATABASE_URL:-}" ]; then :; else ensure_postgres || exit 1; fi
if [ -n "${TEST_REDIS_URL:-}" ]; then :; else ensure_redis || exit 1; fi
echo "PostgreSQL and Redis are reachable."
