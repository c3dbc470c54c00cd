"""The two designs the project's search is measured against, fed the same quotes and queries.

- `NaiveScan`: the obvious design, one `process.extract` over every quote (speaker's names,
  text and translation, folded), scorer `WRatio`, top five.
- `Fts5Search`: SQLite FTS5 (stdlib `sqlite3`) over the same documents, accents removed by
  its tokenizer, ranked by bm25, each query word replaced by its spelling corrections (the
  vocabulary correction of `bot.matching.keywords.TextIndex`), so FTS5 only does what it does best.

rapidfuzz is reached through `bot.matching.fuzzy` only: the project keeps every rapidfuzz call
there.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from bot.corpus.model import Corpus, Quote
from bot.matching.folding import content_words, fold
from bot.matching.fuzzy import close
from bot.matching.keywords import TextIndex


def quote_documents(corpus: Corpus) -> list[str]:
    """What the alternatives search for each quote: who said it (every name), and the words."""
    names = {a.id: " ".join(a.names) for a in corpus.actors}
    return [f"{names[q.speaker]} {q.text} {q.translation}" for q in corpus.quotes]


def fts5_available() -> bool:
    """Whether this Python's SQLite was built with FTS5."""
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    except sqlite3.OperationalError:
        return False
    return True


def scan_best(query: str, documents: Sequence[str], *, limit: int) -> list[int]:
    """The obvious design, kept only as the benchmark's yardstick: score every document.

    One `WRatio` per document costs about a second per query at 100,000 quotes and ranks
    them into ties; the bot searches a `TextIndex` instead and never calls this.
    """
    return [index for _, _, index in close(query, documents, scorer="weighted", limit=limit)]


class NaiveScan:
    """One fuzzy score per quote, best five kept."""

    def __init__(self, quotes: Sequence[Quote], documents: Sequence[str]) -> None:
        self.ids = [q.id for q in quotes]
        self.documents = [fold(d) for d in documents]

    def top(self, query: str, limit: int = 5) -> list[str]:
        return [self.ids[n] for n in scan_best(fold(query), self.documents, limit=limit)]


class Fts5Search:
    """An FTS5 table of the quotes; queries are corrected word by word, then OR-ed for bm25."""

    def __init__(self, quotes: Sequence[Quote], documents: Sequence[str]) -> None:
        self.ids = [q.id for q in quotes]
        self.db = sqlite3.connect(":memory:", check_same_thread=False)
        self.db.execute(
            "CREATE VIRTUAL TABLE quotes USING fts5(body, tokenize='unicode61 remove_diacritics 2')"
        )
        self.db.executemany(
            "INSERT INTO quotes(rowid, body) VALUES (?, ?)",
            ((n + 1, d) for n, d in enumerate(documents)),
        )
        self.corrector = TextIndex(documents)

    def match_expression(self, query: str) -> str:
        """The FTS5 query: every correction of every query word, OR-ed."""
        terms: list[str] = []
        for word in content_words(query):
            found = [term for term, _ in self.corrector.corrections(word)[:3]] or [word]
            terms += [f'"{t}"' for t in found]
        return " OR ".join(dict.fromkeys(terms))

    def top(self, query: str, limit: int = 5) -> list[str]:
        expression = self.match_expression(query)
        if not expression:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM quotes WHERE quotes MATCH ? ORDER BY bm25(quotes) LIMIT ?",
            (expression, limit),
        ).fetchall()
        return [self.ids[rowid - 1] for (rowid,) in rows]
