"""What is new in a dossier, as every replica says: the day each record was first seen,
kept in the state database (`DigestStore.first_seen`).

A replica's own reading of the seeds cannot say it: one started after a record arrived reads
it with the day its dossier gives, one that reloaded it dates it the day of its reload. So the
first replica to compose a digest from a dossier version (or to start) records the day it
first saw each record it had not seen, and every replica reads the days recorded. A dossier
the database has never seen keeps its own days: nothing in it is news yet. Read once per
loaded dossier and kept with it (`Dossier.derived`); a reload's dossier is read again.
"""

from __future__ import annotations

import datetime as dt
import weakref

from bot.digest.compose import News, record_days
from bot.digest.store import DigestStore
from bot.dossier import Dossier


class _Seen:
    """Kept with a loaded dossier: its records by the days each database gave, once read
    (a process has one; tests open several on one dossier)."""

    def __init__(self, dossier: Dossier) -> None:
        self.news: weakref.WeakKeyDictionary[DigestStore, News] = weakref.WeakKeyDictionary()


def known_news(store: DigestStore, dossier: Dossier) -> News | None:
    """The dossier's news as already read from `store`, or None."""
    return dossier.derived(_Seen).news.get(store)


def dated_news(store: DigestStore, name: str, dossier: Dossier, today: dt.date) -> News:
    """The news of `dossier` (served as `name`) by the days its records were first seen,
    those not seen yet recorded as seen `today`; DatabaseUnavailable when the database
    cannot say (a bounded call of its own)."""
    kept = dossier.derived(_Seen).news
    news = kept.get(store)
    if news is None:
        seen = store.first_seen(name, record_days(dossier.corpus), today)
        news = kept[store] = News.of(dossier.corpus, seen)
    return news
