# Sourced by the setup scripts: installs the Debian packages that are missing, non-interactively, as root or through a
# password-less sudo (never a prompt; otherwise it says the exact command to run). The caller defines log and die.
#
# apt_ensure [--no-recommends] [--no-services] PACKAGE...
#   --no-recommends  apt-get install --no-install-recommends
#   --no-services    keep the packages' services from starting during the install (policy-rc.d answers 101)
# Env: TRADESUITE_SKIP_APT=1 checks and installs nothing (returns 1, so the caller can skip its own checks).

is_installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]; }

apt_ensure() {
  local install_opts=(-y -q) no_services=0
  while [ $# -gt 0 ] && [ "${1#--}" != "$1" ]; do
    case "$1" in
      --no-recommends) install_opts+=(--no-install-recommends) ;;
      --no-services) no_services=1 ;;
      *) die "apt_ensure: unknown option $1" ;;
    esac
    shift
  done
  local packages=("$@")
  if [ "${TRADESUITE_SKIP_APT:-0}" = "1" ]; then
    log "apt: skipped (TRADESUITE_SKIP_APT=1)"
    return 1
  fi
  command -v dpkg-query >/dev/null || die "dpkg-query not found: this script expects a Debian-based machine (or set TRADESUITE_SKIP_APT=1 and install ${packages[*]} yourself)"
  local missing=() p
  for p in "${packages[@]}"; do is_installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt: all present (${packages[*]})"
    return 0
  fi
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n env DEBIAN_FRONTEND=noninteractive)
    elif command -v sudo >/dev/null; then
      die "the Debian packages ${missing[*]} are missing, and installing them needs root. Run:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}
then run this command again."
    else
      die "the Debian packages ${missing[*]} are missing, and installing them needs root (sudo is not installed). As root, run:
    apt-get update && apt-get install -y ${missing[*]}
then run this command again."
    fi
  fi
  # Another apt run (a second setup script, unattended upgrades) may hold the lock for a while: wait for it.
  local lock=(-o DPkg::Lock::Timeout=600)
  log "apt: installing ${missing[*]} (apt-get update first)"
  "${sudo[@]}" apt-get "${lock[@]}" update -q >/dev/null || die "apt-get update failed"
  # The policy file is ours only if it was absent, and removed right after the install, whatever its outcome.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [ $no_services = 1 ] && [ "$(id -u)" = 0 ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
  fi
  local apt_log rc=0
  apt_log=$(mktemp /tmp/tradesuite-apt.XXXXXX.log)
  "${sudo[@]}" apt-get "${lock[@]}" install "${install_opts[@]}" "${missing[@]}" >"$apt_log" 2>&1 || rc=$?
  if [ $own_policy = 1 ]; then rm -f "$policy"; fi
  if [ $rc != 0 ]; then
    tail -n 30 "$apt_log" >&2
    die "apt-get install ${missing[*]} failed (log above)"
  fi
  rm -f "$apt_log"
  for p in "${missing[@]}"; do is_installed "$p" || die "apt package $p still not installed"; done
  log "apt: installed ${missing[*]}"
}
