#!/bin/bash
# Installs what the test suite runs for real: nginx, uWSGI with Python 3, shellcheck, nftables, and the lab's
# tools (systemd-nspawn, debootstrap, an HTTP proxy for the lab hosts' apt, OpenSSH, wrk), then the
# npm dependencies. Safe to re-run: it installs only what is missing.
set -euo pipefail

readonly PACKAGES=(nginx uwsgi uwsgi-plugin-python3 shellcheck nftables systemd-container debootstrap
  tinyproxy openssh-client iproute2 curl wrk openssl python3)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "install-prereqs: run as root to install: ${missing[*]}" >&2; exit 1; }
  # Packages whose postinst starts a daemon must not leave one running here: the suite starts
  # its own nginx/tinyproxy instances where it needs them.
  policy=/usr/sbin/policy-rc.d
  created_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod 0755 "$policy"
    created_policy=true
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get -q update
  apt-get -q install -y --no-install-recommends "${missing[@]}" || { [ "$created_policy" = false ] || rm -f "$policy"; exit 1; }
  [ "$created_policy" = false ] || rm -f "$policy"
fi

cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
