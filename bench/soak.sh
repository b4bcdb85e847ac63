#!/usr/bin/env bash
# Soak test (not CI): the watch-mode indexer and searchd run together for
# SOAK_MINUTES (default 10) while a new or changed seed lands every second
# and two clients search without pause. Every 10 s the RSS and open file
# descriptors of both processes, and the served generation, are sampled
# into a Markdown table. It fails if any request failed (a non-200 or a
# transport error), or if either program died.
#
#   bench/soak.sh                 # 10 minutes on the BBC corpus (or the bundled seeds)
#   SOAK_MINUTES=2 bench/soak.sh
#
# Run from anywhere; output goes to stdout and bench/out/soak.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${SOAK_MINUTES:-10}"
out=bench/out
work="$out/soak"
rm -rf "$work"
mkdir -p "$out/bin" "$work/seeds/new"
go build -o "$out/bin/" ./cmd/indexer ./cmd/searchd ./bench/load
corpus="${SOAK_CORPUS:-}"
for c in ../shared/corpus/bbc; do
  [ -z "$corpus" ] && [ -d "$c" ] && corpus="$c"
done
[ -n "$corpus" ] || corpus=seeds
cp -r "$corpus"/. "$work/seeds/"
# The pool new seeds are drawn from: the corpus's articles, under new names.
mapfile -t pool < <(find "$corpus" -name '*.txt' | sort)
port=$((20000 + RANDOM % 20000))
base="http://127.0.0.1:$port"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$out/bin/indexer" -seeds "$work/seeds" -index "$work/index" >"$work/first.txt" 2>&1
"$out/bin/indexer" -seeds "$work/seeds" -index "$work/index" -watch -debounce 200ms -log-format json 2>"$work/indexer.log" &
indexer=$!; pids+=("$indexer")
"$out/bin/searchd" -index "$work/index" -addr "127.0.0.1:$port" -poll 1s -log-format json 2>"$work/searchd.log" &
searchd=$!; pids+=("$searchd")
for _ in $(seq 500); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.02; done

# Two clients, closed loop, for the whole soak.
"$out/bin/load" -url "$base" -clients 2 -duration "${minutes}m" -warm=false >"$work/load.txt" 2>&1 &
load=$!; pids+=("$load")

# A new seed or a changed one every second.
(
  i=0
  while true; do
    i=$((i + 1))
    if ((i % 3 == 0)); then
      f=$(find "$work/seeds/new" -name '*.txt' | shuf -n 1 || true)
      [ -n "$f" ] && printf '\nUpdate %d: a correction was added to this article.\n' "$i" >>"$f"
    else
      k=$(((RANDOM * 32768 + RANDOM) % ${#pool[@]}))
      cp "${pool[$k]}" "$work/seeds/new/$i.txt"
    fi
    sleep 1
  done
) &
changer=$!; pids+=("$changer")

rss() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo dead; }
fds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
{
  echo "# soak run $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, ${minutes} min, corpus $corpus ($(find "$work/seeds" -type f | wc -l) seeds at start)"
  echo
  echo "| t (s) | seeds | generation | searchd RSS (MB) | searchd fds | indexer RSS (MB) | indexer fds |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
} | tee "$out/soak.txt"
start=$(date +%s)
end=$((start + minutes * 60))
while (($(date +%s) < end)); do
  t=$(($(date +%s) - start))
  gen=$(curl -fs "$base/readyz" | grep -o '"generation":[0-9]*' | cut -d: -f2 || echo "?")
  echo "| $t | $(find "$work/seeds" -type f | wc -l) | $gen | $(rss "$searchd") | $(fds "$searchd") | $(rss "$indexer") | $(fds "$indexer") |" | tee -a "$out/soak.txt"
  kill -0 "$searchd" 2>/dev/null && kill -0 "$indexer" 2>/dev/null || { echo "a program died" | tee -a "$out/soak.txt"; exit 1; }
  sleep 10
done
wait "$load" || true
kill "$changer" 2>/dev/null || true
{
  echo
  echo "load: $(cat "$work/load.txt")"
  echo "indexer: $(grep -c '"msg":"rebuilt"' "$work/indexer.log") rebuilds, $(grep -c '"level":"ERROR"' "$work/indexer.log") errors;" \
    "searchd: $(grep -c '"msg":"serving generation"' "$work/searchd.log") reloads, $(grep -c '"level":"ERROR"' "$work/searchd.log") error lines," \
    "$(grep -c '"level":"WARN"' "$work/searchd.log") warnings"
} | tee -a "$out/soak.txt"
failed=$(grep -o 'non-200/errors=[0-9]*' "$work/load.txt" | cut -d= -f2)
if [ "${failed:-1}" != 0 ]; then
  echo "FAILED: $failed requests failed" | tee -a "$out/soak.txt"
  exit 1
fi
echo "0 failed requests" | tee -a "$out/soak.txt"
