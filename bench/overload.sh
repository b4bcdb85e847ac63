#!/usr/bin/env bash
# Overload test of searchd (issue 6): an index of OVERLOAD_PARAGRAPHS
# paragraphs (default 100000) served on 127.0.0.1, open-loop load from
# bench/load. First short steps of rising rate find the highest rate
# searchd sustains (every request answered 200, throughput within 3 % of
# the rate, p99 under 1 s); then 60 s at that rate and 60 s at twice it,
# with searchd's memory sampled. Run from the repository root; the output
# goes to bench/out/overload.txt as well.
#   bench/overload.sh                      # default steps
#   STEPS="200 300 400" DURATION=60s bench/overload.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n="${OVERLOAD_PARAGRAPHS:-100000}"
steps="${STEPS:-100 200 300 400 500 600 700 800 1000 1200}"
dur="${DURATION:-60s}"
params="${PARAMS:-}"
out=bench/out
mkdir -p "$out/bin"
go build -o "$out/bin/" ./cmd/indexer ./cmd/searchd ./bench/load ./bench/corpus
corpus="$out/corpus-$n"
[ -d "$corpus" ] || "$out/bin/corpus" -paragraphs "$n" -out "$corpus"
idx="$out/overload-index-$n"
"$out/bin/indexer" -seeds "$corpus" -index "$idx" >/dev/null
port=$((20000 + RANDOM % 20000))
"$out/bin/searchd" -index "$idx" -addr "127.0.0.1:$port" 2>"$out/overload-searchd.log" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
load() { "$out/bin/load" -url "http://127.0.0.1:$port" -pid "$pid" ${params:+-params "$params"} "$@"; }
{
  echo "# overload run $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, index of $n paragraphs, searchd pid $pid"
  best=0
  for r in $steps; do
    line=$(load -rate "$r" -duration 10s -json || true)
    echo "step rate=$r: $line"
    if grep -q '"sustained":true' <<<"$line"; then
      best=$r
    else
      break
    fi
  done
  echo "highest sustained rate: $best/s"
  echo "## $dur at $best/s"
  load -rate "$best" -duration "$dur" -warm=false || true
  echo "## $dur at $((2 * best))/s"
  load -rate "$((2 * best))" -duration "$dur" -warm=false || true
  echo "## searchd's own counts: answers by status, searches shed"
  curl -fs "http://127.0.0.1:$port/metrics" | grep -E '^searchd_(requests_total|searches_shed_total)' || true
} 2>&1 | tee "$out/overload.txt"
