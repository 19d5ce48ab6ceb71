#!/usr/bin/env bash
# Installs Debian packages only when they are missing.
#
#   scripts/ensure-apt.sh postgresql-15 barman-cli-cloud chromium
#
# - Checks each package with `dpkg -s` first; already-installed packages cost nothing.
# - Runs apt-get as root, or through sudo when not root; fails clearly when neither works.
# - Runs `apt-get update` at most once per invocation, and only when something must be installed.
# - Serialises with other installers on this machine through `flock /tmp/cnpg-apt.lock`
#   (several test scripts may call this at the same time).
# - Installs with --no-install-recommends (Chromium's recommends pull in hundreds of MB we don't need).
#
# Exit code: 0 when every package is installed afterwards, 1 otherwise.
set -euo pipefail

log() { printf '[ensure-apt] %s\n' "$*" >&2; }
die() { printf '[ensure-apt] ERROR: %s\n' "$*" >&2; exit 1; }

if [ "$#" -eq 0 ]; then
  die "usage: scripts/ensure-apt.sh <package> [package...]"
fi

is_installed() {
  # `dpkg -s` exits 0 for packages in any state (e.g. 'deinstall'); require "install ok installed".
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

missing=()
for pkg in "$@"; do
  if is_installed "$pkg"; then
    log "$pkg: already installed ($(dpkg-query -W -f='${Version}' "$pkg"))"
  else
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  log "nothing to install"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  die "missing packages: ${missing[*]}. Installing them needs root: run this script as root, or give this user passwordless sudo, or install them yourself: apt-get install -y ${missing[*]}"
fi

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script supports Debian/Ubuntu only (missing: ${missing[*]})"
command -v flock >/dev/null 2>&1 || die "flock not found (package util-linux); cannot serialise apt runs"

LOCK=/tmp/cnpg-apt.lock
log "waiting for $LOCK"
exec 9>"$LOCK"
"${SUDO[@]}" true  # surface a sudo problem before waiting for the lock
flock 9

# Another process may have installed some packages while we waited for the lock.
still_missing=()
for pkg in "${missing[@]}"; do
  if is_installed "$pkg"; then
    log "$pkg: installed meanwhile by another process"
  else
    still_missing+=("$pkg")
  fi
done
if [ "${#still_missing[@]}" -eq 0 ]; then
  log "nothing to install"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
log "apt-get update (once)"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
  || die "apt-get update failed"

log "installing: ${still_missing[*]}"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${still_missing[@]}" >&2 \
  || die "apt-get install failed for: ${still_missing[*]}"

failed=()
for pkg in "${still_missing[@]}"; do
  if is_installed "$pkg"; then
    log "$pkg: installed ($(dpkg-query -W -f='${Version}' "$pkg"))"
  else
    failed+=("$pkg")
  fi
done
[ "${#failed[@]}" -eq 0 ] || die "still not installed after apt-get: ${failed[*]}"
log "done"
