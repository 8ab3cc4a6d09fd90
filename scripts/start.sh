#!/usr/bin/env bash
# `npm start`: serves the production build. The server replaces this shell (exec), so it is the
# process that npm, systemd or a container runtime signals: SIGTERM reaches it and it drains.
# Nothing is compiled here; `npm run build` made build/server.js (ADR 019).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/server.js ] || [ ! -f build/server/index.js ] || [ ! -f build/release-plan-worker.js ]; then
  echo "No production build found. Run \`npm run build\` first (or \`npm run app\`, which does it)." >&2
  exit 1
fi
export NODE_ENV=production
exec node --enable-source-maps build/server.js
