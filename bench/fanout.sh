#!/usr/bin/env bash
# Issue 19: the cost of a partitioned search. One index of
# FANOUT_PARAGRAPHS paragraphs (default 100000) in 4 shards, served three
# ways on loopback: one searchd; a root over 2 leaves of 2 buckets each;
# a root over 4 leaves of 1 bucket. Each is loaded by one client, then two,
# for DURATION (default 8s), ROUNDS times (default 2) in turn, so that a
# noisy machine weighs on all three alike. The leaves and the single node
# share the machine's 2 cores with the root: on loopback the overhead is
# the root's work and the round trips, not a network.
# Run from the repository root; output also goes to bench/out/fanout.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${FANOUT_PARAGRAPHS:-100000}"
rounds="${ROUNDS:-2}"
dur="${DURATION:-8s}"
params="${PARAMS:-facets=false}"
out=bench/out
mkdir -p "$out/bin"
go build -o "$out/bin/" ./cmd/indexer ./cmd/searchd ./bench/load ./bench/corpus
corpus="$out/corpus-$n"
[ -d "$corpus" ] || "$out/bin/corpus" -paragraphs "$n" -out "$corpus"
work="$out/fanout"
idx="$work/index-$n"
mkdir -p "$work"
[ -f "$idx/CURRENT" ] || "$out/bin/indexer" -seeds "$corpus" -index "$idx" -shards 4 >"$work/indexer.log" 2>&1
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
port=$((20000 + RANDOM % 20000))
url=""
start() { # start ARGS...: a searchd on the next port; its URL in $url
  port=$((port + 1))
  "$out/bin/searchd" "$@" -addr "127.0.0.1:$port" -log-format json >/dev/null 2>>"$work/searchd.log" &
  pids+=($!)
  for _ in $(seq 1000); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.02; done
  url="http://127.0.0.1:$port"
}
start -index "$idx"; single=$url
start -index "$idx" -buckets 0-1; l01=$url
start -index "$idx" -buckets 2-3; l23=$url
start -leaves "$l01 $l23"; root2=$url
start -index "$idx" -buckets 0; l0=$url
start -index "$idx" -buckets 1; l1=$url
start -index "$idx" -buckets 2; l2=$url
start -index "$idx" -buckets 3; l3=$url
start -leaves "$l0 $l1 $l2 $l3"; root4=$url
sleep 1
{
  echo "# fanout run $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $n paragraphs in 4 shards, $dur per run, params $params"
  for r in $(seq "$rounds"); do
    for c in 1 2; do
      for target in "single:$single" "root+2:$root2" "root+4:$root4"; do
        echo "round $r, $c client(s), ${target%%:*}: $("$out/bin/load" -url "${target#*:}" -clients "$c" -duration "$dur" -params "$params" | tr '\n' ' ')"
      done
    done
  done
} | tee "$work/../fanout.txt"
