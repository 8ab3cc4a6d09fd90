#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then typecheck, lint, the case
# library, unit and integration tests (SQLite, then PostgreSQL), a production build, the
# end-to-end, security, reliability, scale and operations suites. Suites that need PostgreSQL or Redis say
# so and skip when those are missing, unless CASEBOOK_REQUIRE_SERVICES=1 (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-chromium.sh

LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
PASSED=0

# Runs one suite, shows its output and how long it took, and adds the last "N passed" it printed
# to the total.
suite() {
  local name=$1
  shift
  echo "== $name"
  local started=$SECONDS
  "$@" 2>&1 | tee "$LOG"
  local count
  count=$(sed 's/\x1b\[[0-9;]*m//g' "$LOG" | grep -Eo '[0-9]+ passed' | tail -1 | grep -Eo '[0-9]+' || true)
  PASSED=$((PASSED + ${count:-0}))
  TIMES="$TIMES  $name: $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"$'\n'
}
TIMES=""

echo "== typecheck"; npx tsc --noEmit
echo "== lint"; npm run -s lint
echo "== case library"; npx tsx scripts/cases-check.ts
suite "unit and integration tests and the attacker suite (SQLite)" npx vitest run
suite "integration tests (PostgreSQL)" npm run -s test:integration:pg
echo "== build"; npm run -s build >/dev/null
suite "end-to-end tests" npx playwright test
suite "security suite" npm run -s test:security
suite "reliability suite" npm run -s test:reliability
suite "scale suite (PostgreSQL, Redis, three processes)" npm run -s test:scale
suite "operations suite (three processes behind nginx; PostgreSQL, Redis and the processes fail)" npm run -s test:ops
suite "operator scenarios (secrets, cold and hung starts, Redis flapping, a careless deploy, long outages)" npx tsx tests/ops/operator-day.ts
echo
echo "Time per suite:"
printf '%s' "$TIMES"
echo "All suites: $PASSED passed, 0 failed, in $((SECONDS / 60)) min"
