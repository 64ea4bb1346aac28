#!/usr/bin/env bash
# Installs ClickHouse (Debian's clickhouse-server and clickhouse-client) for the ClickHouse record store's tests and
# bench. Only the binaries are needed: the tests start a private server of their own (test/helpers/clickHouseServer.ts,
# random port, temp data dir, its own config) and stop it; the system service is neither needed nor started here.
#
# Idempotent and non-interactive (safe with CI=true and no stdin): when the packages are installed it only checks
# that the binary runs, in well under a second.
#
# Usage: bash scripts/setup-clickhouse.sh
# Env:   TRADESUITE_SKIP_APT=1   do not check/install apt packages (the tests then fail naming what is missing)
set -euo pipefail

APT_PACKAGES=(clickhouse-server clickhouse-client)
log() { echo "[setup-clickhouse] $*"; }
die() { echo "[setup-clickhouse] ERROR: $*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
exec </dev/null

is_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }

if [ "${TRADESUITE_SKIP_APT:-0}" = "1" ]; then
  log "apt: skipped (TRADESUITE_SKIP_APT=1)"
else
  command -v dpkg-query >/dev/null || die "dpkg-query not found: this script expects a Debian-based machine (or set TRADESUITE_SKIP_APT=1 and install ${APT_PACKAGES[*]} yourself)"
  missing=()
  for p in "${APT_PACKAGES[@]}"; do is_installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt: all present (${APT_PACKAGES[*]})"
  else
    SUDO=()
    if [ "$(id -u)" != 0 ]; then
      if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=(sudo -n env DEBIAN_FRONTEND=noninteractive)
      else
        die "the Debian packages ${missing[*]} are missing, and installing them needs root. As root, run:
    apt-get update && apt-get install -y ${missing[*]}
then run this command again."
      fi
    fi
    # Another apt run (a second setup script, unattended upgrades) may hold the lock for a while: wait for it.
    APT_OPTS=(-o DPkg::Lock::Timeout=600)
    log "apt: installing ${missing[*]} (apt-get update first)"
    "${SUDO[@]}" apt-get "${APT_OPTS[@]}" update -q >/dev/null || die "apt-get update failed"
    # policy-rc.d answer 101 ("action not allowed") keeps the package's service from being started during the
    # install; the tests run their own server. The file is ours only if it was absent, and removed afterwards.
    POLICY=/usr/sbin/policy-rc.d
    OWN_POLICY=0
    if [ "$(id -u)" = 0 ] && [ ! -e "$POLICY" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$POLICY" && chmod +x "$POLICY" && OWN_POLICY=1
      trap '[ $OWN_POLICY = 1 ] && rm -f "$POLICY"' EXIT
    fi
    "${SUDO[@]}" apt-get "${APT_OPTS[@]}" install -y -q --no-install-recommends "${missing[@]}" >/tmp/tradesuite-apt-clickhouse.$$.log 2>&1 \
      || { tail -n 30 /tmp/tradesuite-apt-clickhouse.$$.log >&2; die "apt-get install ${missing[*]} failed (log above)"; }
    rm -f /tmp/tradesuite-apt-clickhouse.$$.log
    for p in "${missing[@]}"; do is_installed "$p" || die "apt package $p still not installed"; done
    log "apt: installed ${missing[*]}"
  fi
fi

command -v clickhouse-server >/dev/null || die "clickhouse-server not found on PATH although its package is installed"
log "ready: $(clickhouse-client --version 2>/dev/null | head -n 1 || echo "clickhouse-server installed")"
