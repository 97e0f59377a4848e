#!/usr/bin/env bash
# Devnet-only genesis settings (short voting period; later modules add theirs here).
# Usage: devnet-genesis.sh <aegisd binary> <home> [license authority key] [day seconds]
set -euo pipefail
BIN=$1 HOME_DIR=$2
DAY_SECONDS=${4:-20}
GEN="$HOME_DIR/config/genesis.json"
# A one-minute gov voting period so proposals can be tried on the devnet.
sed -i 's/"voting_period": "[^"]*"/"voting_period": "60s"/; s/"expedited_voting_period": "[^"]*"/"expedited_voting_period": "30s"/' "$GEN"
# 20-second emission days (by default), so a day's issuance is visible within a minute.
sed -i 's/"day_seconds": "[0-9]*"/"day_seconds": "'"$DAY_SECONDS"'"/' "$GEN"
# Unbonding takes 21 of those days, as x/staking's 21 real days do on a real network: 7
# minutes by default, so a license (or a delegation) can be unbound and bound again in one
# sitting. x/por's unbonding_days (7) counts these days already.
UNBONDING=$((21 * DAY_SECONDS))
sed -i 's/"unbonding_time": "[^"]*"/"unbonding_time": "'"$UNBONDING"'s"/' "$GEN"
# Double-sign evidence is accepted while the stake it slashes is still bonded or unbonding:
# for the unbonding time (in ns), and as many blocks as it has seconds (a block takes at
# least a second here). CometBFT's defaults, 48 hours and 100,000 blocks, would outlast it.
sed -i 's/"max_age_duration": "[0-9]*"/"max_age_duration": "'"$UNBONDING"'000000000"/; s/"max_age_num_blocks": "[0-9]*"/"max_age_num_blocks": "'"$UNBONDING"'"/' "$GEN"
# A devnet report counts for 100 (20-second) days, so one report keeps the test node
# earning for half an hour without a reporting daemon.
sed -i 's/"report_days": [0-9]*/"report_days": 100/' "$GEN"
# The devnet is a TESTNET whose license authority is the test key, so licenses can be
# minted from the CLI (on a real testnet it is the gov account or a dedicated DEV key).
KEY_ADDR=$("$BIN" --home "$HOME_DIR" keys show "${3:-alice}" -a --keyring-backend test)
# The gov module account's address: the first 20 bytes of sha256("gov").
GOV_ADDR=$("$BIN" debug addr "$(printf gov | sha256sum | cut -c1-40)" | sed -n 's/^Bech32 Acc: //p')
sed -i "s/\"authority\": \"$GOV_ADDR\"/\"authority\": \"$KEY_ADDR\"/" "$GEN"
