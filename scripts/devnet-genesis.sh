#!/usr/bin/env bash
# Devnet-only genesis settings (short voting period; later modules add theirs here).
# Usage: devnet-genesis.sh <aegisd binary> <home>
set -euo pipefail
BIN=$1 HOME_DIR=$2
GEN="$HOME_DIR/config/genesis.json"
# A one-minute gov voting period so proposals can be tried on the devnet.
sed -i 's/"voting_period": "[^"]*"/"voting_period": "60s"/; s/"expedited_voting_period": "[^"]*"/"expedited_voting_period": "30s"/' "$GEN"
# 20-second emission days, so a day's issuance is visible within a minute.
sed -i 's/"day_seconds": "[0-9]*"/"day_seconds": "20"/' "$GEN"
# A devnet report counts for 100 (20-second) days, so one report keeps the test node
# earning for half an hour without a reporting daemon.
sed -i 's/"report_days": [0-9]*/"report_days": 100/' "$GEN"
