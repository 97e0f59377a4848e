#!/usr/bin/env bash
# Make sure Node.js >= 18 and npm are on PATH (clients/ts, make ts-gen / ts-check / test-ts).
# Silent when they are. Otherwise installs Debian's nodejs and npm packages with apt-get, as
# root or through sudo (a clean CI machine may have neither), and checks the result.
set -euo pipefail

MIN_NODE_MAJOR=18

log() { printf 'ensure-node: %s\n' "$*" >&2; }
die() { printf 'ensure-node: ERROR: %s\n' "$*" >&2; exit 1; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
have_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    [[ "$(node_major)" -ge $MIN_NODE_MAJOR ]]
}

have_node && exit 0

if command -v node >/dev/null 2>&1; then
  found="node $(node --version 2>/dev/null || echo '?')$(command -v npm >/dev/null 2>&1 || echo ', no npm')"
else
  found="no node"
fi
command -v apt-get >/dev/null 2>&1 ||
  die "need Node.js >= $MIN_NODE_MAJOR and npm (found $found) and apt-get is not available to install them"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 ||
    die "need Node.js >= $MIN_NODE_MAJOR and npm (found $found); run as root or install sudo to apt-get install nodejs npm"
  sudo=(sudo)
fi

log "found $found; installing Debian's nodejs and npm with apt-get"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
hash -r

have_node || die "after apt-get install nodejs npm: $(command -v node >/dev/null 2>&1 && node --version || echo 'no node'), npm $(npm --version 2>/dev/null || echo missing); need Node.js >= $MIN_NODE_MAJOR"
log "using node $(node --version), npm $(npm --version)"
