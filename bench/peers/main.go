// Command peers measures the search engines searchd is compared with, on
// the same seeds and queries: SQLite FTS5 (in process, through the C
// library: porter tokenizer, bm25 ranking, snippet()) and PostgreSQL full
// text search (tsvector with a GIN index, ts_rank_cd, ts_headline) over a
// loopback connection.
//
//	peers sqlite build -seeds DIR -db FILE
//	peers sqlite query -db FILE -queries bench/queries.txt [-duration 8s] [-clients 1,2,8]
//	peers pg build -seeds DIR -dsn postgres://bench@127.0.0.1:PORT/postgres
//	peers pg query -dsn ... -queries bench/queries.txt
//
// It is a module of its own so that the product's go.mod does not gain
// these drivers; build it with -tags sqlite_fts5.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/newsroom/newsearch/bench/internal/load"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: peers sqlite|pg build|query [flags]")
		os.Exit(2)
	}
	var err error
	ctx := context.Background()
	switch os.Args[1] + " " + os.Args[2] {
	case "sqlite build":
		err = sqliteBuild(ctx, os.Args[3:])
	case "sqlite query":
		err = sqliteQuery(ctx, os.Args[3:])
	case "pg build":
		err = pgBuild(ctx, os.Args[3:])
	case "pg query":
		err = pgQuery(ctx, os.Args[3:])
	default:
		err = fmt.Errorf("unknown command %q", strings.Join(os.Args[1:3], " "))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "peers:", err)
		os.Exit(1)
	}
}

// queryFlags are the flags of every query command.
type queryFlags struct {
	queries  string
	duration time.Duration
	clients  []int
	size     int
}

func addQueryFlags(fs *flag.FlagSet) *queryFlags {
	q := &queryFlags{}
	fs.StringVar(&q.queries, "queries", "bench/queries.txt", "query file")
	fs.DurationVar(&q.duration, "duration", 8*time.Second, "length of each load phase")
	fs.IntVar(&q.size, "size", 10, "hits per search")
	fs.Func("clients", "client counts, comma-separated (default 1,2,8)", func(s string) (err error) {
		q.clients, err = load.Counts(s)
		return err
	})
	q.clients = []int{1, 2, 8}
	return q
}

func required(vals ...string) error {
	for i := 0; i < len(vals); i += 2 {
		if vals[i+1] == "" {
			return errors.New(vals[i] + " is required")
		}
	}
	return nil
}
