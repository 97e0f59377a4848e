#!/usr/bin/env bash
# Make sure Node.js >= 20.19 and npm are on PATH (clients/ts, make ts-gen / ts-check / test-ts:
# CosmJS 0.39 needs Node.js >= 20.19). Silent when they are. Otherwise installs Debian's nodejs
# and npm packages with apt-get, as root or through sudo (a clean CI machine may have neither),
# if the version apt-get would install is new enough, and checks the result. Debian 12
# (bookworm) ships Node.js 18, which is too old: there this fails, saying what it found and
# what is needed, instead of installing it.
set -euo pipefail

MIN_NODE_MAJOR=20
MIN_NODE_MINOR=19
MIN_NODE="$MIN_NODE_MAJOR.$MIN_NODE_MINOR"

log() { printf 'ensure-node: %s\n' "$*" >&2; }
die() { printf 'ensure-node: ERROR: %s\n' "$*" >&2; exit 1; }

# version_ok X.Y[.Z...]: whether X.Y >= MIN_NODE (major, then minor).
version_ok() {
  local major minor
  [[ "$1" =~ ^([0-9]+)\.([0-9]+) ]] || return 1
  major=$((10#${BASH_REMATCH[1]})) minor=$((10#${BASH_REMATCH[2]}))
  ((major > MIN_NODE_MAJOR || (major == MIN_NODE_MAJOR && minor >= MIN_NODE_MINOR)))
}

node_version() { node -p 'process.versions.node' 2>/dev/null || true; }
have_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && version_ok "$(node_version)"
}
# What is on PATH, for messages: "node v18.19.0 (/usr/bin/node), npm 9.2.0", "no node, no npm".
found() {
  local n m
  if command -v node >/dev/null 2>&1; then
    n="node v$(node_version) ($(command -v node))"
    [[ -n "$(node_version)" ]] || n="node ($(command -v node), which does not run)"
  else
    n="no node"
  fi
  if command -v npm >/dev/null 2>&1; then m="npm $(npm --version 2>/dev/null || echo '(does not run)')"; else m="no npm"; fi
  printf '%s, %s' "$n" "$m"
}

have_node && exit 0

need="need Node.js >= $MIN_NODE and npm"
before="$(found)"
command -v apt-get >/dev/null 2>&1 ||
  die "$need; found $before, and apt-get is not available to install them"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 ||
    die "$need; found $before; run as root or install sudo to apt-get install nodejs npm"
  sudo=(sudo)
fi

log "found $before; $need; looking at Debian's nodejs package"
"${sudo[@]}" apt-get update -qq
# The upstream version apt-get would install: "18.19.0+dfsg-6~deb12u2" -> 18.19.0.
candidate="$(apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: *//p' | head -n1)"
upstream="${candidate#*:}"
upstream="${upstream%%[-+~]*}"
if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
  die "$need; found $before, and apt-get has no nodejs package to install (apt-cache policy nodejs: no candidate)"
fi
if ! version_ok "$upstream"; then
  . /etc/os-release 2>/dev/null || true
  die "$need; found $before, and apt-get would install Debian's nodejs $candidate (Node.js $upstream, ${PRETTY_NAME:-this distribution}), which is too old. Install Node.js >= $MIN_NODE some other way (e.g. a nodejs package of $MIN_NODE or later from your own apt repository) and put node and npm on PATH"
fi

log "installing Debian's nodejs $candidate and npm with apt-get"
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
hash -r

have_node || die "$need; after apt-get install nodejs ($candidate) npm: found $(found)"
log "using node $(node --version), npm $(npm --version)"
