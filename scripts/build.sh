#!/usr/bin/env bash
# npm run build: the Remix app (build/client, build/server) and server.ts (build/server.js).
# Vite empties build/client first; the previous build's client assets are put back beside the new
# ones (never over them), because a process not yet restarted after a deploy still serves pages
# that name them (ADR 026). Assets of builds older than a week are dropped: no process runs those.
set -euo pipefail
cd "$(dirname "$0")/.."
previous=""
if [ -d build/client/assets ]; then
  previous=$(mktemp -d)
  trap 'rm -rf "$previous"' EXIT
  cp -p build/client/assets/. "$previous"/ -r
fi
npx remix vite:build
npx vite build -c vite.server.config.ts
if [ -n "$previous" ]; then
  cp -rpn "$previous"/. build/client/assets/
  find build/client/assets -type f -mtime +7 -delete
fi
