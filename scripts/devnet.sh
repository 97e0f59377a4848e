#!/usr/bin/env bash
# Single-validator Aegis devnet in ./.devnet: builds aegisd, creates the chain on first run
# (funded test keys "alice" and "node1", keyring-backend test), starts it with its log in
# .devnet/aegisd.log, registers the test resource node, then prints the endpoints.
#
# Usage: scripts/devnet.sh [--reset] [--detach] | --stop
#   (none)    run in the foreground; Ctrl-C stops the chain (make devnet)
#   --reset   delete the chain first and start over (make devnet-reset)
#   --detach  leave the chain running in the background and return (make devnet-detach)
#   --stop    stop a running devnet of this home (make devnet-stop)
# Env: DEVNET_HOME (./.devnet), DEVNET_CHAIN_ID (aegis-devnet-1), DEVNET_DAY_SECONDS (20),
#      DEVNET_PORT_OFFSET (0; added to every port, to run a second devnet beside the first),
#      DEVNET_EXTRA_KEYS (none; names of more funded genesis keys, on a new chain only).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

HOME_DIR=${DEVNET_HOME:-$ROOT/.devnet}
CHAIN_ID=${DEVNET_CHAIN_ID:-aegis-devnet-1}
DAY_SECONDS=${DEVNET_DAY_SECONDS:-20}
OFFSET=${DEVNET_PORT_OFFSET:-0}
KEY=alice
NODE_KEY=node1
BIN=$ROOT/build/aegisd
DENOM=uaegis
# Every tx pays at least the nodes' minimum gas price (aegisd init's default).
GAS_PRICES=0.025$DENOM
LOG=$HOME_DIR/aegisd.log
PIDFILE=$HOME_DIR/aegisd.pid

RPC_PORT=$((26657 + OFFSET)) P2P_PORT=$((26656 + OFFSET)) ABCI_PORT=$((26658 + OFFSET))
API_PORT=$((1317 + OFFSET)) GRPC_PORT=$((9090 + OFFSET))

die() { printf 'devnet: %s\n' "$*" >&2; exit 1; }
running_pid() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && cat "$PIDFILE"; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

RESET=0 DETACH=0
for arg in "$@"; do
  case $arg in
    --reset) RESET=1 ;;
    --detach) DETACH=1 ;;
    --stop)
      if pid=$(running_pid); then
        kill "$pid"
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
        rm -f "$PIDFILE"
        echo "devnet: stopped (pid $pid, home $HOME_DIR)"
      else
        echo "devnet: none running in $HOME_DIR"
      fi
      exit 0
      ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $arg (try --help)" ;;
  esac
done

# One devnet per home, and none on ports another program holds: refuse before touching
# anything, rather than letting a second aegisd die on the database lock.
if pid=$(running_pid); then
  die "a devnet is already running in $HOME_DIR (pid $pid, log $LOG).
        Use it (REST http://localhost:$API_PORT, RPC http://localhost:$RPC_PORT), or stop it first: make devnet-stop"
fi
for port in $RPC_PORT $P2P_PORT $ABCI_PORT $API_PORT $GRPC_PORT; do
  port_busy "$port" && die "port $port is already in use by another program (another devnet or node?).
        Stop it, or move every devnet port: DEVNET_PORT_OFFSET=100 make devnet"
done

if [[ $RESET == 1 ]]; then
  echo "Removing $HOME_DIR"
  rm -rf "$HOME_DIR"
fi

echo "Building aegisd..."
make -s build

aegisd() { "$BIN" --home "$HOME_DIR" "$@"; }

if [[ ! -f "$HOME_DIR/config/genesis.json" ]]; then
  echo "Creating devnet $CHAIN_ID in $HOME_DIR"
  aegisd init devnet --chain-id "$CHAIN_ID" --default-denom "$DENOM" >/dev/null 2>&1
  aegisd config set client chain-id "$CHAIN_ID" >/dev/null
  aegisd config set client keyring-backend test >/dev/null
  # keys add --output json records each key's mnemonic in <home>/<key>.json.
  aegisd keys add "$KEY" --keyring-backend test --output json >"$HOME_DIR/$KEY.json" 2>/dev/null
  aegisd genesis add-genesis-account "$KEY" 1000000000000000$DENOM --keyring-backend test
  aegisd keys add "$NODE_KEY" --keyring-backend test --output json >"$HOME_DIR/$NODE_KEY.json" 2>/dev/null
  aegisd genesis add-genesis-account "$NODE_KEY" 1000000000000$DENOM --keyring-backend test
  # Genesis accounts get small account numbers; an account created later gets one >= 2^63
  # (the SDK's GenerateID), which CosmJS before 0.39 cannot sign for (clients/ts needs 0.39).
  for extra in ${DEVNET_EXTRA_KEYS:-}; do
    aegisd keys add "$extra" --keyring-backend test --output json >"$HOME_DIR/$extra.json" 2>/dev/null
    aegisd genesis add-genesis-account "$extra" 1000000000000$DENOM --keyring-backend test
  done
  aegisd genesis gentx "$KEY" 100000000000$DENOM --chain-id "$CHAIN_ID" --keyring-backend test >/dev/null 2>&1
  aegisd genesis collect-gentxs >/dev/null 2>&1
  "$ROOT/scripts/devnet-genesis.sh" "$BIN" "$HOME_DIR" "$KEY" "$DAY_SECONDS"
  aegisd genesis validate >/dev/null

  # Fast blocks; txs pay the default minimum gas price of aegisd init, as on any real node.
  sed -i 's/^timeout_commit = .*/timeout_commit = "1s"/' "$HOME_DIR/config/config.toml"
  sed -i 's/^minimum-gas-prices = .*/minimum-gas-prices = "'$GAS_PRICES'"/' "$HOME_DIR/config/app.toml"
else
  echo "Reusing devnet in $HOME_DIR (make devnet-reset to start over)"
fi

# Ports (on every start, so DEVNET_PORT_OFFSET applies to an existing devnet too), REST with
# swagger, gRPC. Everything listens on localhost only: the keys are public test keys.
APP="$HOME_DIR/config/app.toml" CFG="$HOME_DIR/config/config.toml"
sed -i '/^\[rpc\]/,/^\[/ s#^laddr = .*#laddr = "tcp://127.0.0.1:'$RPC_PORT'"#' "$CFG"
sed -i '/^\[p2p\]/,/^\[/ s#^laddr = .*#laddr = "tcp://127.0.0.1:'$P2P_PORT'"#' "$CFG"
sed -i 's#^proxy_app = .*#proxy_app = "tcp://127.0.0.1:'$ABCI_PORT'"#; s#^pprof_laddr = .*#pprof_laddr = ""#' "$CFG"
sed -i '/^\[api\]/,/^\[/ s/^enable = .*/enable = true/' "$APP"
sed -i '/^\[api\]/,/^\[/ s/^swagger = .*/swagger = true/' "$APP"
sed -i '/^\[api\]/,/^\[/ s#^address = .*#address = "tcp://127.0.0.1:'$API_PORT'"#' "$APP"
sed -i '/^\[api\]/,/^\[/ s/^enabled-unsafe-cors = .*/enabled-unsafe-cors = true/' "$APP"
sed -i '/^\[grpc\]/,/^\[/ s/^enable = .*/enable = true/' "$APP"
sed -i '/^\[grpc\]/,/^\[/ s#^address = .*#address = "127.0.0.1:'$GRPC_PORT'"#' "$APP"
aegisd config set client node "tcp://127.0.0.1:$RPC_PORT" >/dev/null
# The chain-registry files wallets and explorers read (docs/operators.md).
aegisd genesis chain-registry --network-type devnet --output-dir "$HOME_DIR/chain-registry" \
  --rpc-endpoint "http://127.0.0.1:$RPC_PORT" --rest-endpoint "http://127.0.0.1:$API_PORT" \
  --grpc-endpoint "127.0.0.1:$GRPC_PORT" >/dev/null

echo "Starting aegisd (log: $LOG)..."
# setsid: a detached devnet outlives this script and the terminal's Ctrl-C.
setsid "$BIN" start --home "$HOME_DIR" >>"$LOG" 2>&1 </dev/null &
NODE_PID=$!
echo "$NODE_PID" >"$PIDFILE"
stop_node() {
  kill "$NODE_PID" 2>/dev/null || true
  wait "$NODE_PID" 2>/dev/null || true
  rm -f "$PIDFILE"
}
trap 'echo; echo "Stopping the devnet..."; stop_node; exit 0' INT TERM
trap stop_node EXIT

height() { aegisd status 2>/dev/null | grep -o '"latest_block_height":"[0-9]*"' | grep -o '[0-9]*' || echo 0; }
for _ in $(seq 90); do
  kill -0 "$NODE_PID" 2>/dev/null || { tail -n 30 "$LOG" >&2; die "aegisd exited; its log is above (full log: $LOG)"; }
  [[ $(height) -ge 2 ]] && break
  sleep 1
done
[[ $(height) -ge 2 ]] || die "no block after 90 s; see $LOG"

# On a new chain, register the test resource node in every role and submit its report.
if ! aegisd q por node "$(aegisd keys show "$NODE_KEY" -a --keyring-backend test)" >/dev/null 2>&1; then
  "$ROOT/scripts/devnet-node.sh" "$BIN" "$HOME_DIR" "$NODE_KEY" "$GAS_PRICES" >>"$LOG" 2>&1 ||
    die "registering the test resource node failed; see the end of $LOG"
fi

ADDR=$(aegisd keys show "$KEY" -a --keyring-backend test)
NODE_ADDR=$(aegisd keys show "$NODE_KEY" -a --keyring-backend test)
H="--home $HOME_DIR"
[[ $HOME_DIR == "$ROOT/.devnet" ]] && H="--home .devnet"
cat <<INFO

  Aegis devnet $CHAIN_ID is running (pid $NODE_PID)
  home         $HOME_DIR
  log          $LOG      (tail -f it to watch blocks)

  CometBFT RPC http://localhost:$RPC_PORT     ./build/aegisd status $H
  REST (API)   http://localhost:$API_PORT      curl localhost:$API_PORT/aegis/emission/v1/status
  swagger      http://localhost:$API_PORT/swagger/
  gRPC         localhost:$GRPC_PORT            grpcurl -plaintext localhost:$GRPC_PORT list

  Keys (keyring-backend test in $HOME_DIR/keyring-test; public test keys, never use them
  on a real network). Each key's mnemonic is in $HOME_DIR/<key>.json:
    $KEY   $ADDR   validator, license authority, 1,000,000,000 AEGIS
    $NODE_KEY   $NODE_ADDR   resource node in all five roles (one container)

  Days last $DAY_SECONDS seconds. Watch the emission and the node's rewards:
    ./build/aegisd q emission status $H
    ./build/aegisd q por rewards $NODE_ADDR $H
    ./build/aegisd tx por claim --from $NODE_KEY $H --gas auto --gas-prices $GAS_PRICES -y

INFO

if [[ $DETACH == 1 ]]; then
  trap - EXIT
  echo "  Running in the background. Stop it with: make devnet-stop"
  exit 0
fi
echo "  Ctrl-C stops the devnet (make devnet runs it again, keeping the chain)."
wait "$NODE_PID" || true
tail -n 20 "$LOG" >&2
die "aegisd exited; the end of its log is above (full log: $LOG)"
