#!/usr/bin/env bash
# Registers a devnet resource node in all five roles (one container) and submits a report
# whose part for each role reaches the PoR cap (eff 300).
# Usage: devnet-node.sh <aegisd binary> <home> <key> [gas prices]
set -euo pipefail
BIN=$1 HOME_DIR=$2 KEY=$3 GAS_PRICES=${4:-0.025uaegis}
tx() { "$BIN" --home "$HOME_DIR" tx por "$@" --from "$KEY" --keyring-backend test --gas auto --gas-adjustment 1.5 --gas-prices "$GAS_PRICES" -y --output json >/dev/null; sleep 2; }

echo "Registering resource node $KEY in every role (stake 50,000 AEGIS)..."
tx register "$KEY" 50000000000uaegis --roles worker --roles delegate --roles da --roles sequencer --roles operator
echo "Submitting its first resource report..."
tx report --totals '{"compute":600,"storage":500,"bandwidth":500}' \
  --parts '{"role":"worker","resources":{"compute":150,"storage":100,"bandwidth":80}}' \
  --parts '{"role":"delegate","resources":{"compute":110,"storage":80,"bandwidth":110}}' \
  --parts '{"role":"da","resources":{"compute":60,"storage":150,"bandwidth":60}}' \
  --parts '{"role":"sequencer","resources":{"compute":60,"storage":60,"bandwidth":150}}' \
  --parts '{"role":"operator","resources":{"compute":150,"storage":60,"bandwidth":60}}'
"$BIN" --home "$HOME_DIR" q por node "$("$BIN" --home "$HOME_DIR" keys show "$KEY" -a --keyring-backend test)" --output json | head -c 400; echo
