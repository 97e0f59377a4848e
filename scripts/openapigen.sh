#!/usr/bin/env bash
# Generate the node's OpenAPI (swagger 2.0) document, client/openapi/openapi.yaml, which
# aegisd serves at /swagger/openapi.yaml (and its UI at /swagger/).
#
# It covers exactly the REST routes the app serves, and the list of them is not kept
# by hand: client/openapi/internal/openapigen builds the app's API server in process
# (app.RegisterAPIRoutes, as `aegisd start` does), probes every google.api.http binding
# compiled into the binary and prints the proto files of the services that answer.
# protoc-gen-openapiv2 (pinned below) turns those files into one merged document, and
# openapigen finalizes it: info block, operationIds = gRPC method names, dead routes and
# unreferenced definitions dropped. Same inputs, same bytes.
#
# Offline apart from the Go module proxy: plugins are `go install`ed at pinned versions
# into ./build/tools/bin; third-party protos come from the Go module cache, staged into
# ./build/openapi-ws (see scripts/protolib.sh, shared with scripts/protocgen.sh).
#
# The routes are probed from the compiled Go code: after changing proto/, run
# scripts/protocgen.sh first (make openapi does).
#
# Usage: scripts/openapigen.sh [gen|check]     (default: gen)
#        gen   writes client/openapi/openapi.yaml
#        check regenerates into a temp dir and fails if the committed document differs
# Env:   OPENAPIV2_VERSION overrides the protoc-gen-openapiv2 pin; PROTO_FRONTEND and the
#        pins of scripts/protolib.sh apply as for protocgen.sh; OPENAPI_DIFF_LINES (40)
#        is how much of the diff check prints.
set -euo pipefail

LOG_NAME=openapigen
# shellcheck source=scripts/protolib.sh
source "$(dirname "${BASH_SOURCE[0]}")/protolib.sh" # cds to the repo root

CMD="${1:-gen}"
case "$CMD" in
  gen | check) ;;
  -h | --help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [gen|check]" >&2; exit 2 ;;
esac

DOC=client/openapi/openapi.yaml
WS_REL=build/openapi-ws # buf workspace (regenerated every run)
WS="$ROOT/$WS_REL"

# protoc-gen-openapiv2 from grpc-gateway v2 (only the plugin: the app's gateway stays v1).
OPENAPIV2_VERSION="${OPENAPIV2_VERSION:-v2.33.0}"
# - allow_merge (+ buf strategy all): one document for every file;
# - json_names_for_fields=false: the SDK gateway marshals with OrigName (snake_case);
# - include_package_in_tags: tags (swagger-ui groups) are package-qualified services;
# - openapi_naming_strategy=fqn: definitions are full proto names, stable as modules come
#   and go (the default strategies shorten names depending on what else is in the set).
# - omit_array_item_type_when_ref_sibling: no "type: object" next to an items $ref.
OPENAPIV2_OPT="allow_merge=true,merge_file_name=openapi,output_format=yaml,json_names_for_fields=false,include_package_in_tags=true,openapi_naming_strategy=fqn,omit_array_item_type_when_ref_sibling=true"

install_tool protoc-gen-openapiv2 github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2 "$OPENAPIV2_VERSION" ||
  die "could not install protoc-gen-openapiv2 $OPENAPIV2_VERSION"
select_frontend
stage_workspace "$WS_REL"

# ---------------------------------------------------------------------------
# the proto files of the services the app serves over REST

log "building client/openapi/internal/openapigen and probing the app's REST routes"
GEN="$SCRATCH/openapigen"
go build -o "$GEN" ./client/openapi/internal/openapigen || die "building openapigen failed"
verbose=()
[[ "$CMD" == gen ]] && verbose=(-v) # name the routes left out
listed="$("$GEN" services "${verbose[@]}")" || die "probing the app's REST routes failed"
mapfile -t FILES <<<"$listed"
[[ ${#FILES[@]} -gt 0 && -n "${FILES[0]}" ]] || die "openapigen services listed no proto files"

# each file is either ours (proto/) or staged third-party
PATHS=()
for f in "${FILES[@]}"; do
  if [[ -f "$WS/proto/$f" && "$f" == "$PROTO_NS/"* ]]; then
    PATHS+=("$WS_REL/proto/$f")
  elif [[ -f "$WS/third_party/$f" ]]; then
    PATHS+=("$WS_REL/third_party/$f")
  else
    die "$f (a service the app serves over REST) is not in the staged protos of $WS_REL"
  fi
done

# ---------------------------------------------------------------------------
# generate one merged document into $SCRATCH/out, then finalize it

OUT="$SCRATCH/out"
mkdir -p "$OUT"
if [[ "$PROTO_FRONTEND" == buf ]]; then
  printf 'version: v2\nplugins:\n  - local: protoc-gen-openapiv2\n    out: .\n    strategy: all\n    opt: %s\n' \
    "$OPENAPIV2_OPT" >"$WS/buf.gen.openapi.yaml"
  args=()
  for p in "${PATHS[@]}"; do args+=(--path "$p"); done
  buf generate "$WS_REL" --template "$WS/buf.gen.openapi.yaml" -o "$OUT" "${args[@]}"
else
  protoc -I "$PROTO_DIR" -I "$WS/third_party" -I "$WS/wkt" \
    "--plugin=protoc-gen-openapiv2=$TOOLS_BIN/protoc-gen-openapiv2" \
    "--openapiv2_out=$OPENAPIV2_OPT:$OUT" "${FILES[@]}"
fi
MERGED="$OUT/openapi.swagger.yaml"
[[ -f "$MERGED" ]] || die "protoc-gen-openapiv2 wrote no $MERGED: $(cd "$OUT" && find . -type f | head)"

FINAL="$SCRATCH/openapi.yaml"
"$GEN" finalize "${verbose[@]}" "$MERGED" "$FINAL" || die "finalizing the document failed"

if [[ "$CMD" == check ]]; then
  if ! cmp -s "$FINAL" "$DOC"; then
    {
      echo "openapigen: FAILED: $DOC is not what the protos and the app's routes generate."
      echo "openapigen: run 'make openapi' (scripts/openapigen.sh) and commit the result."
      if [[ -f "$DOC" ]]; then
        echo "openapigen: diff (committed -> generated), first 40 lines:"
        diff -u "$DOC" "$FINAL" | head -n "${OPENAPI_DIFF_LINES:-40}" | sed 's/^/    /'
      else
        echo "openapigen: $DOC does not exist."
      fi
    } >&2
    exit 1
  fi
  echo "openapigen: OK - $DOC is up to date (${#FILES[@]} proto files, $(wc -c <"$DOC") bytes)"
  exit 0
fi

if cmp -s "$FINAL" "$DOC"; then
  log "$DOC unchanged (${#FILES[@]} proto files) in ${SECONDS}s"
else
  mkdir -p "$(dirname "$DOC")"
  cp "$FINAL" "$DOC"
  log "wrote $DOC ($(wc -c <"$DOC") bytes, ${#FILES[@]} proto files) in ${SECONDS}s"
fi
