#!/usr/bin/env bash
# Issue 16's cost bar: the same queries by all the words (the default), by
# any of them (match=any) and joined by explicit OR, on one searchd over an
# index of COST_PARAGRAPHS paragraphs (default 100000), one client, in
# turn ROUNDS times (default 2), DURATION each (default 8s), facets off.
# Queries of one word are the same in all three forms; phrases stay
# phrases. Output also goes to bench/out/cost-N.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${COST_PARAGRAPHS:-100000}"
rounds="${ROUNDS:-2}"
dur="${DURATION:-8s}"
out=bench/out
mkdir -p "$out/bin"
go build -o "$out/bin/" ./cmd/indexer ./cmd/searchd ./bench/load ./bench/corpus
corpus="$out/corpus-$n"
[ -d "$corpus" ] || "$out/bin/corpus" -paragraphs "$n" -out "$corpus"
idx="$out/cost/index-$n"
mkdir -p "$out/cost"
[ -f "$idx/CURRENT" ] || "$out/bin/indexer" -seeds "$corpus" -index "$idx" >"$out/cost/indexer.log" 2>&1
port=$((20000 + RANDOM % 20000))
"$out/bin/searchd" -index "$idx" -addr "127.0.0.1:$port" -log-format json >/dev/null 2>"$out/cost/searchd.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1000); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.02; done
for group in paragraph article; do
  for r in $(seq "$rounds"); do
    for form in all any or; do
      case $form in
        all) f=""; p="facets=false&group=$group" ;;
        any) f=""; p="facets=false&group=$group&match=any" ;;
        or) f="-or"; p="facets=false&group=$group" ;;
      esac
      echo "group=$group round $r $form: $("$out/bin/load" -url "http://127.0.0.1:$port" $f -clients 1 -duration "$dur" -params "$p" | tr "\n" " " | grep -o "^.*p99=[0-9.]*")"
    done
  done
done | tee "$out/cost-$n.txt"
