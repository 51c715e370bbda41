#!/bin/bash
# `npm run lab`: the one command of the quick start. Installs what the lab needs on first use
# (Debian packages, npm dependencies), then runs `webtier lab <args>` (default: `up`), which boots
# real Debian hosts on this machine, deploys the stack to them, verifies it and prints the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "lab: run as root (the lab creates namespaces, mounts and containers)" >&2; exit 1; }
scripts/install-prereqs.sh
scripts/lab-prereqs.sh
if [ "$#" -eq 0 ]; then set -- up; fi
exec node bin/webtier.js lab "$@"
