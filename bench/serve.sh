#!/usr/bin/env bash
# Search at scale on one node: starts searchd on an index INDEX that
# exists (e.g. bench/memory.sh's), reports how long it took to be ready
# and its resident memory, then loads it with bench/load for DURATION
# (default 15s) per run: 1 and 2 clients, facets off then on.
#
#   bench/serve.sh bench/out/idx-10m
set -euo pipefail
cd "$(dirname "$0")/.."
idx=$1
dur="${DURATION:-15s}"
out=bench/out
mkdir -p "$out/bin"
go build -o "$out/bin/" ./cmd/searchd ./bench/load
port=$((20000 + RANDOM % 20000))
start=$(date +%s.%N)
"$out/bin/searchd" -index "$idx" -addr "127.0.0.1:$port" -log-format json >/dev/null 2>"$out/serve.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
  kill -0 "$pid" || { echo "searchd ended: see $out/serve.log"; exit 1; }
  sleep 0.1
done
ready=$(echo "$(date +%s.%N) - $start" | bc)
echo "# serve $idx $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores: ready in ${ready} s, VmRSS $(awk '/^VmRSS/{print int($2/1024)}' /proc/$pid/status) MB"
for facets in false true; do
  for c in 1 2; do
    echo "facets=$facets, $c client(s): $("$out/bin/load" -url "http://127.0.0.1:$port" -clients "$c" -duration "$dur" -params "facets=$facets" -pid "$pid" | tr '\n' ' ')"
  done
done
