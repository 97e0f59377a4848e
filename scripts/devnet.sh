#!/usr/bin/env bash
# Single-validator Aegis devnet in ./.devnet: builds aegisd, creates the chain on first run
# (a funded test key "alice", keyring-backend test), then starts it in the foreground.
# Re-running reuses the chain; --reset (make devnet-reset) deletes it and starts over.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

HOME_DIR=${DEVNET_HOME:-$ROOT/.devnet}
CHAIN_ID=${DEVNET_CHAIN_ID:-aegis-devnet-1}
KEY=${DEVNET_KEY:-alice}
NODE_KEY=node1
BIN=$ROOT/build/aegisd
DENOM=uaegis
# Every tx pays at least the nodes' minimum gas price (aegisd init's default).
GAS_PRICES=0.025$DENOM

if [[ "${1:-}" == "--reset" ]]; then
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
  aegisd keys add "$KEY" --keyring-backend test --output json >"$HOME_DIR/$KEY.json" 2>&1
  aegisd genesis add-genesis-account "$KEY" 1000000000000000$DENOM --keyring-backend test
  aegisd keys add "$NODE_KEY" --keyring-backend test --output json >"$HOME_DIR/$NODE_KEY.json" 2>&1
  aegisd genesis add-genesis-account "$NODE_KEY" 1000000000000$DENOM --keyring-backend test
  aegisd genesis gentx "$KEY" 100000000000$DENOM --chain-id "$CHAIN_ID" --keyring-backend test >/dev/null 2>&1
  aegisd genesis collect-gentxs >/dev/null 2>&1
  "$ROOT/scripts/devnet-genesis.sh" "$BIN" "$HOME_DIR" "$KEY"
  aegisd genesis validate

  # Fast blocks, API + swagger, gRPC on the usual ports.
  APP="$HOME_DIR/config/app.toml" CFG="$HOME_DIR/config/config.toml"
  sed -i 's/^timeout_commit = .*/timeout_commit = "1s"/' "$CFG"
  # The default minimum gas price of aegisd init, as on any real node: txs pay fees.
  sed -i 's/^minimum-gas-prices = .*/minimum-gas-prices = "'$GAS_PRICES'"/' "$APP"
  sed -i '/^\[api\]/,/^\[/ s/^enable = .*/enable = true/' "$APP"
  sed -i '/^\[api\]/,/^\[/ s/^swagger = .*/swagger = true/' "$APP"
  sed -i '/^\[api\]/,/^\[/ s#^address = .*#address = "tcp://0.0.0.0:1317"#' "$APP"
  sed -i '/^\[api\]/,/^\[/ s/^enabled-unsafe-cors = .*/enabled-unsafe-cors = true/' "$APP"
  sed -i '/^\[grpc\]/,/^\[/ s/^enable = .*/enable = true/' "$APP"
  sed -i '/^\[grpc\]/,/^\[/ s#^address = .*#address = "0.0.0.0:9090"#' "$APP"
else
  echo "Reusing devnet in $HOME_DIR (make devnet-reset to start over)"
fi

ADDR=$(aegisd keys show "$KEY" -a --keyring-backend test)
NODE_ADDR=$(aegisd keys show "$NODE_KEY" -a --keyring-backend test)
cat <<INFO

  Aegis devnet  chain-id $CHAIN_ID   home $HOME_DIR
  test key      $KEY = $ADDR  (keyring-backend test)
  resource node $NODE_KEY = $NODE_ADDR  (a container in all five roles)

  CometBFT RPC  http://localhost:26657    ./build/aegisd status --home $HOME_DIR
  REST (API)    http://localhost:1317     curl localhost:1317/cosmos/base/tendermint/v1beta1/blocks/latest
  swagger       http://localhost:1317/swagger/
  gRPC          localhost:9090            grpcurl -plaintext localhost:9090 list

  Days last 20 seconds. Watch the emission and the node's rewards:
    ./build/aegisd q emission status --home $HOME_DIR
    ./build/aegisd q por rewards $NODE_ADDR --home $HOME_DIR
    ./build/aegisd tx por claim --from $NODE_KEY --home $HOME_DIR --gas auto --gas-prices $GAS_PRICES -y

INFO

"$BIN" start --home "$HOME_DIR" &
NODE_PID=$!
trap 'kill $NODE_PID 2>/dev/null; wait $NODE_PID' INT TERM

# On a new chain, register the test resource node in every role and submit its report.
for _ in $(seq 60); do
  aegisd status >/dev/null 2>&1 && [[ $(aegisd status 2>/dev/null | grep -o '"latest_block_height":"[0-9]*"' | grep -o '[0-9]*') -ge 2 ]] && break
  sleep 1
done
if ! aegisd q por node "$NODE_ADDR" >/dev/null 2>&1; then
  "$ROOT/scripts/devnet-node.sh" "$BIN" "$HOME_DIR" "$NODE_KEY" "$GAS_PRICES"
fi
wait $NODE_PID
