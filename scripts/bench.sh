#!/usr/bin/env bash
# Aegis performance run (make bench): the Go benchmarks that matter, the full-scale network
# run (when tools/fullscale exists), tx throughput and query latency against a
# single-validator chain of its own, then docs/performance.md regenerated from the results.
# Everything it writes is under build/bench/ (git-ignored) except docs/performance.md.
#
# Usage: scripts/bench.sh [--only STAGE]...   STAGE: gobench, fullscale, load, render
#   (default: all four, in that order; about 25 minutes on 2 cores)
# Env: BENCH_OUT (build/bench), BENCH_NODES (30000 resource nodes: each reports once a day,
#      so fewer hold the report scenarios below the chain's rate), BENCH_DURATION (45s per
#      tx scenario), BENCH_WARMUP (10s), BENCH_QUERY_DURATION (30s per query method),
#      BENCH_DAY_SECONDS (10), BENCH_PORT_BASE (27656: P2P; RPC +1, ABCI +2, Prometheus +4, pprof +5),
#      BENCH_API_PORT (2317), BENCH_GRPC_PORT (10090), BENCH_SCENARIOS (bank,report,bank,exec,bank,reporter,bank:
#      the tx scenarios, in order; each ratio divides by the bank runs around the scenario), BENCH_PROFILE (1: a CPU profile of the
#      node in each tx window, build/bench/profile-<scenario>.pb.gz; costs a few % of the rate)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

OUT=${BENCH_OUT:-$ROOT/build/bench}
NODES=${BENCH_NODES:-30000}
DURATION=${BENCH_DURATION:-45s}
WARMUP=${BENCH_WARMUP:-10s}
QUERY_DURATION=${BENCH_QUERY_DURATION:-30s}
DAY_SECONDS=${BENCH_DAY_SECONDS:-10}
BASE=${BENCH_PORT_BASE:-27656}
P2P_PORT=$BASE RPC_PORT=$((BASE + 1)) ABCI_PORT=$((BASE + 2)) PROM_PORT=$((BASE + 4)) PPROF_PORT=$((BASE + 5))
API_PORT=${BENCH_API_PORT:-2317} GRPC_PORT=${BENCH_GRPC_PORT:-10090}
CHAIN_ID=aegis-load-1
DENOM=uaegis
HOME_DIR=$OUT/chain
BIN=$ROOT/build/aegisd
LOAD=$ROOT/build/load

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }
# say logs a stage with the machine's load (to build/bench/machine-load.txt too: the machine is
# shared, and other chains or generators running skew every figure).
say() {
  local others
  others=$(pgrep -f 'aegisd[^ ]* start' | grep -vx "${NODE_PID:-0}" | wc -l || true)
  printf '\n== %s (%s, load %s)\n' "$*" "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%s UTC  load %s  other aegisd nodes %s  %s\n' "$(date -u +%H:%M:%S)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$others" "$*" >>"$OUT/machine-load.txt"
}
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

STAGES=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --only) STAGES+=("$2"); shift 2 ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (try --help)" ;;
  esac
done
[[ ${#STAGES[@]} -gt 0 ]] || STAGES=(gobench fullscale load render)
want() { local s; for s in "${STAGES[@]}"; do [[ $s == "$1" ]] && return 0; done; return 1; }

mkdir -p "$OUT"
: >"$OUT/machine-load.txt"
START=$(date +%s)

# --- Go benchmarks: the x/por day tick (1,000 and 207,000 nodes), report and claim; the
# challenges' sampling, misses and answer verification;
# x/emission's EndBlocker; x/license's slash of a validator bound to all 48,000 licenses,
# drained by the EndBlocker (one iteration: it builds its chain inside the loop).
if want gobench; then
  say "Go benchmarks"
  {
    go test -run '^$' -bench 'DayTick|SubmitReport|ClaimRewards' -benchmem ./x/por/keeper/
    # The challenges (docs/verification.md): the sampling and miss blocks at 20,700 and
    # 207,000 nodes (a network of their own, with challenges on), a storage answer through
    # the msg server, and the leaf, answer and dataset costs in x/por/types.
    go test -run '^$' -bench 'ChallengeDay207k|VerifyStorageAnswer' -benchmem ./x/por/keeper/
    go test -run '^$' -bench 'Label|Verify|Scan' -benchmem ./x/por/post/
    go test -run '^$' -bench 'Build|Prove' -benchmem ./node/dataset/
    go test -run '^$' -bench 'EndBlocker' -benchmem ./x/emission/keeper/
    go test -run '^$' -bench 'SlashValidatorWith48000Licenses' -benchtime 1x -benchmem -timeout 30m ./x/license/keeper/
  } 2>&1 | tee "$OUT/gobench.txt.tmp"
  mv "$OUT/gobench.txt.tmp" "$OUT/gobench.txt"
fi

# --- The full-scale network (tools/fullscale).
if want fullscale; then
  say "Full-scale network"
  rm -f "$OUT/fullscale-skipped.txt"
  if [[ -d tools/fullscale ]]; then
    # Two processes: generate keeps its build's memory until it exits. generate skips when
    # build/bench/fullscale-gen's stamp matches the source, so a re-run only measures.
    go run ./tools/fullscale generate -o "$OUT/fullscale-gen"
    rm -rf "$OUT/fullscale"
    go run ./tools/fullscale measure -genesis "$OUT/fullscale-gen/genesis.json" -out "$OUT/fullscale"
  else
    rm -rf "$OUT/fullscale"
    echo "not measured yet (tools/fullscale is not in this tree)" | tee "$OUT/fullscale-skipped.txt"
  fi
fi

# --- Tx throughput and query latency on a chain of our own.
if want load; then
  say "Building aegisd and the load tool"
  make -s build
  go build -o "$LOAD" ./tools/load

  for port in $P2P_PORT $RPC_PORT $ABCI_PORT $PROM_PORT $PPROF_PORT $API_PORT $GRPC_PORT; do
    port_busy "$port" && die "port $port is in use (another bench chain?): set BENCH_PORT_BASE / BENCH_GRPC_PORT / BENCH_API_PORT"
  done

  say "Creating the bench chain ($NODES funded node keys, $DAY_SECONDS-second days) in $HOME_DIR"
  rm -rf "$HOME_DIR"
  aegisd() { "$BIN" --home "$HOME_DIR" "$@"; }
  aegisd init bench --chain-id "$CHAIN_ID" --default-denom "$DENOM" >/dev/null 2>&1
  aegisd keys add val --keyring-backend test >/dev/null 2>&1
  aegisd genesis add-genesis-account val 1000000000000000$DENOM --keyring-backend test
  "$LOAD" genesis -nodes "$NODES" -o "$OUT/accounts.json"
  aegisd genesis bulk-add-genesis-account "$OUT/accounts.json" >/dev/null
  aegisd genesis gentx val 100000000000$DENOM --chain-id "$CHAIN_ID" --keyring-backend test >/dev/null 2>&1
  aegisd genesis collect-gentxs >/dev/null 2>&1
  GEN=$HOME_DIR/config/genesis.json
  # Short days, so each node can report again within the run (a report per node per day).
  sed -i 's/"day_seconds": "[0-9]*"/"day_seconds": "'"$DAY_SECONDS"'"/' "$GEN"
  aegisd genesis validate >/dev/null

  CFG=$HOME_DIR/config/config.toml APP=$HOME_DIR/config/app.toml
  # 1 s blocks, the default (flood) mempool, Prometheus on for the block processing time,
  # pprof for profiling a run (go tool pprof http://127.0.0.1:$PPROF_PORT/debug/pprof/profile);
  # everything on localhost and on ports of its own.
  sed -i 's/^timeout_commit = .*/timeout_commit = "1s"/' "$CFG"
  sed -i 's/^prometheus = .*/prometheus = true/; s#^prometheus_listen_addr = .*#prometheus_listen_addr = "127.0.0.1:'$PROM_PORT'"#' "$CFG"
  sed -i '/^\[rpc\]/,/^\[/ s#^laddr = .*#laddr = "tcp://127.0.0.1:'$RPC_PORT'"#' "$CFG"
  sed -i '/^\[p2p\]/,/^\[/ s#^laddr = .*#laddr = "tcp://127.0.0.1:'$P2P_PORT'"#' "$CFG"
  sed -i 's#^proxy_app = .*#proxy_app = "tcp://127.0.0.1:'$ABCI_PORT'"#; s#^pprof_laddr = .*#pprof_laddr = "127.0.0.1:'$PPROF_PORT'"#' "$CFG"
  sed -i 's/^minimum-gas-prices = .*/minimum-gas-prices = "0.025'$DENOM'"/' "$APP"
  sed -i '/^\[api\]/,/^\[/ s#^address = .*#address = "tcp://127.0.0.1:'$API_PORT'"#' "$APP"
  sed -i '/^\[grpc\]/,/^\[/ s/^enable = .*/enable = true/' "$APP"
  sed -i '/^\[grpc\]/,/^\[/ s#^address = .*#address = "127.0.0.1:'$GRPC_PORT'"#' "$APP"

  say "Starting the bench chain (log $HOME_DIR/aegisd.log)"
  "$BIN" start --home "$HOME_DIR" >"$HOME_DIR/aegisd.log" 2>&1 </dev/null &
  NODE_PID=$!
  stop_node() { kill "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; }
  trap stop_node EXIT
  for _ in $(seq 120); do
    kill -0 "$NODE_PID" 2>/dev/null || { tail -n 30 "$HOME_DIR/aegisd.log" >&2; die "aegisd exited"; }
    h=$(aegisd status --node "tcp://127.0.0.1:$RPC_PORT" 2>/dev/null | grep -o '"latest_block_height":"[0-9]*"' | grep -o '[0-9]*' || echo 0)
    [[ $h -ge 2 ]] && break
    sleep 1
  done
  [[ ${h:-0} -ge 2 ]] || die "no block after 120 s; see $HOME_DIR/aegisd.log"

  SCENARIOS=${BENCH_SCENARIOS:-bank,report,bank,exec,bank,reporter,bank}
  say "Tx scenarios (setup, then $SCENARIOS; $DURATION each after $WARMUP of warm-up)"
  rm -f "$OUT/load.json" "$OUT"/profile-*.pb.gz
  "$LOAD" run -grpc "127.0.0.1:$GRPC_PORT" -rpc "http://127.0.0.1:$RPC_PORT" \
    -metrics "http://127.0.0.1:$PROM_PORT/metrics" -chain-id "$CHAIN_ID" -nodes "$NODES" \
    -duration "$DURATION" -warmup "$WARMUP" -timeout-commit 1s -out "$OUT/load.json" \
    -databases "application state in $(sed -n 's/^app-db-backend = "\(.*\)"/\1/p' "$APP"), CometBFT's in $(sed -n 's/^db_backend = "\(.*\)"/\1/p' "$CFG")" \
    -scenarios "$SCENARIOS" \
    ${BENCH_PROFILE:+-pprof "http://127.0.0.1:$PPROF_PORT"}

  # The queries are measured on an idle chain: the txs the last scenario left in the mempool
  # are included first (blocks of them would otherwise share the cores with the queries).
  for _ in $(seq 60); do
    n=$(curl -s "http://127.0.0.1:$RPC_PORT/num_unconfirmed_txs" | grep -o '"n_txs":"[0-9]*"' | grep -o '[0-9][0-9]*' || echo 0)
    [[ ${n:-0} -eq 0 ]] && break
    sleep 1
  done
  sleep 5
  say "Query latency (64 clients, $QUERY_DURATION per method)"
  "$LOAD" query -grpc "127.0.0.1:$GRPC_PORT" -clients 64 -duration "$QUERY_DURATION" -out "$OUT/query.json"

  stop_node
  trap - EXIT
fi

if want render; then
  say "Rendering docs/performance.md"
  COMMIT=$(git rev-parse --short=12 HEAD)
  git diff --quiet HEAD -- . ':!docs/performance.md' || COMMIT="$COMMIT (with uncommitted changes)"
  go run ./tools/load render -dir "$OUT" -o docs/performance.md -commit "$COMMIT"
fi
say "Done in $(( ($(date +%s) - START) / 60 )) min $(( ($(date +%s) - START) % 60 )) s"
