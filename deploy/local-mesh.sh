#!/usr/bin/env bash
# Starts N Vantage nodes by hand on 127.0.0.1, in one country, each in its own (made-up) ASN:
#   deploy/local-mesh.sh N [DIR]
# Creates DIR (default ./local-mesh) with a mesh and N enrolled nodes, starts the agents in the
# background (node i listens on 127.0.0.1:(7100+i) and joins node 1), and prints how to use them.
# Stop them with:  kill $(cat DIR/*/agent.pid)
set -euo pipefail
n=${1:?usage: deploy/local-mesh.sh N [DIR]}
dir=${2:-local-mesh}
vantage=${VANTAGE:-$(command -v vantage || echo .build/release/vantage)}
[ -x "$vantage" ] || { echo "local-mesh.sh: build first (swift build -c release) or set VANTAGE=/path/to/vantage" >&2; exit 2; }
[ -e "$dir" ] && { echo "local-mesh.sh: $dir exists; remove it or pick another DIR" >&2; exit 2; }
mkdir -p "$dir"
"$vantage" mesh init --dir "$dir/mesh" --name local >/dev/null
for i in $(seq 1 "$n"); do
  "$vantage" node init --dir "$dir/n$i" --country PK --asn $((64500 + i)) --isp "isp$i" >/dev/null
  "$vantage" admin enroll --mesh "$dir/mesh" --node "$dir/n$i" >/dev/null
done
for i in $(seq 1 "$n"); do
  join=()
  [ "$i" -gt 1 ] && join=(--join 127.0.0.1:7101)
  "$vantage" agent --node "$dir/n$i" --listen "127.0.0.1:$((7100 + i))" "${join[@]}" --gossip-interval 500ms \
    >"$dir/n$i/agent.log" 2>&1 &
  echo $! >"$dir/n$i/agent.pid"
done
sleep 2
echo "started $n nodes in $dir (logs: $dir/n*/agent.log)"
echo "  $vantage status --node $dir/n1"
echo "  $vantage admin campaign --mesh $dir/mesh --file deploy/campaigns/social-media.json --out $dir/campaign.envelope"
echo "  $vantage admin publish --node $dir/n1 $dir/campaign.envelope"
echo "  open \$(cat $dir/n1/api.url)/ for the dashboard"
echo "stop: kill \$(cat $dir/*/agent.pid)"
