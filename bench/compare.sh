#!/usr/bin/env bash
# Before/after comparison of two revisions in one run: builds indexer and
# searchd of OLD and NEW (git revisions, default HEAD~1 and the work tree),
# then, on the same corpus of N paragraphs (default 100000), alternates
# them ROUNDS times (default 3): a whole index build timed from exec to
# exit, then searchd on that index under a closed-loop load of 1 and 2
# clients (bench/load, facets on, as searchd serves by default; PARAMS adds
# parameters to every search). The order
# alternates (OLD NEW NEW OLD ...) so that drift of the machine falls on
# both. Prints one line per run and the medians.
#
#   bench/compare.sh [OLD [NEW]]      NEW "." means the work tree as it is
#
# Run from the repository root (needs curl and jq); everything goes to
# bench/out/compare/.
set -euo pipefail
cd "$(dirname "$0")/.."
old="${1:-HEAD~1}"
new="${2:-.}"
n="${N:-100000}"
rounds="${ROUNDS:-3}"
dur="${DURATION:-8s}"
params="${PARAMS:-}" # extra parameters of every search, e.g. relax=false
out=bench/out
work="$out/compare"
rm -rf "$work"
mkdir -p "$work" "$out/bin"
go build -o "$out/bin/" ./bench/load ./bench/corpus

build() { # build REV DIR: the two commands of a revision
  local rev=$1 dir=$2
  mkdir -p "$dir/src"
  if [ "$rev" = "." ]; then
    git ls-files -z | xargs -0 -I{} cp --parents {} "$dir/src/"
  else
    git archive "$rev" | tar -x -C "$dir/src"
  fi
  (cd "$dir/src" && go build -o ../ ./cmd/indexer ./cmd/searchd)
}
build "$old" "$work/old"
build "$new" "$work/new"

corpus="$out/corpus-$n"
[ -d "$corpus" ] || "$out/bin/corpus" -paragraphs "$n" -out "$corpus"

port=$((20000 + RANDOM % 20000))
run() { # run old|new ROUND: index, serve, load; one line of figures
  local v=$1 dir="$work/$1" idx="$work/$1/index-$2"
  local t0 t1
  t0=$(date +%s%N)
  "$dir/indexer" -seeds "$corpus" -index "$idx" >"$dir/indexer.log" 2>&1
  t1=$(date +%s%N)
  "$dir/searchd" -index "$idx" -addr "127.0.0.1:$port" 2>>"$dir/searchd.log" &
  local pid=$!
  for _ in $(seq 500); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.02; done
  local one two
  one=$("$out/bin/load" -url "http://127.0.0.1:$port" -clients 1 -duration "$dur" -params "$params" -json)
  two=$("$out/bin/load" -url "http://127.0.0.1:$port" -clients 2 -duration "$dur" -params "$params" -json)
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -rf "$idx"
  printf '%s %d %s %s %s %s\n' "$v" $(((t1 - t0) / 1000000)) \
    "$(jq -r '.phase.qps|.*10|round/10' <<<"$one")" "$(jq -r '.phase.p50_ms|.*100|round/100' <<<"$one")" "$(jq -r '.phase.p99_ms|.*100|round/100' <<<"$one")" \
    "$(jq -r '.phase.qps|.*10|round/10' <<<"$two")"
}

{
  echo "# compare $(git rev-parse --short "$old") -> $([ "$new" = . ] && echo 'work tree' || git rev-parse --short "$new"), $n paragraphs, params '$params', $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "# rev index_ms req/s(1) p50_ms(1) p99_ms(1) req/s(2)"
  for i in $(seq "$rounds"); do
    if [ $((i % 2)) = 1 ]; then run old "$i"; run new "$i"; else run new "$i"; run old "$i"; fi
  done
} | tee "$work/runs.txt"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "# medians: rev index_ms req/s(1) p50_ms(1) p99_ms(1) req/s(2)"
for v in old new; do
  line="$v"
  for col in 2 3 4 5 6; do
    line="$line $(grep "^$v " "$work/runs.txt" | awk -v c=$col '{print $c}' | median)"
  done
  echo "$line"
done | tee -a "$work/runs.txt"
