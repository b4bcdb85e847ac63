package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/newsroom/newsearch/bench/internal/load"
	"github.com/newsroom/newsearch/bench/internal/queries"
	"github.com/newsroom/newsearch/bench/internal/result"
	"github.com/newsroom/newsearch/bench/internal/seeds"
)

// sqliteBuild loads every paragraph into an FTS5 table (title, section and
// text indexed with the porter tokenizer over unicode61; metadata
// unindexed) in transactions of 1,000 rows, then merges the index
// ('optimize'), as a bulk build would.
func sqliteBuild(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sqlite build", flag.ContinueOnError)
	seedDir := fs.String("seeds", "", "seed folder")
	path := fs.String("db", "", "database file to create (removed first)")
	batch := fs.Int("batch", 1000, "rows per transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required("-seeds", *seedDir, "-db", *path); err != nil {
		return err
	}
	start := time.Now()
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(*path + suffix)
	}
	db, err := sql.Open("sqlite3", "file:"+*path)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, s := range []string{
		`PRAGMA journal_mode=WAL`,
		`PRAGMA synchronous=NORMAL`,
		`CREATE VIRTUAL TABLE p USING fts5(title, section, text, id UNINDEXED, article_id UNINDEXED,
			author UNINDEXED, source UNINDEXED, published UNINDEXED, tokenize='porter unicode61')`,
	} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	var tx *sql.Tx
	var stmt *sql.Stmt
	n, inTx := 0, 0
	commit := func() error {
		if tx == nil {
			return nil
		}
		stmt.Close()
		err := tx.Commit()
		tx, inTx = nil, 0
		return err
	}
	err = seeds.Walk(*seedDir, func(ps []seeds.Paragraph) error {
		for _, p := range ps {
			if tx == nil {
				if tx, err = db.BeginTx(ctx, nil); err != nil {
					return err
				}
				if stmt, err = tx.PrepareContext(ctx, `INSERT INTO p(title, section, text, id, article_id, author, source, published)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?)`); err != nil {
					return err
				}
			}
			pub := ""
			if !p.Published.IsZero() {
				pub = p.Published.Format(time.RFC3339)
			}
			if _, err := stmt.ExecContext(ctx, p.Title, p.Section, p.Text, p.ID, p.ArticleID, p.Author, p.Source, pub); err != nil {
				return err
			}
			n++
			if inTx++; inTx >= *batch {
				if err := commit(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil {
		err = commit()
	}
	if err != nil {
		return err
	}
	for _, s := range []string{`INSERT INTO p(p) VALUES('optimize')`, `PRAGMA wal_checkpoint(TRUNCATE)`, `PRAGMA journal_mode=DELETE`} {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	if err := db.Close(); err != nil {
		return err
	}
	elapsed := time.Since(start)
	st, err := os.Stat(*path)
	if err != nil {
		return err
	}
	v, _, _ := sqlite3.Version()
	rss, hwm, _ := result.ProcMem(os.Getpid())
	return json.NewEncoder(os.Stdout).Encode(result.System{
		System: "SQLite FTS5", Paragraphs: n, IndexSeconds: elapsed.Seconds(), ParasPerSec: float64(n) / elapsed.Seconds(),
		IndexBytes: st.Size(), RSSKB: rss, HWMKB: hwm,
		Notes: []string{fmt.Sprintf("SQLite %s via mattn/go-sqlite3 (cgo); porter unicode61; transactions of %d rows, then optimize", v, *batch)},
	})
}

// ftsQuery writes a benchmark query as an FTS5 expression: every word and
// phrase quoted (so no word is taken for an operator), all required.
func ftsQuery(q queries.Query) string {
	parts := make([]string, len(q.Parts))
	for i, p := range q.Parts {
		parts[i] = `"` + strings.ReplaceAll(p.Text, `"`, `""`) + `"`
	}
	return strings.Join(parts, " ")
}

// sqliteQuery runs the benchmark queries: the first page by bm25 with a
// highlighted snippet of the text column, read-only connections.
func sqliteQuery(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("sqlite query", flag.ContinueOnError)
	path := fs.String("db", "", "database built by sqlite build")
	qf := addQueryFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := required("-db", *path); err != nil {
		return err
	}
	qs, err := queries.Load(qf.queries)
	if err != nil {
		return err
	}
	start := time.Now()
	db, err := sql.Open("sqlite3", "file:"+*path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	maxc := 1
	for _, c := range qf.clients {
		maxc = max(maxc, c)
	}
	db.SetMaxOpenConns(maxc)
	db.SetMaxIdleConns(maxc)
	stmt, err := db.PrepareContext(ctx, `SELECT id, article_id, title, author, source, published,
		snippet(p, 2, '<mark>', '</mark>', '…', 24), highlight(p, 0, '<mark>', '</mark>')
		FROM p WHERE p MATCH ? ORDER BY rank LIMIT ?`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	open := time.Since(start)
	phases, kinds := load.Suite(ctx, qs, qf.duration, qf.clients, func(ctx context.Context, q queries.Query) error {
		rows, err := stmt.QueryContext(ctx, ftsQuery(q), qf.size)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, aid, title, author, source, pub, snip, th string
			if err := rows.Scan(&id, &aid, &title, &author, &source, &pub, &snip, &th); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	rss, hwm, _ := result.ProcMem(os.Getpid())
	return json.NewEncoder(os.Stdout).Encode(result.System{
		System: "SQLite FTS5", ColdStartMs: float64(open) / float64(time.Millisecond),
		Phases: phases, KindP50: kinds, RSSKB: rss, HWMKB: hwm,
	})
}
