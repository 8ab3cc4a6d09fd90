#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what it needs, then typecheck, unit,
# integration, a production build, and the end-to-end tests in real Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-chromium.sh
echo "== typecheck"; npx tsc --noEmit
echo "== case library"; npx tsx scripts/cases-check.ts
echo "== unit and integration tests"; npx vitest run
echo "== build"; npx remix vite:build >/dev/null
echo "== end-to-end tests"; npx playwright test
