#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then typecheck, the case
# library, unit and integration tests (SQLite, then PostgreSQL), a production build, the
# end-to-end, security, reliability and scale suites. Suites that need PostgreSQL or Redis say
# so and skip when those are missing, unless CASEBOOK_REQUIRE_SERVICES=1 (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-chromium.sh
echo "== typecheck"; npx tsc --noEmit
echo "== case library"; npx tsx scripts/cases-check.ts
echo "== unit and integration tests (SQLite)"; npx vitest run
echo "== integration tests (PostgreSQL)"; npm run -s test:integration:pg
echo "== build"; npx remix vite:build >/dev/null
echo "== end-to-end tests"; npx playwright test
echo "== security suite"; npm run -s test:security
echo "== reliability suite"; npm run -s test:reliability
echo "== scale suite (PostgreSQL, Redis, three processes)"; npm run -s test:scale
