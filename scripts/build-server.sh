#!/usr/bin/env bash
# `npm start`'s prestart (with the client build): bundles the server's TypeScript into one ES module
# (dist/main.mjs) with esbuild, packages left as imports. Production runs plain JavaScript: no
# TypeScript loader in the process (about 40 MB less memory, faster start).
set -euo pipefail
cd "$(dirname "$0")/.."
exec node_modules/.bin/esbuild server/main.ts --bundle --platform=node --format=esm --target=node20 \
  --packages=external --sourcemap --outfile=dist/main.mjs --log-level=warning
