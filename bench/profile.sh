#!/usr/bin/env bash
# CPU profiles of the indexer and of searchd's search path, from the
# benchmarks in bench/profile, on a corpus of BENCH_PARAGRAPHS paragraphs
# (default 100000), with the top functions by flat and cumulative time.
# Run from the repository root; profiles go to bench/out/.
set -euo pipefail
cd "$(dirname "$0")/.."
export BENCH_PARAGRAPHS="${BENCH_PARAGRAPHS:-100000}"
out=bench/out
mkdir -p "$out"
go test -c -o "$out/profile.test" ./bench/profile
cd bench/profile
# Build or update the kept index first, so that the search profile holds no indexing.
../out/profile.test -test.run '^$' -test.bench '^BenchmarkSearchd$' -test.benchtime 1x >/dev/null
../out/profile.test -test.run '^$' -test.bench '^BenchmarkIndexer$' -test.benchtime 1x \
  -test.cpuprofile ../out/indexer.cpu.prof -test.memprofile ../out/indexer.mem.prof
../out/profile.test -test.run '^$' -test.bench '^BenchmarkSearchd$' -test.benchtime "${SEARCH_BENCHTIME:-2000x}" \
  -test.cpuprofile ../out/searchd.cpu.prof -test.memprofile ../out/searchd.mem.prof
cd ../..
for p in indexer searchd; do
  echo "== $p: flat"
  go tool pprof -top -nodecount 25 "$out/profile.test" "$out/$p.cpu.prof" 2>/dev/null | sed -n '1,32p'
  echo "== $p: cumulative"
  go tool pprof -top -cum -nodecount 40 "$out/profile.test" "$out/$p.cpu.prof" 2>/dev/null | sed -n '6,47p'
done
