#!/usr/bin/env bash
# Real partitions: 6 agents in 3 Linux network namespaces (2 each, one IP per agent), joined by
# veth pairs to a bridge. Cuts are iptables DROP rules inside the namespaces; healing flushes them.
# Scenarios: a 3|3 cut and a 1|5 cut; during each cut measurements are submitted on both sides,
# then the cut heals and the script waits until all 6 /v1/status digests are equal.
#
# Usage (as root):  deploy/netns-partition.sh [PATH/TO/vantage]      (default .build/debug/vantage)
# Needs: iproute2, iptables, python3. Prints one line per scenario:
#   scenario 3|3: converged 4.2 s after heal, 6 nodes, 240 measurements each
# and exits 1 when a scenario does not converge within $VANTAGE_HEAL_TIMEOUT seconds (default 180)
# or a node lacks an acknowledged measurement. Cleans up namespaces, links and agents on exit.
set -euo pipefail

vantage=$(realpath "${1:-.build/debug/vantage}")
[ "$(id -u)" = 0 ] || { echo "netns-partition: needs root (network namespaces, iptables)" >&2; exit 2; }
for tool in ip iptables python3; do
  command -v "$tool" >/dev/null || { echo "netns-partition: $tool is not installed" >&2; exit 2; }
done

tag="vt$$"
subnet="10.77.$(( $$ % 200 + 20 ))"
work=$(mktemp -d)
namespaces=("${tag}a" "${tag}b" "${tag}c")
pids=()
heal_timeout=${VANTAGE_HEAL_TIMEOUT:-180}

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "${tag}br" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ns_of() { echo "${namespaces[$(( ($1 - 1) / 2 ))]}"; }   # node 1..6 -> namespace
ip_of() { echo "$subnet.$1"; }

# --- network: a bridge in the root namespace, one veth per namespace, two addresses per namespace
ip link add "${tag}br" type bridge
ip addr add "$subnet.254/24" dev "${tag}br"
ip link set "${tag}br" up
for i in 0 1 2; do
  ns=${namespaces[$i]}
  ip netns add "$ns"
  ip link add "${tag}v$i" type veth peer name eth0 netns "$ns"
  ip link set "${tag}v$i" master "${tag}br" up
  ip netns exec "$ns" ip link set lo up
  ip netns exec "$ns" ip addr add "$(ip_of $(( i * 2 + 1 )))/24" dev eth0
  ip netns exec "$ns" ip addr add "$(ip_of $(( i * 2 + 2 )))/24" dev eth0
  ip netns exec "$ns" ip link set eth0 up
done

# --- the mesh: 6 nodes in 6 ASNs, each joining the others by address (no record names one)
"$vantage" mesh init --dir "$work/mesh" --name netns >/dev/null
for k in 1 2 3 4 5 6; do
  "$vantage" node init --dir "$work/n$k" --country PK --asn $(( 64500 + k )) --isp "isp$k" >/dev/null
  "$vantage" admin enroll --mesh "$work/mesh" --node "$work/n$k" >/dev/null
done
for k in 1 2 3 4 5 6; do
  joins=()
  for j in 1 2 3 4 5 6; do [ "$j" = "$k" ] || joins+=(--join "$(ip_of "$j"):7000"); done
  ip netns exec "$(ns_of "$k")" "$vantage" agent --node "$work/n$k" --listen "$(ip_of "$k"):7000" \
    --api "$(ip_of "$k"):8000" --gossip-interval 200ms "${joins[@]}" 2>"$work/n$k.log" &
  pids+=($!)
done

status() {  # status K FIELD -> ledger field of node K
  "$vantage" status --api "http://$(ip_of "$1"):8000" --json 2>/dev/null |
    python3 -c "import json,sys; print(json.load(sys.stdin)['ledger']['$2'])" 2>/dev/null || echo "?"
}
for k in 1 2 3 4 5 6; do
  for _ in $(seq 200); do [ -f "$work/n$k/api.url" ] && [ "$(status "$k" digest)" != "?" ] && break; sleep 0.1; done
done

submitted=0
submit() {  # submit K COUNT: COUNT measurements to node K
  python3 - "$2" "$submitted" >"$work/m.jsonl" <<'EOF'
import datetime, json, sys
count, offset = int(sys.argv[1]), int(sys.argv[2])
start = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
for i in range(count):
    n = offset + i  # a second apart from now on (within the allowed clock skew): inside every node's enrollment
    time = (start + datetime.timedelta(seconds=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
    print(json.dumps({"target": "x", "input": "https://x.com/", "probe": "tls", "outcome": "tls_reset",
                      "time": time, "runtime_ms": 100 + n}))
EOF
  "$vantage" submit --api "http://$(ip_of "$1"):8000" --token-file "$work/n$1/api.token" "$work/m.jsonl" >/dev/null
  submitted=$(( submitted + $2 ))
}

cut() {  # cut "A-SIDE NODES": drop traffic between the two sides, inside every namespace
  local side=" $1 "
  for a in 1 2 3 4 5 6; do
    for b in 1 2 3 4 5 6; do
      [[ "$side" == *" $a "* && "$side" != *" $b "* ]] || continue
      for ns in "${namespaces[@]}"; do
        ip netns exec "$ns" iptables -A OUTPUT -s "$(ip_of "$a")" -d "$(ip_of "$b")" -j DROP
        ip netns exec "$ns" iptables -A OUTPUT -s "$(ip_of "$b")" -d "$(ip_of "$a")" -j DROP
      done
    done
  done
}

heal() { for ns in "${namespaces[@]}"; do ip netns exec "$ns" iptables -F; done; }

converge() {  # waits until all 6 digests are equal and hold every submitted measurement
  local start=$1
  while true; do
    local digests=() counts=()
    for k in 1 2 3 4 5 6; do digests+=("$(status "$k" digest)"); counts+=("$(status "$k" measurements)"); done
    if [ "$(printf '%s\n' "${digests[@]}" | sort -u | wc -l)" = 1 ] && [ "${digests[0]}" != "?" ] &&
       [ "$(printf '%s\n' "${counts[@]}" | sort -u)" = "$submitted" ]; then
      python3 -c "import time; print('%.1f' % (time.time() - $start))"
      return 0
    fi
    if python3 -c "import time,sys; sys.exit(0 if time.time() - $start > $heal_timeout else 1)"; then
      echo "digests ${digests[*]}; measurements ${counts[*]} (submitted $submitted)" >&2
      return 1
    fi
    sleep 0.2
  done
}

run_scenario() {  # run_scenario NAME "A-SIDE NODES"
  cut "$2"
  sleep 2
  for k in 1 2 3 4 5 6; do submit "$k" 20; done   # both sides measure during the cut
  sleep 3
  for k in 1 2 3 4 5 6; do submit "$k" 20; done
  local start; start=$(python3 -c "import time; print(time.time())")
  heal
  local seconds
  if seconds=$(converge "$start"); then
    echo "scenario $1: converged $seconds s after heal, 6 nodes, $submitted measurements each"
  else
    echo "scenario $1: did NOT converge within $heal_timeout s after heal" >&2
    for k in 1 2 3 4 5 6; do echo "--- node $k" >&2; tail -5 "$work/n$k.log" >&2; done
    exit 1
  fi
}

run_scenario "3|3" "1 2 3"
run_scenario "1|5" "4"
