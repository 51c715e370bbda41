#!/bin/bash
# The whole suite: installs what it needs on first use, then runs every test (unit, real binaries,
# and the lab on real Debian hosts).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-prereqs.sh
npx tsc --noEmit -p .
npx vitest run "$@"
