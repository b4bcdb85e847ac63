#!/usr/bin/env python3
"""SQLite FTS5 BM25 on a collection exported by `go run ./bench/relevance
-export DIR` (docs.tsv, queries.tsv, qrels.tsv): the reference of
bench/RESULTS.md ("Ranking quality"), set up as in ../shared/corpus/time/
SOURCE.md: porter tokenizer, bm25() (k1 1.2, b 0.75, every column weight 1),
the query's words ORed, the stop words of TIME.STP removed, top 100. The
title is a column of its own when the collection has titles.

    python3 bench/relevance/fts5.py DIR [STOPWORDS]

Prints MAP (top 100), nDCG@10 (binary gains) and P@10 over the queries
with at least one relevant document, as internal/relevance computes them.
"""
import math
import re
import sqlite3
import sys


def main():
    d = sys.argv[1]
    stop_file = sys.argv[2] if len(sys.argv) > 2 else "../shared/corpus/time/TIME.STP"
    stops = {w.strip().lower() for w in open(stop_file) if w.strip()}
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, tokenize='porter unicode61')")
    titled = False
    with open(f"{d}/docs.tsv") as f:
        for line in f:
            o, title, body = line.rstrip("\n").split("\t")
            titled = titled or title != ""
            db.execute("INSERT INTO docs(rowid, title, body) VALUES (?, ?, ?)", (int(o), title, body))
    qrels = {}
    with open(f"{d}/qrels.tsv") as f:
        for line in f:
            q, o = map(int, line.split())
            qrels.setdefault(q, set()).add(o)
    queries = []
    with open(f"{d}/queries.tsv") as f:
        for line in f:
            q, text = line.rstrip("\n").split("\t")
            queries.append((int(q), text))
    rows = []
    for q, text in sorted(queries):
        rel = qrels.get(q)
        if not rel:
            continue
        words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stops]
        ranked = []
        if words:
            match = " OR ".join('"%s"' % w for w in dict.fromkeys(words))
            ranked = [r[0] for r in db.execute(
                "SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 100", (match,))]
        rows.append((q, ap(ranked, rel), ndcg(ranked, rel, 10), sum(1 for x in ranked[:10] if x in rel) / 10))
    n = len(rows)
    print(f"{n} queries, titles {'a column' if titled else 'none'}: MAP {sum(r[1] for r in rows)/n:.3f}  "
          f"nDCG@10 {sum(r[2] for r in rows)/n:.3f}  P@10 {sum(r[3] for r in rows)/n:.3f}")


def ap(ranked, rel):
    hits, s = 0, 0.0
    for i, x in enumerate(ranked):
        if x in rel:
            hits += 1
            s += hits / (i + 1)
    return s / len(rel)


def ndcg(ranked, rel, k):
    dcg = sum(1 / math.log2(i + 2) for i, x in enumerate(ranked[:k]) if x in rel)
    idcg = sum(1 / math.log2(i + 2) for i in range(min(k, len(rel))))
    return dcg / idcg


if __name__ == "__main__":
    main()
