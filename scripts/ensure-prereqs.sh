#!/usr/bin/env bash
# Makes sure what the tests need outside node_modules is there: Debian's
# Chromium for the browser tests (Playwright's own download is unavailable
# offline) and a running PostgreSQL. Installs/starts them when it can, and
# fails loudly when it cannot: a PostgreSQL suite must never silently skip.
set -euo pipefail

pg_url="${TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "prereqs: installing Debian's chromium"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "prereqs: Chromium not found at ${CHROMIUM_PATH:-/usr/bin/chromium}; install it (apt-get install chromium) or set CHROMIUM_PATH" >&2
    exit 1
  fi
fi

pg_ready() {
  # The driver check needs node_modules; before `npm ci` fall back to pg_isready.
  if [ ! -d node_modules/pg ]; then
    pg_isready -q -h 127.0.0.1 -p 5432 -t 2
    return
  fi
  node -e '
  const { Client } = require("pg");
  const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 2000 });
  c.connect().then(() => c.end()).then(() => process.exit(0), () => process.exit(1));
' "$pg_url"
}

if ! pg_ready; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    echo "prereqs: starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  fi
  if ! pg_ready; then
    echo "prereqs: PostgreSQL is not reachable at $pg_url — the PostgreSQL suites cannot run (set TEST_POSTGRES_URL)" >&2
    exit 1
  fi
fi
echo "prereqs: chromium and PostgreSQL ready"
