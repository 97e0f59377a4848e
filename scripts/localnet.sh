#!/usr/bin/env bash
# A real Aegis network on one machine: four validators and one full node, each its own
# `aegisd` process with its own ports and log, plus resource nodes run by `aegis-node`.
#
# Usage: scripts/localnet.sh start [--reset] | create [--reset] | stop | status
#   start    build, create the network on first run, start every process (make localnet)
#   create   only create it (a test edits the genesis before start)
#   --reset  delete the network first
#   stop     stop every process of the network (make localnet-stop)
#   status   each node's height and app hash (make localnet-status)
# Env: LOCALNET_HOME (./.localnet), LOCALNET_CHAIN_ID (aegis-localnet-1),
#      LOCALNET_DAY_SECONDS (15), LOCALNET_RESOURCE_NODES (2),
#      LOCALNET_BIN (./build/aegisd): the aegisd every node runs and the script calls; an
#      older build, say, to rehearse a software upgrade (docs/operators.md);
#      LOCALNET_IAVL_CACHE_SIZE (unset: app.toml's 781250): iavl-cache-size of every node;
#      LOCALNET_NETNS (0): 1 puts every process on a host of its own, a Linux network
#      namespace with its own address, joined by tools/netlab's switch, which can delay,
#      drop and partition their traffic (make netnet; needs root). Node<i> is host i+1 at
#      10.77.0.<i+1>, the full node host 5, res<j> host 5+j; every node listens on the
#      default ports of its own address, and this machine reaches them all through the
#      switch's management port, 10.77.0.254 (faults never touch it). LOCALNET_NS_PREFIX
#      (aegisnl): the namespaces' names (aegisnl1...). Faults: build/netlab set|partition|
#      down|up|heal -state $LOCALNET_HOME/netlab (tools/netlab).
#
# Layout of LOCALNET_HOME:
#   node0..node3/aegisd  validator homes (from `aegisd testnet init-files`); node<i> listens
#                        on RPC 26657+10i, P2P 26656+10i, REST 1317+10i, gRPC 9090+10i
#   full/aegisd          a full node (no validator), offset 40: RPC 26697, REST 1357, ...
#                        every node takes a state-sync snapshot every 20 blocks (kept: 10)
#                        every node serves CometBFT's Prometheus metrics (the Go runtime's
#                        and the process's included) on 28660+offset, and Go's pprof on
#                        127.0.0.1:6060+offset
#   keys                 a test keyring: authority (license authority), owner1, owner2
#                        (license holders), res1.. (resource node operators)
#   res1..               aegis-node homes (hot keys, config.toml, state)
#   logs/<name>.log      every process's log; pids/<name>.pid its pid
#   chain-registry       chain.json and assetlist.json (aegisd genesis chain-registry)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

NET=${LOCALNET_HOME:-$ROOT/.localnet}
CHAIN_ID=${LOCALNET_CHAIN_ID:-aegis-localnet-1}
DAY_SECONDS=${LOCALNET_DAY_SECONDS:-15}
RES_NODES=${LOCALNET_RESOURCE_NODES:-2}
BIN=$(realpath -m "${LOCALNET_BIN:-$ROOT/build/aegisd}")
NODE_BIN=$ROOT/build/aegis-node
KEYS=$NET/keys
GAS=(--gas auto --gas-adjustment 1.5 --gas-prices 0.025uaegis)
VALIDATORS=(node0 node1 node2 node3)
NETNS=${LOCALNET_NETNS:-0}
NS_PREFIX=${LOCALNET_NS_PREFIX:-aegisnl}
SUBNET=10.77.0
NETLAB=$ROOT/build/netlab

die() { printf 'localnet: %s\n' "$*" >&2; exit 1; }
home_of() { if [[ $1 == full ]]; then echo "$NET/full/aegisd"; else echo "$NET/$1/aegisd"; fi; }
# host_of: a process's host number on the switch (LOCALNET_NETNS=1).
host_of() { case $1 in node*) echo $((${1#node} + 1)) ;; full) echo 5 ;; res*) echo $((5 + ${1#res})) ;; esac; }
ip_of() { if [[ $NETNS == 1 ]]; then echo "$SUBNET.$(host_of "$1")"; else echo 127.0.0.1; fi; }
# offset_of: a node's port offset; on hosts of their own every node has the default ports.
offset_of() {
  if [[ $NETNS == 1 ]]; then echo 0; elif [[ $1 == full ]]; then echo 40; else echo $((${1#node} * 10)); fi
}
# listen_of: where a node's servers listen: its own address (127.0.0.1 on one host).
listen_of() { if [[ $NETNS == 1 ]]; then echo 0.0.0.0; else echo 127.0.0.1; fi; }
rpc_of() { echo "tcp://$(ip_of "$1"):$((26657 + $(offset_of "$1")))"; }
pid_alive() { [[ -f $NET/pids/$1.pid ]] && kill -0 "$(cat "$NET/pids/$1.pid")" 2>/dev/null; }
aegisd_at() { local n=$1; shift; "$BIN" --home "$(home_of "$n")" "$@"; }
keys() { "$BIN" keys --keyring-backend test --keyring-dir "$KEYS" "$@"; }
addr() { keys show "$1" -a; }
status_json() { timeout 3 "$BIN" status --node "$(rpc_of "$1")" 2>/dev/null || true; }
height() { status_json "$1" | sed -n 's/.*"latest_block_height":"\([0-9]*\)".*/\1/p' | grep . || echo 0; }
apphash() { status_json "$1" | sed -n 's/.*"latest_app_hash":"\([0-9A-F]*\)".*/\1/p'; }

# tx FROM_NODE ARGS...: sign with the shared keyring, wait for inclusion, fail on a bad code.
tx() {
  local n=$1; shift
  local out hash code
  out=$("$BIN" tx "$@" --keyring-backend test --keyring-dir "$KEYS" --chain-id "$CHAIN_ID" \
    --node "$(rpc_of "$n")" "${GAS[@]}" -y -o json 2>&1 | grep -v "^gas estimate" || true)
  hash=$(sed -n 's/.*"txhash":"\([0-9A-F]*\)".*/\1/p' <<<"$out")
  [[ -n $hash ]] || die "tx $* was not accepted: $out"
  for _ in $(seq 30); do
    if out=$("$BIN" q tx "$hash" --node "$(rpc_of "$n")" -o json 2>/dev/null); then
      code=$(grep -o '"code":[0-9]*' <<<"$out" | head -1 | cut -d: -f2)
      [[ ${code:-0} == 0 ]] || die "tx $* failed: $out"
      return 0
    fi
    sleep 1
  done
  die "tx $* was not included in 30 s"
}

start_proc() { # name cmd...: in the name's namespace with LOCALNET_NETNS=1
  local name=$1; shift
  pid_alive "$name" && return 0
  [[ $NETNS == 1 ]] && set -- ip netns exec "$NS_PREFIX$(host_of "$name")" "$@"
  setsid "$@" >>"$NET/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$NET/pids/$name.pid"
}

# stop_all stops every process, the switch last (it takes the namespaces with it), and
# removes namespaces a run that failed may have left.
stop_all() {
  local f pid
  shopt -s nullglob
  for f in "$NET"/pids/*.pid; do
    [[ $f == */netlab.pid ]] && continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
  done
  for f in "$NET"/pids/*.pid "$NET"/pids/netlab.pid; do
    [[ -f $f ]] || continue
    pid=$(cat "$f")
    [[ $f == */netlab.pid ]] && kill "$pid" 2>/dev/null
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
  if [[ $NETNS == 1 && -x $NETLAB ]]; then "$NETLAB" clean -prefix "$NS_PREFIX"; fi
}

# start_switch starts tools/netlab with a host for every process (LOCALNET_NETNS=1).
start_switch() {
  [[ $NETNS == 1 ]] || return 0
  [[ $(id -u) == 0 ]] || die "LOCALNET_NETNS=1 needs root (network namespaces)"
  go build -o "$NETLAB" ./tools/netlab
  pid_alive netlab && return 0
  mkdir -p "$NET/netlab" "$NET/logs" "$NET/pids"
  rm -f "$NET/netlab/netlab.pid"
  setsid "$NETLAB" run -state "$NET/netlab" -hosts $((5 + RES_NODES)) -prefix "$NS_PREFIX" -subnet "$SUBNET" \
    >>"$NET/logs/netlab.log" 2>&1 </dev/null &
  echo $! >"$NET/pids/netlab.pid"
  for _ in $(seq 50); do [[ -f $NET/netlab/netlab.pid ]] && return 0; sleep 0.1; done
  die "the switch did not start; see $NET/logs/netlab.log"
}

print_status() {
  printf '%-6s %-8s %-8s %s\n' NODE PID HEIGHT APP_HASH
  for n in "${VALIDATORS[@]}" full; do
    local pid=-
    pid_alive "$n" && pid=$(cat "$NET/pids/$n.pid")
    printf '%-6s %-8s %-8s %s\n' "$n" "$pid" "$(height "$n")" "$(apphash "$n")"
  done
  for ((i = 1; i <= RES_NODES; i++)); do
    local pid=-
    pid_alive "res$i" && pid=$(cat "$NET/pids/res$i.pid")
    printf '%-6s %-8s (aegis-node, log %s)\n' "res$i" "$pid" "$NET/logs/res$i.log"
  done
}

create() {
  echo "Creating $CHAIN_ID in $NET (4 validators, 1 full node)"
  mkdir -p "$NET"
  "$BIN" testnet init-files --v 4 --output-dir "$NET" --chain-id "$CHAIN_ID" --commit-timeout 1s \
    --starting-ip-address "$(ip_of node0)" >/dev/null 2>&1
  local g0 gen
  g0=$(home_of node0)
  for k in authority owner1 owner2 $(for ((i = 1; i <= RES_NODES; i++)); do echo "res$i"; done); do
    keys add "$k" --output json >"$NET/keys-$k.json" 2>&1
    aegisd_at node0 genesis add-genesis-account "$(addr "$k")" 1000000000000uaegis >/dev/null
  done
  gen=$g0/config/genesis.json
  # Short days and a short vote, so days tick and an upgrade passes within a test; the license
  # authority is the authority key (the chain is a license TESTNET).
  sed -i 's/"day_seconds": "[0-9]*"/"day_seconds": "'"$DAY_SECONDS"'"/' "$gen"
  sed -i 's/"voting_period": "[^"]*"/"voting_period": "20s"/; s/"expedited_voting_period": "[^"]*"/"expedited_voting_period": "10s"/' "$gen"
  # Unbonding takes 21 chain days, as on a real network (5 min 15 s with 15-second days), and
  # double-sign evidence is accepted for as long (in ns, and as many blocks as seconds: a
  # block takes at least a second), as on the devnet (scripts/devnet-genesis.sh).
  local unbonding=$((21 * DAY_SECONDS))
  sed -i 's/"unbonding_time": "[^"]*"/"unbonding_time": "'"$unbonding"'s"/' "$gen"
  sed -i 's/"max_age_duration": "[0-9]*"/"max_age_duration": "'"$unbonding"'000000000"/; s/"max_age_num_blocks": "[0-9]*"/"max_age_num_blocks": "'"$unbonding"'"/' "$gen"
  local gov_addr
  gov_addr=$("$BIN" debug addr "$(printf gov | sha256sum | cut -c1-40)" | sed -n 's/^Bech32 Acc: //p')
  sed -i "s/\"authority\": \"$gov_addr\"/\"authority\": \"$(addr authority)\"/" "$gen"
  # Downtime slashing within a minute: a validator offline for 20 of the last 40 blocks is
  # jailed (the SDK's default window is 100 blocks at 50%).
  sed -i 's/"signed_blocks_window": "[0-9]*"/"signed_blocks_window": "40"/; s/"downtime_jail_duration": "[^"]*"/"downtime_jail_duration": "60s"/' "$gen"
  aegisd_at node0 genesis validate >/dev/null
  for n in node1 node2 node3; do cp "$gen" "$(home_of "$n")/config/genesis.json"; done
  # The chain-registry files wallets and explorers read, with every validator's endpoints.
  local eps=()
  for n in "${VALIDATORS[@]}"; do
    eps+=(--rpc-endpoint "http://$(ip_of "$n"):$((26657 + $(offset_of "$n")))"
      --rest-endpoint "http://$(ip_of "$n"):$((1317 + $(offset_of "$n")))"
      --grpc-endpoint "$(ip_of "$n"):$((9090 + $(offset_of "$n")))")
  done
  aegisd_at node0 genesis chain-registry --network-type devnet --output-dir "$NET/chain-registry" "${eps[@]}" >/dev/null

  # The full node: same genesis, peers with every validator, ports at offset 40.
  local fh peers=""
  fh=$(home_of full)
  "$BIN" init full --chain-id "$CHAIN_ID" --home "$fh" >/dev/null 2>&1
  cp "$gen" "$fh/config/genesis.json"
  for n in "${VALIDATORS[@]}"; do
    peers+="$("$BIN" comet show-node-id --home "$(home_of "$n")")@$(ip_of "$n"):$((26656 + $(offset_of "$n"))),"
  done
  local cfg=$fh/config/config.toml app=$fh/config/app.toml
  sed -i 's#^persistent_peers = .*#persistent_peers = "'"${peers%,}"'"#; s/^allow_duplicate_ip = .*/allow_duplicate_ip = true/' "$cfg"
  sed -i 's/^timeout_commit = .*/timeout_commit = "1s"/; s#^pprof_laddr = .*#pprof_laddr = ""#' "$cfg"
  local lf off
  lf=$(listen_of full) off=$(offset_of full)
  sed -i '/^\[rpc\]/,/^\[/ s#^laddr = .*#laddr = "tcp://'"$lf:$((26657 + off))"'"#' "$cfg"
  sed -i '/^\[p2p\]/,/^\[/ s#^laddr = .*#laddr = "tcp://'"$lf:$((26656 + off))"'"#' "$cfg"
  sed -i '/^\[api\]/,/^\[/ s/^enable = .*/enable = true/; /^\[api\]/,/^\[/ s#^address = .*#address = "tcp://'"$lf:$((1317 + off))"'"#' "$app"
  sed -i '/^\[grpc\]/,/^\[/ s#^address = .*#address = "'"$lf:$((9090 + off))"'"#' "$app"
  sed -i 's/^minimum-gas-prices = .*/minimum-gas-prices = "0.025uaegis"/' "$app"
  # Validators and the full node keep every block and state, so a node can join by block
  # sync from any of them and queries at past heights work; and take a state-sync snapshot
  # every 20 blocks, kept for 10 (a joiner spends 15 s discovering them, and CometBFT asks
  # again and again for a snapshot pruned under it). Each serves its metrics.
  for n in "${VALIDATORS[@]}" full; do
    sed -i 's/^pruning = .*/pruning = "nothing"/' "$(home_of "$n")/config/app.toml"
    sed -i 's/^snapshot-interval = .*/snapshot-interval = 20/; s/^snapshot-keep-recent = .*/snapshot-keep-recent = 10/' "$(home_of "$n")/config/app.toml"
    [[ -z ${LOCALNET_IAVL_CACHE_SIZE:-} ]] ||
      sed -i 's/^iavl-cache-size = .*/iavl-cache-size = '"$LOCALNET_IAVL_CACHE_SIZE"'/' "$(home_of "$n")/config/app.toml"
    sed -i 's/^prometheus = .*/prometheus = true/; s#^prometheus_listen_addr = .*#prometheus_listen_addr = "'"$(ip_of "$n"):$((28660 + $(offset_of "$n")))"'"#' \
      "$(home_of "$n")/config/config.toml"
    sed -i 's#^pprof_laddr = .*#pprof_laddr = "'"$(ip_of "$n"):$((6060 + $(offset_of "$n")))"'"#' "$(home_of "$n")/config/config.toml"
    if [[ $NETNS == 1 && $n != full ]]; then # every server on the host's own address
      sed -i '/^\[rpc\]/,/^\[/ s#^laddr = .*#laddr = "tcp://0.0.0.0:26657"#' "$(home_of "$n")/config/config.toml"
      sed -i '/^\[api\]/,/^\[/ s#^address = .*#address = "tcp://0.0.0.0:1317"#; /^\[grpc\]/,/^\[/ s#^address = .*#address = "0.0.0.0:9090"#' \
        "$(home_of "$n")/config/app.toml"
    fi
  done
}

# setup: licenses and resource nodes, once, on a running network.
setup() {
  echo "Minting licenses: 4 to owner1, 2 to owner2"
  tx node0 license mint "$(addr owner1)" 4 --from authority
  tx node0 license mint "$(addr owner2)" 2 --from authority
  for ((i = 1; i <= RES_NODES; i++)); do
    local n=res$i h=$NET/res$i out hot v
    v=node$(((i - 1) % 4))
    echo "Resource node $n (aegis-node, reporting to $v)"
    out=$("$NODE_BIN" init --home "$h" --chain-id "$CHAIN_ID" --node "http://$(ip_of "$v"):$((26657 + $(offset_of "$v")))" \
      --grpc "$(ip_of "$v"):$((9090 + $(offset_of "$v")))" --operator "$(addr "$n")" --bandwidth-mbps 1000 --roles worker,da \
      --metrics-listen "$(ip_of "$n"):$((26680 + 10 * i))" --status-listen "$(ip_of "$n"):$((26681 + 10 * i))" 2>&1)
    hot=$(sed -n 's/.*hot key[[:space:]]*[^ ]* = \(aegis1[0-9a-z]*\).*/\1/p' <<<"$out" | head -1)
    [[ -n $hot ]] || die "aegis-node init printed no hot key: $out"
    "$NODE_BIN" register --home "$h" --roles worker,da --stake 30000AEGIS --moniker "$n" \
      --from "$n" --keyring-dir "$KEYS" --keyring-backend test --yes >>"$NET/logs/$n.log" 2>&1 ||
      die "aegis-node register $n failed; see $NET/logs/$n.log"
    tx "$v" authz grant "$hot" generic --msg-type /aegis.por.v1.MsgSubmitReport --from "$n"
    tx "$v" authz grant "$hot" generic --msg-type /aegis.por.v1.MsgAnswerChallenge --from "$n"
    tx "$v" authz grant "$hot" generic --msg-type /aegis.por.v1.MsgClaimRewards --from "$n"
    tx "$v" feegrant grant "$(addr "$n")" "$hot" --allowed-messages /cosmos.authz.v1beta1.MsgExec --from "$n"
  done
  touch "$NET/.setup-done"
}

cmd=${1:-start}
shift || true
case $cmd in
  start) ;;
  create) CREATE_ONLY=1 ;;
  stop) stop_all; echo "localnet: stopped"; exit 0 ;;
  status) [[ -d $NET ]] || die "no localnet in $NET (make localnet)"; print_status; exit 0 ;;
  -h | --help) sed -n '2,37p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown command $cmd (start, create, stop, status)" ;;
esac
[[ ${1:-} == --reset ]] && { stop_all 2>/dev/null || true; rm -rf "$NET"; }

for n in "${VALIDATORS[@]}" full; do
  pid_alive "$n" && die "the localnet is already running ($n: pid $(cat "$NET/pids/$n.pid")); make localnet-stop first"
done
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
[[ $NETNS == 1 ]] || for port in 26657 26667 26677 26687 26697 1317 1327 1337 1347 1357 9090 9100 9110 9120 9130; do
  port_busy "$port" && die "port $port is in use by another program (a devnet, or another localnet?); stop it first"
done
echo "Building aegisd and aegis-node..."
make -s build
[[ -x $BIN ]] || die "LOCALNET_BIN $BIN is not an executable"
[[ -f $(home_of node0)/config/genesis.json ]] || create
[[ ${CREATE_ONLY:-0} == 1 ]] && { echo "localnet: created in $NET (not started)"; exit 0; }
mkdir -p "$NET/logs" "$NET/pids"
start_switch

for n in "${VALIDATORS[@]}" full; do start_proc "$n" "$BIN" start --home "$(home_of "$n")"; done
echo "Waiting for blocks..."
for _ in $(seq 120); do
  ok=1
  for n in "${VALIDATORS[@]}" full; do [[ $(height "$n") -ge 2 ]] || ok=0; done
  [[ $ok == 1 ]] && break
  sleep 1
done
[[ $ok == 1 ]] || { print_status; die "not every node reached height 2; see $NET/logs"; }

[[ -f $NET/.setup-done ]] || setup
for ((i = 1; i <= RES_NODES; i++)); do start_proc "res$i" "$NODE_BIN" run --home "$NET/res$i"; done

echo
print_status
if [[ $NETNS == 1 ]]; then
  where="validators node0..node3 at $SUBNET.1-4, the full node at $SUBNET.5, res<j> at $SUBNET.<5+j>,
  each in namespace $NS_PREFIX<host> with RPC 26657, REST 1317, gRPC 9090 on its address;
  faults: $NETLAB set|partition|down|up|heal -state $NET/netlab (tools/netlab)"
else
  where="validators node0..node3: RPC 26657/26667/26677/26687, REST 1317/1327/1337/1347, gRPC 9090/9100/9110/9120
  full node: RPC 26697, REST 1357, gRPC 9130"
fi
cat <<INFO

  Aegis localnet $CHAIN_ID in $NET (logs in $NET/logs)
  $where
  keys: ./build/aegisd keys list --keyring-backend test --keyring-dir $KEYS
  validator operator keys: $NET/node<i>/aegisd (key node<i>, keyring-backend test)

  make localnet-status   heights and app hashes        make localnet-stop   stop everything
INFO
