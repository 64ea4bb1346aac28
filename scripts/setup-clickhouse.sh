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

# shellcheck source=lib/apt.sh
HERE="${BASH_SOURCE[0]%/*}"; [ "$HERE" != "${BASH_SOURCE[0]}" ] || HERE=.
source "$HERE/lib/apt.sh"
# The tests run a server of their own: the package's service is not started by the install.
apt_ensure --no-recommends --no-services "${APT_PACKAGES[@]}" || true

command -v clickhouse-server >/dev/null || die "clickhouse-server not found on PATH although its package is installed"
log "ready: $(clickhouse-client --version 2>/dev/null | head -n 1 || echo "clickhouse-server installed")"
