#!/usr/bin/env bash
# Installs ClickHouse (Debian's clickhouse-server and clickhouse-client) for the ClickHouse record store's tests and
# bench. Only the binaries are needed: the tests start a private server of their own (test/helpers/clickHouseServer.ts,
# random port, temp data dir, its own config) and stop it; the system service is neither needed nor started here.
#
# Idempotent and non-interactive (safe with CI=true and no stdin): when a ClickHouse server is on PATH already
# (`clickhouse-server`, or the single `clickhouse` binary of ClickHouse's own builds and Homebrew) it is used as it is,
# in well under a second. Otherwise Debian/Ubuntu get the packages through apt; any other machine (macOS, Linux
# without apt) is told how to install ClickHouse itself.
#
# Usage: bash scripts/setup-clickhouse.sh
# Env:   TRADESUITE_SKIP_APT=1   do not check/install apt packages (the tests then fail naming what is missing)
set -euo pipefail

APT_PACKAGES=(clickhouse-server clickhouse-client)
log() { echo "[setup-clickhouse] $*"; }
die() { echo "[setup-clickhouse] ERROR: $*" >&2; exit 1; }

export DEBIAN_FRONTEND=noninteractive
exec </dev/null

# shellcheck source=lib/apt.sh
HERE="${BASH_SOURCE[0]%/*}"; [ "$HERE" != "${BASH_SOURCE[0]}" ] || HERE=.
source "$HERE/lib/apt.sh"
on_path() { command -v clickhouse-server >/dev/null || command -v clickhouse >/dev/null; }
install_yourself() {
  local how="see https://clickhouse.com/docs/install"
  [ "$(uname -s)" = Darwin ] && how="brew install --cask clickhouse"
  die "$1: the ClickHouse record store's tests (part of npm test) need a ClickHouse server on PATH (clickhouse-server or clickhouse). Install it ($how), then run this command again."
}

if on_path; then
  log "ready: $(command -v clickhouse-server || command -v clickhouse)"
  exit 0
fi
if ! command -v dpkg-query >/dev/null; then
  install_yourself "no ClickHouse found, and this is not a Debian-based machine (no apt) where this script installs it"
fi
# The tests run a server of their own: the package's service is not started by the install.
# apt_ensure returns (rather than dies) only when apt is skipped.
apt_ensure --no-recommends --no-services "${APT_PACKAGES[@]}" || install_yourself "no ClickHouse found, and apt is skipped (TRADESUITE_SKIP_APT=1)"

on_path || die "clickhouse-server not found on PATH although its package is installed"
log "ready: $(clickhouse-client --version 2>/dev/null | head -n 1 || echo "clickhouse-server installed")"
