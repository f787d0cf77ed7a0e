#!/usr/bin/env bash
# `npm start`'s prestart: builds the browser client (client/ → client/dist/) with Vite. Without Vite
# (an install with --omit=dev) the server still starts: with the existing build if there is one,
# otherwise its pages explain how to build. A client that fails to build stops the start.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x node_modules/.bin/vite ]; then
  exec node_modules/.bin/vite build --config client/vite.config.ts
elif [ -f client/dist/index.html ]; then
  echo "vite is not installed: serving the existing client build in client/dist/."
else
  echo "vite is not installed (npm ci --omit=dev?), so the browser client is not built." >&2
  echo "The server starts anyway (API and /collab work); run 'npm ci && npm run build' for the pages." >&2
fi
