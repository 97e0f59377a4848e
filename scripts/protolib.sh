# shellcheck shell=bash
# Shared by scripts/protocgen.sh and scripts/openapigen.sh (sourced, not run): the pinned
# tool versions, `go install` of plugins into ./build/tools/bin, the buf/protoc frontend
# choice, and the staging of third-party .proto files from the Go module cache into a
# throwaway buf workspace. Offline apart from the Go module proxy.
#
# The sourcing script sets LOG_NAME (prefix of log lines) first. Sourcing cds to the repo
# root and sets ROOT, MODULE, TOOLS_BIN, SCRATCH (removed on exit) and the pins below.
# Env: BUF_VERSION, GOGOPROTO_VERSION, GRPC_GATEWAY_VERSION, COSMOS_SDK_VERSION,
#      COSMOS_PROTO_VERSION override the pins.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '%s: %s\n' "${LOG_NAME:-proto}" "$*" >&2; }
die() { printf '%s: ERROR: %s\n' "${LOG_NAME:-proto}" "$*" >&2; exit 1; }

command -v go >/dev/null 2>&1 || die "go is not on PATH"
[[ -f go.mod ]] || die "no go.mod in $ROOT"

PROTO_DIR=proto
PROTO_NS=aegis # proto/aegis/**, `package aegis.*`
TOOLS_BIN="$ROOT/build/tools/bin"

MODULE="$(awk '$1 == "module" { print $2; exit }' go.mod)"
[[ -n "$MODULE" ]] || die "cannot read the module path from go.mod"

# gomod_dep MODPATH -> effective "path@version" from go.mod (require, then any
# replace of that path), "LOCAL:<dir>" for a filesystem replace, or nothing.
gomod_dep() {
  awk -v want="$1" '
    { sub(/\/\/.*/, "") }
    /^[ \t]*(require|replace)[ \t]*\([ \t]*$/ { blk = $1; next }
    blk != "" && /^[ \t]*\)[ \t]*$/ { blk = ""; next }
    {
      n = split($0, f, /[ \t]+/); i = 1
      while (i <= n && f[i] == "") i++
      kw = blk
      if (f[i] == "require" || f[i] == "replace") { kw = f[i]; i++ }
      if (kw == "require" && f[i] == want && f[i+1] ~ /^v/) req = f[i+1]
      if (kw == "replace" && f[i] == want) {
        j = i + 1; if (f[j] != "=>") j++
        if (f[j] == "=>") { rp = f[j+1]; rv = f[j+2] }
      }
    }
    END {
      if (rp != "") { if (rv ~ /^v/) print rp "@" rv; else print "LOCAL:" rp }
      else if (req != "") print want "@" req
    }' go.mod
}

# dep_spec MODPATH DEFAULT_VERSION [OVERRIDE] -> path@version (or LOCAL:dir)
dep_spec() {
  local mod=$1 def=$2 override=${3:-} got
  if [[ -n "$override" ]]; then echo "$mod@$override"; return; fi
  got="$(gomod_dep "$mod")"
  echo "${got:-$mod@$def}"
}

# Pins. Module versions follow go.mod when it requires the module (so a
# cosmos-sdk/gogoproto bump in go.mod moves the protos/plugins with it).
BUF_VERSION="${BUF_VERSION:-v1.72.0}" # newest buf whose go.mod needs only go >= 1.25.10
SDK_SPEC="$(dep_spec github.com/cosmos/cosmos-sdk v0.55.0 "${COSMOS_SDK_VERSION:-}")"
GOGO_SPEC="$(dep_spec github.com/cosmos/gogoproto v1.7.2 "${GOGOPROTO_VERSION:-}")"
CPROTO_SPEC="$(dep_spec github.com/cosmos/cosmos-proto v1.0.0-beta.5 "${COSMOS_PROTO_VERSION:-}")"
GW_SPEC="$(dep_spec github.com/grpc-ecosystem/grpc-gateway v1.16.0 "${GRPC_GATEWAY_VERSION:-}")"

# Plugins are installed from the upstream module paths at the version go.mod
# requires (a fork replace of gogoproto cannot be `go install`ed by path).
ver_of() {
  local s
  s="$(gomod_dep "$1")"
  if [[ "$s" == "$1@"* ]]; then echo "${s#*@}"; else echo "$2"; fi
}
GOGOPROTO_TOOL_VERSION="${GOGOPROTO_VERSION:-$(ver_of github.com/cosmos/gogoproto v1.7.2)}"
GRPC_GATEWAY_TOOL_VERSION="${GRPC_GATEWAY_VERSION:-$(ver_of github.com/grpc-ecosystem/grpc-gateway v1.16.0)}"

SCRATCH="$(mktemp -d "${TMPDIR:-/tmp}/${LOG_NAME:-proto}.XXXXXX")"
cleanup() { chmod -R u+w "$SCRATCH" 2>/dev/null || true; rm -rf "$SCRATCH"; }
trap cleanup EXIT

# Run go outside this module (no go.mod/go.sum of ours is read or written)
# and without user GOFLAGS (e.g. -mod=vendor) that break `pkg@version`.
gox() { (cd "$SCRATCH" && GOFLAGS='' GOWORK=off "$@"); }

# ---------------------------------------------------------------------------
# tools

# install_tool BIN PKG VERSION: go install PKG@VERSION into build/tools/bin,
# unless the stamp already records exactly that.
install_tool() {
  local bin=$1 pkg=$2 ver=$3 stamp="$TOOLS_BIN/.$1.version"
  if [[ -x "$TOOLS_BIN/$bin" && -f "$stamp" && "$(cat "$stamp")" == "$pkg@$ver" ]]; then
    return 0
  fi
  log "installing $pkg@$ver -> build/tools/bin/$bin"
  mkdir -p "$TOOLS_BIN"
  rm -f "$stamp"
  gox env GOBIN="$TOOLS_BIN" go install "$pkg@$ver" || return 1
  printf '%s\n' "$pkg@$ver" >"$stamp"
}

ensure_protoc() {
  if command -v protoc >/dev/null 2>&1; then return 0; fi
  command -v apt-get >/dev/null 2>&1 || die "protoc is missing and apt-get is not available"
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "protoc is missing; need root or sudo to apt-get install protobuf-compiler"
    sudo=(sudo)
  fi
  log "installing protoc (Debian protobuf-compiler) with apt-get"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends protobuf-compiler >/dev/null
}

# select_frontend: resolve PROTO_FRONTEND (auto|buf|protoc, default auto: buf, falling
# back to Debian's protoc via apt-get if buf cannot be installed) to buf or protoc,
# installing it, and put build/tools/bin first on PATH.
select_frontend() {
  PROTO_FRONTEND="${PROTO_FRONTEND:-auto}"
  case "$PROTO_FRONTEND" in
    buf) install_tool buf github.com/bufbuild/buf/cmd/buf "$BUF_VERSION" || die "could not install buf $BUF_VERSION" ;;
    protoc) ensure_protoc ;;
    auto)
      if install_tool buf github.com/bufbuild/buf/cmd/buf "$BUF_VERSION"; then
        PROTO_FRONTEND=buf
      else
        log "WARNING: buf $BUF_VERSION could not be installed; falling back to protoc"
        PROTO_FRONTEND=protoc
        ensure_protoc
      fi
      ;;
    *) die "PROTO_FRONTEND must be auto, buf or protoc (got '$PROTO_FRONTEND')" ;;
  esac
  export PATH="$TOOLS_BIN:$PATH"
  export BUF_CACHE_DIR="$ROOT/build/tools/buf-cache"
}

# ---------------------------------------------------------------------------
# third-party protos from the Go module cache -> <workspace>/third_party

# mod_dir SPEC -> directory of path@version in the module cache (downloaded
# through the Go proxy if needed), or the local replace dir.
mod_dir() {
  local spec=$1 json dir
  if [[ "$spec" == LOCAL:* ]]; then
    dir="${spec#LOCAL:}"
    [[ "$dir" == /* ]] || dir="$ROOT/$dir"
    [[ -d "$dir" ]] || die "replace directory $dir does not exist"
    echo "$dir"
    return
  fi
  json="$(gox go mod download -json "$spec" 2>&1)" || die "go mod download $spec failed: $json"
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [[ -n "$dir" && -d "$dir" ]] || die "no module directory for $spec: $json"
  echo "$dir"
}

# stage SRC_ROOT DEST SUBPATH...: copy only *.proto files, keeping layout
stage() {
  local src=$1 dest=$2
  shift 2
  mkdir -p "$dest"
  for p in "$@"; do [[ -e "$src/$p" ]] || die "missing $src/$p"; done
  (cd "$src" && find "$@" -type f -name '*.proto' -print0 | tar --null -cf - -T -) | tar -C "$dest" -xf -
}

# stage_workspace WS_REL: (re)create the buf workspace ROOT/WS_REL (build/<name>) with
#   proto/       -> symlink to ./proto (the aegis protos)
#   third_party/ -> cosmos-sdk, gogoproto, cosmos-proto and googleapis protos
#   wkt/         -> google/protobuf/* (used by the protoc fallback only; buf has them built in)
stage_workspace() {
  local ws="$ROOT/$1" sdk_dir gogo_dir cproto_dir gw_dir imp
  [[ "$1" =~ ^build/[^/]+$ ]] || die "stage_workspace: workspace must be build/<name> (got $1)"
  if [[ -d "$ws" ]]; then chmod -R u+w "$ws"; rm -rf "$ws"; fi
  mkdir -p "$ws"
  sdk_dir="$(mod_dir "$SDK_SPEC")"
  gogo_dir="$(mod_dir "$GOGO_SPEC")"
  cproto_dir="$(mod_dir "$CPROTO_SPEC")"
  gw_dir="$(mod_dir "$GW_SPEC")"
  stage "$sdk_dir/proto" "$ws/third_party" amino cosmos tendermint # also cosmos/msg/v1, cosmos/base/...
  stage "$gogo_dir" "$ws/third_party" gogoproto                    # gogoproto/gogo.proto
  stage "$cproto_dir/proto" "$ws/third_party" cosmos_proto          # cosmos_proto/cosmos.proto
  stage "$gw_dir/third_party/googleapis" "$ws/third_party" google   # google/api/*, google/rpc/*
  stage "$gogo_dir/protobuf" "$ws/wkt" google                       # WKT, protoc fallback only
  chmod -R u+w "$ws"
  ln -s ../../"$PROTO_DIR" "$ws/proto"
  printf 'version: v1\ndirectories:\n  - proto\n  - third_party\n' >"$ws/buf.work.yaml"

  for imp in gogoproto/gogo.proto cosmos_proto/cosmos.proto cosmos/msg/v1/msg.proto amino/amino.proto \
    google/api/annotations.proto google/api/http.proto cosmos/base/query/v1beta1/pagination.proto \
    cosmos/base/v1beta1/coin.proto; do
    [[ -f "$ws/third_party/$imp" ]] || die "third-party import $imp not found in staged protos"
  done
  for imp in timestamp duration any empty; do
    [[ -f "$ws/wkt/google/protobuf/$imp.proto" ]] || die "well-known type google/protobuf/$imp.proto not found"
  done
}
