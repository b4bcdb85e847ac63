#!/usr/bin/env bash
# Cost of adding, changing and removing articles in a large index, and what
# the shard updates cost searches. Builds an index of UPDATES_PARAGRAPHS
# paragraphs (default 100000), then adds ROUNDS articles (default 24) one
# indexer run at a time (copies of corpus articles under new paths: each
# shard is updated in place of a rebuild), changes one and removes one;
# then adds one more with -max-updates 0 (the bucket rebuilt whole) for
# comparison; then serves the updated index and a whole
# build of the same seeds in turn and measures 2-client throughput on each.
# Run from the repository root; output also goes to bench/out/updates.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${UPDATES_PARAGRAPHS:-100000}"
rounds="${ROUNDS:-24}"
out=bench/out
mkdir -p "$out/bin"
go build -o "$out/bin/" ./cmd/indexer ./cmd/searchd ./bench/load ./bench/corpus
corpus="$out/corpus-$n"
[ -d "$corpus" ] || "$out/bin/corpus" -paragraphs "$n" -out "$corpus"
work="$out/updates"
rm -rf "$work"
mkdir -p "$work"
cp -al "$corpus" "$work/seeds"       # hard links: the corpus stays as it is
mkdir -p "$work/seeds/new"
mapfile -t pool < <(find "$corpus/bbc" -name '*.txt' | sort | head -n $((rounds + 1)))
ms() { local t0; t0=$(date +%s%N); "$@" >"$work/last.txt" 2>&1; echo $((($(date +%s%N) - t0) / 1000000)); }
port=$((20000 + RANDOM % 20000))
serve() { # serve INDEX LABEL: two 8 s runs of 2 clients
  "$out/bin/searchd" -index "$1" -addr "127.0.0.1:$port" 2>>"$work/searchd.log" &
  local pid=$!
  local t0; t0=$(date +%s%N)
  for _ in $(seq 500); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.02; done
  echo "$2: ready in $((($(date +%s%N) - t0) / 1000000)) ms; $("$out/bin/load" -url "http://127.0.0.1:$port" -clients 2 -duration 8s -params facets=false -pid "$pid" | tr '\n' ' ')"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
{
  echo "# updates run $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, index of $n paragraphs"
  echo "full build: $(ms "$out/bin/indexer" -seeds "$work/seeds" -index "$work/index") ms"
  for i in $(seq "$rounds"); do
    cp "${pool[$i]}" "$work/seeds/new/$i.txt"
    t=$(ms "$out/bin/indexer" -seeds "$work/seeds" -index "$work/index")
    echo "add $i: $t ms: $(grep -o 'indexed=[0-9]* shards built=[0-9]* updated=[0-9]*' "$work/last.txt")"
  done
  printf '\nA correction was added to this article.\n' >>"$work/seeds/new/1.txt"
  t=$(ms "$out/bin/indexer" -seeds "$work/seeds" -index "$work/index")
  echo "change one: $t ms: $(grep -o 'indexed=[0-9]* shards built=[0-9]* updated=[0-9]*' "$work/last.txt")"
  rm "$work/seeds/new/2.txt"
  t=$(ms "$out/bin/indexer" -seeds "$work/seeds" -index "$work/index")
  echo "remove one: $t ms: $(grep -o 'indexed=[0-9]* shards built=[0-9]* updated=[0-9]*' "$work/last.txt")"
  manifest="$work/index/$(cat "$work/index/CURRENT")"
  grep -o '"name": *"[^"]*"\|"updates": *[0-9]*' "$manifest" | paste -sd' ' | sed 's/^/shards: /'
  for s in $(grep -o '"name": *"[^"]*"' "$manifest" | cut -d'"' -f4); do
    echo "$s: $(find "$work/index/shards/$s" -name '*.zap' | wc -l) segment files"
  done
  cp -a "$work/index" "$work/index-rebuild"
  cp "${pool[0]}" "$work/seeds/new/0.txt"
  t=$(ms "$out/bin/indexer" -seeds "$work/seeds" -index "$work/index-rebuild" -max-updates 0)
  echo "add one, bucket rebuilt whole (-max-updates 0): $t ms: $(grep -o 'indexed=[0-9]* shards built=[0-9]* updated=[0-9]*' "$work/last.txt")"
  rm "$work/seeds/new/0.txt"
  "$out/bin/indexer" -seeds "$work/seeds" -index "$work/whole" >/dev/null 2>&1
  for k in 1 2; do
    serve "$work/index" "updated shards, run $k"
    serve "$work/whole" "whole build,    run $k"
  done
} 2>&1 | tee "$out/updates.txt"
