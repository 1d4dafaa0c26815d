#!/usr/bin/env bash
# Starts the built app for Playwright on a freshly seeded embedded database.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-3100}"
export NEXT_TELEMETRY_DISABLED=1
export DATABASE_URL="file:./.cache/e2e/mandate.db"
rm -rf .cache/e2e
node_modules/.bin/tsx scripts/seed/main.ts
export NODE_ENV=production PORT="$port" HOST=127.0.0.1
exec node_modules/.bin/tsx server/main.ts
