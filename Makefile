# One target per habit. `make run` indexes the bundled seeds and serves them
# on http://localhost:8080; `make test` runs every test.
GO        ?= go
SEEDS     ?= $(or $(NEWSEARCH_SEEDS),seeds)
INDEX     ?= $(or $(NEWSEARCH_INDEX),data/index)
ADDR      ?= $(or $(NEWSEARCH_ADDR),:8080)
FUZZTIME  ?= 30s
BENCHTIME ?= 1s
# bash: the test target needs pipefail.
SHELL     := /bin/bash

.PHONY: run build index serve test test-short bench bench-quick overload lint fuzz clean

build:
	$(GO) build -o bin/indexer ./cmd/indexer
	$(GO) build -o bin/searchd ./cmd/searchd

index: build
	./bin/indexer -seeds $(SEEDS) -index $(INDEX)

serve: build
	./bin/searchd -index $(INDEX) -addr $(ADDR)

## run: index the seeds, then serve them on $(ADDR)
run: index serve

## test: every test, with the race detector, then the list of skipped tests and why
test:
	$(GO) vet ./...
	$(GO) build -o bin/testsummary ./internal/testsummary
	set -o pipefail; $(GO) test -race -count=1 -json ./... | ./bin/testsummary

test-short:
	$(GO) test -short -count=1 ./...

## bench: Go benchmarks of the hot paths, then the engine comparison at 10k, 100k and 1M paragraphs
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...
	BENCH_FULL=1 $(GO) run ./bench/run

## bench-quick: the same at 10k and 100k paragraphs
bench-quick:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) ./...
	$(GO) run ./bench/run

## overload: searchd at its highest sustained rate, then twice it (needs ../shared/corpus)
overload:
	bench/overload.sh

## lint: formatting and vet
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## fuzz: every fuzz target for $(FUZZTIME) each
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/article/
	$(GO) test -run '^$$' -fuzz '^FuzzNormaliseSpace$$' -fuzztime $(FUZZTIME) ./internal/article/
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/query/
	$(GO) test -run '^$$' -fuzz '^FuzzBuild$$' -fuzztime $(FUZZTIME) ./internal/snippet/
	$(GO) test -run '^$$' -fuzz '^FuzzSearchHandler$$' -fuzztime $(FUZZTIME) ./internal/server/
	$(GO) test -run '^$$' -fuzz '^FuzzTokenizer$$' -fuzztime $(FUZZTIME) ./index/
	$(GO) test -run '^$$' -fuzz '^FuzzStemmer$$' -fuzztime $(FUZZTIME) ./index/
	$(GO) test -run '^$$' -fuzz '^FuzzNFKCTokenizer$$' -fuzztime $(FUZZTIME) ./index/
	$(GO) test -run '^$$' -fuzz '^FuzzPreparedDocuments$$' -fuzztime $(FUZZTIME) ./index/
	$(GO) test -run '^$$' -fuzz '^FuzzReadJSON$$' -fuzztime $(FUZZTIME) ./internal/records/
	$(GO) test -run '^$$' -fuzz '^FuzzReadJSONL$$' -fuzztime $(FUZZTIME) ./internal/records/
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) ./internal/warc/
	$(GO) test -run '^$$' -fuzz '^FuzzDocuments$$' -fuzztime $(FUZZTIME) ./internal/ingest/
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) ./internal/webpage/

clean:
	rm -rf bin data
