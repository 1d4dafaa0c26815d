#!/usr/bin/env bash
# `npm test`: everything CI runs, on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
results=.cache/test-results
rm -rf "$results" && mkdir -p "$results"
step() { printf '\n\033[1m▶ %s\033[0m\n' "$*"; }

step "prerequisites"
bash scripts/ensure-prereqs.sh

step "type check"
node_modules/.bin/tsc --noEmit -p .

step "lint and format"
node_modules/.bin/biome ci .

step "unit tests"
node_modules/.bin/vitest run --project unit --reporter=default --reporter=json --outputFile="$results/unit.json"

step "data-layer tests (SQLite and PostgreSQL)"
node_modules/.bin/vitest run --project db --reporter=default --reporter=json --outputFile="$results/db.json"

step "migration drift (SQLite and PostgreSQL)"
node_modules/.bin/tsx scripts/db/cli.ts drift

step "build"
node_modules/.bin/next build

step "end-to-end tests (Chromium)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/e2e.json" node_modules/.bin/playwright test --reporter=list,json

step "summary"
node scripts/test-summary.mjs "$results"
