#!/usr/bin/env bash
# `npm test`: installs missing system packages, typechecks, then runs every vitest project
# (unit, integration, browser, cluster: see vitest.config.ts; `npm run test:<project>` runs one).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
[ -d node_modules ] || npm ci
npx tsc --noEmit
npx vitest run "$@"
