#!/usr/bin/env bash
# `npm test`: installs missing system packages, typechecks, then runs every vitest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-deps.sh
[ -d node_modules ] || npm ci
npx tsc --noEmit
npx vitest run "$@"
