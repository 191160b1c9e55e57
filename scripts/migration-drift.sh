#!/usr/bin/env bash
# Fails when the entities and the committed migrations disagree: migrate a fresh database, then ask
# TypeORM to generate a migration; anything it would generate is drift.
set -euo pipefail
base="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mptf}"
db="mptf_drift_check_$$"
url="${base%/*}/${db}"
admin="${base%/*}/postgres"
cleanup() { psql "$admin" -qc "DROP DATABASE IF EXISTS ${db}" >/dev/null 2>&1 || true; }
trap cleanup EXIT
psql "$admin" -qc "CREATE DATABASE ${db}" >/dev/null
export DATABASE_URL="$url" TS_NODE_TRANSPILE_ONLY=true
npx typeorm-ts-node-commonjs -d src/database/data-source.ts migration:run >/dev/null
if ! npx typeorm-ts-node-commonjs -d src/database/data-source.ts migration:generate --check --dryrun migrations/drift; then
  echo "Migration drift: the entities differ from the migrations (see the SQL above). Generate a migration." >&2
  exit 1
fi
echo "No migration drift."
