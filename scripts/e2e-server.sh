#!/usr/bin/env bash
# Starts the built app for Playwright on a freshly seeded embedded database.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-3100}"
export NEXT_TELEMETRY_DISABLED=1
export DATABASE_URL="file:./.cache/e2e/mandate.db"
# Every e2e sign-in comes from 127.0.0.1: the per-address limit would let one
# spec's deliberate failures lock the others out. The per-account limit stays at
# its default (the sign-in spec exercises it); the per-address limit is covered
# by the db test suite.
export MANDATE_SIGNIN_MAX_FAILURES_PER_ADDRESS="${MANDATE_SIGNIN_MAX_FAILURES_PER_ADDRESS:-1000}"
# Enterprise SSO against the OpenID provider Playwright starts
# (e2e/support/oidc-provider.mjs, same defaults).
export MANDATE_OIDC_ISSUER="${MANDATE_OIDC_ISSUER:-http://127.0.0.1:3101}"
export MANDATE_OIDC_CLIENT_ID="${MANDATE_OIDC_CLIENT_ID:-mandate-e2e}"
export MANDATE_OIDC_CLIENT_SECRET="${MANDATE_OIDC_CLIENT_SECRET:-mandate-e2e-client-secret}"
export MANDATE_OIDC_NAME="${MANDATE_OIDC_NAME:-Acme IdP}"
# The signing-keys spec rotates keys created moments before; the minimum time a
# next key is published before it signs is covered by the db test suite.
export MANDATE_KEY_MIN_PUBLISH_SECONDS="${MANDATE_KEY_MIN_PUBLISH_SECONDS:-0}"
# The issuer is the address the browser and the specs use (Chromium resolves no other name).
export MANDATE_ISSUER="${MANDATE_ISSUER:-http://127.0.0.1:$port}"
# e2e/interactive-clients.spec.ts serves client metadata documents from https://localhost with a test certificate.
export MANDATE_CIMD_ALLOW_PRIVATE_HOSTS="${MANDATE_CIMD_ALLOW_PRIVATE_HOSTS:-localhost}"
export MANDATE_CIMD_CA_FILE="${MANDATE_CIMD_CA_FILE:-tests/support/tls/localhost-cert.pem}"
rm -rf .cache/e2e
node_modules/.bin/tsx scripts/seed/main.ts
export NODE_ENV=production PORT="$port" HOST=127.0.0.1
# node with tsx's loader, exec'd: Playwright's SIGTERM at the end reaches the server itself (server/shutdown.ts).
exec node --import tsx server/main.ts
