#!/usr/bin/env bash
# Installs the Debian packages the local lab needs, only those missing. Debian 12, root.
# Installing tinyproxy must not leave the distribution's own tinyproxy running: the lab starts its
# own instance with its own config, and a stray one on :8888 would take its port.
set -euo pipefail

packages=(systemd-container debootstrap tinyproxy openssh-client iproute2 curl openssl python3)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "lab prerequisites already installed: ${packages[*]}"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "lab-prereqs: root is needed to install: ${missing[*]}" >&2
  exit 1
fi

# policy-rc.d exit 101 tells invoke-rc.d / deb-systemd-invoke not to start services during the
# install. Only add it when none exists, and remove only the one we added.
policy=/usr/sbin/policy-rc.d
added_policy=0
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy"
  chmod 0755 "$policy"
  added_policy=1
fi
cleanup() {
  if [[ $added_policy -eq 1 ]]; then rm -f "$policy"; fi
}
trap cleanup EXIT

before=$(pgrep -x tinyproxy || true)
export DEBIAN_FRONTEND=noninteractive
timeout 600 apt-get update -q
timeout 1200 apt-get install -y -q --no-install-recommends "${missing[@]}"

if [[ " ${missing[*]} " == *" tinyproxy "* ]]; then
  # Keep the packaged service from starting at boot where an init system manages it.
  if [[ -d /run/systemd/system ]]; then
    systemctl disable --now tinyproxy.service || true
  elif command -v update-rc.d >/dev/null; then
    update-rc.d tinyproxy disable || true
  fi
  # Stop, by PID, any tinyproxy that appeared during this install (started by the package).
  for pid in $(pgrep -x tinyproxy || true); do
    if ! grep -qx "$pid" <<<"$before"; then
      echo "lab-prereqs: stopping tinyproxy $pid started by the package"
      kill -TERM "$pid" || true
    fi
  done
fi

echo "lab prerequisites installed: ${missing[*]}"
pgrep -a tinyproxy || true
