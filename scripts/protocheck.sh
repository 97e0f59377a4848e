#!/usr/bin/env bash
# Check that the committed generated protobuf Go code (*.pb.go, *.pb.gw.go
# under x/ and wherever a proto's go_package points) matches what
# scripts/protocgen.sh produces from proto/.
#
# Regenerates in place: if the committed code is current, the tree is left
# exactly as it was; otherwise it exits 1 and leaves the regenerated files in
# the work tree so `git diff` shows (and `git add` fixes) the difference.
#
# Then checks the OpenAPI document client/openapi/openapi.yaml the same way,
# except that it regenerates into a temp dir (scripts/openapigen.sh check): the
# fix is `make openapi`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

die() { printf 'protocheck: ERROR: %s\n' "$*" >&2; exit 1; }

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || die "$ROOT is not a git work tree"

"$ROOT/scripts/protocgen.sh" gen

# Paths to inspect: x/ plus every file protocgen generated (covers a
# go_package outside x/). Deleted stale files under x/ show up as " D".
paths=(x/)
if [[ -f build/proto-ws/generated.txt ]]; then
  while IFS= read -r f; do
    [[ -n "$f" && "$f" != x/* ]] && paths+=("$f")
  done <build/proto-ws/generated.txt
fi

# Only generated files count (an uncommitted hand-written keeper.go is not
# protocheck's business). Includes untracked (??), modified, deleted, staged.
changes="$(git status --porcelain --untracked-files=all -- "${paths[@]}" |
  grep -E '\.pb(\.gw)?\.go"?$' || true)"

go_ok=1
if [[ -n "$changes" ]]; then
  go_ok=0
  {
    echo "protocheck: FAILED: generated protobuf code differs from what is committed."
    echo "protocheck: run 'scripts/protocgen.sh' (make proto-gen) and commit the result."
    echo "protocheck: git status --porcelain (generated files):"
    printf '%s\n' "$changes" | sed 's/^/    /'
    mapfile -t changed < <(printf '%s\n' "$changes" | cut -c4- | sed 's/.* -> //; s/^"//; s/"$//')
    base=(HEAD)
    git rev-parse -q --verify HEAD >/dev/null || base=() # no commit yet: vs index
    echo "protocheck: git diff --stat (tracked generated files; untracked ones are '??' above):"
    git --no-pager diff --stat "${base[@]}" -- "${changed[@]}" | sed 's/^/    /'
  } >&2
else
  echo "protocheck: OK - generated protobuf code is up to date"
fi

# After the Go code (regenerated above): the document's routes are probed from it.
openapi_ok=1
"$ROOT/scripts/openapigen.sh" check || openapi_ok=0

[[ $go_ok == 1 && $openapi_ok == 1 ]] || exit 1
