#!/usr/bin/env bash
# One command for a newcomer: install, build, then serve (start-up migrates and imports cases/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npm run build
exec npm start
