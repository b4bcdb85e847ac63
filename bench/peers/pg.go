package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/newsroom/newsearch/bench/internal/load"
	"github.com/newsroom/newsearch/bench/internal/queries"
	"github.com/newsroom/newsearch/bench/internal/result"
	"github.com/newsroom/newsearch/bench/internal/seeds"
)

// pgBuild loads every paragraph with COPY into a table whose tsvector
// (english configuration over title, section and text) is a stored
// generated column, then builds the GIN index and analyzes the table: the
// usual bulk path.
func pgBuild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pg build", flag.ContinueOnError)
	seedDir := fs.String("seeds", "", "seed folder")
	dsn := fs.String("dsn", "", "connection string (loopback server)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required("-seeds", *seedDir, "-dsn", *dsn); err != nil {
		return err
	}
	start := time.Now()
	conn, err := pgx.Connect(ctx, *dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	for _, s := range []string{
		`DROP TABLE IF EXISTS paras`,
		`CREATE TABLE paras (id text, article_id text, seed text, n int, title text, section text, body text,
			author text, source text, published timestamptz,
			tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', title || ' ' || section || ' ' || body)) STORED)`,
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	var rows [][]any
	err = seeds.Walk(*seedDir, func(ps []seeds.Paragraph) error {
		for _, p := range ps {
			var pub any
			if !p.Published.IsZero() {
				pub = p.Published
			}
			rows = append(rows, []any{p.ID, p.ArticleID, p.Seed, p.N, p.Title, p.Section, p.Text, p.Author, p.Source, pub})
		}
		return nil
	})
	if err != nil {
		return err
	}
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"paras"},
		[]string{"id", "article_id", "seed", "n", "title", "section", "body", "author", "source", "published"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	for _, s := range []string{
		`CREATE INDEX paras_tsv ON paras USING gin (tsv)`,
		`ANALYZE paras`,
	} {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	elapsed := time.Since(start)
	var size int64
	var version string
	if err := conn.QueryRow(ctx, `SELECT pg_total_relation_size('paras'), current_setting('server_version')`).Scan(&size, &version); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(result.System{
		System: "PostgreSQL FTS", Paragraphs: int(n), IndexSeconds: elapsed.Seconds(), ParasPerSec: float64(n) / elapsed.Seconds(),
		IndexBytes: size,
		Notes:      []string{"PostgreSQL " + version + ": COPY into a table with a stored tsvector (english), then GIN index and ANALYZE"},
	})
}

// pgSQL is the first page by ts_rank_cd, with ts_headline on the ten hits
// only.
const pgSQL = `SELECT id, article_id, title, author, source, published,
	ts_headline('english', body, q, 'StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=15')
FROM (SELECT id, article_id, title, author, source, published, body, q, ts_rank_cd(tsv, q) AS r
      FROM paras, websearch_to_tsquery('english', $1) AS q
      WHERE tsv @@ q ORDER BY r DESC LIMIT $2) AS top
ORDER BY r DESC`

func pgQuery(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("pg query", flag.ContinueOnError)
	dsn := fs.String("dsn", "", "connection string (loopback server)")
	qf := addQueryFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required("-dsn", *dsn); err != nil {
		return err
	}
	qs, err := queries.Load(qf.queries)
	if err != nil {
		return err
	}
	cfg, err := pgxpool.ParseConfig(*dsn)
	if err != nil {
		return err
	}
	maxc := 1
	for _, c := range qf.clients {
		maxc = max(maxc, c)
	}
	cfg.MaxConns = int32(maxc)
	start := time.Now()
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		return err
	}
	open := time.Since(start)
	phases, kinds := load.Suite(ctx, qs, qf.duration, qf.clients, func(ctx context.Context, q queries.Query) error {
		rows, err := pool.Query(ctx, pgSQL, q.Text, qf.size)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if _, err := rows.Values(); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return json.NewEncoder(os.Stdout).Encode(result.System{
		System: "PostgreSQL FTS", ColdStartMs: float64(open) / float64(time.Millisecond),
		Phases: phases, KindP50: kinds,
		Notes: []string{"over a loopback connection; RSS not measured (one process per connection)"},
	})
}
