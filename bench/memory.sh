#!/usr/bin/env bash
# Peak memory of one indexer build, split by kind: runs the indexer binary
# BIN on the seeds folder SEEDS into a fresh index INDEX and samples
# /proc/PID/status every 0.2 s. RssAnon is the process's own memory (Go
# heap, stacks, builder buffers); RssFile is mapped file pages (bleve's
# segments are mmapped while they are merged): the kernel can drop those
# under pressure, but they count in the resident total. Prints wall time,
# CPU time and the peaks of VmRSS, RssAnon and RssFile in MB.
#
#   bench/memory.sh bench/out/bin/indexer bench/out/corpus-1000000 bench/out/idx-mem [indexer flags...]
set -euo pipefail
bin=$1 seeds=$2 idx=$3
shift 3
rm -rf "$idx"
/usr/bin/time -f '%e %U %S' -o "$idx.time" "$bin" -seeds "$seeds" -index "$idx" -log-format json "$@" >/dev/null 2>"$idx.log" &
tpid=$!
pid=
while [[ -z $pid ]] && kill -0 "$tpid" 2>/dev/null; do
  pid=$(pgrep -P "$tpid" || true)
  sleep 0.05
done
peak_rss=0 peak_anon=0 peak_file=0
while [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; do
  if read -r rss anon file < <(awk '/^VmRSS/{r=$2} /^RssAnon/{a=$2} /^RssFile/{f=$2} END{print r+0, a+0, f+0}' "/proc/$pid/status" 2>/dev/null); then
    ((rss > peak_rss)) && peak_rss=$rss
    ((anon > peak_anon)) && peak_anon=$anon
    ((file > peak_file)) && peak_file=$file
  fi
  sleep 0.2
done
set +e
wait "$tpid"
rc=$?
set -e
read -r wall user sys <"$idx.time"
printf 'rc %d wall %s s, cpu %s user + %s sys, peak VmRSS %d MB, RssAnon %d MB, RssFile %d MB, index %s\n' \
  "$rc" "$wall" "$user" "$sys" $((peak_rss / 1024)) $((peak_anon / 1024)) $((peak_file / 1024)) \
  "$(du -sh "$idx" | cut -f1)"
exit "$rc"
