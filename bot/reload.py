"""Live corpus reload: read the seeds folder again, check it whole, swap it in at once.

A broken folder changes nothing: the bot keeps the last good dossier and logs every problem
with its file and line; the result says what happened, for whoever asked (the /reload
command in handlers/reload.py, the admins' alert in bot/ops). Records that were not in the
previous dossier are dated the day of the reload (`added`), so the next digest reports them
as new. The composition root (bot/app.py) passes `reload_dossier` to whoever reloads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.core import Core
from bot.corpus import load_corpus
from bot.corpus.model import Corpus
from bot.dossier import Dossier
from bot.errors import CorpusError

log = logging.getLogger("dispute_bot.reload")
_LOCK = threading.Lock()  # one reload at a time, whoever triggers it


@dataclass(frozen=True, slots=True, kw_only=True)
class ReloadResult:
    ok: bool
    trigger: str  # command | watch | signal
    problems: tuple[str, ...] = ()  # `file:line: message`, when refused
    new_articles: tuple[str, ...] = ()  # ids of records the previous dossier did not have
    new_quotes: tuple[str, ...] = ()
    new_events: tuple[str, ...] = ()
    seconds: float = 0.0
    corpus: Corpus  # the corpus served after the attempt (the old one when refused)


class _Dated(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def added(self) -> dt.date: ...


_R = TypeVar("_R", bound=_Dated)


def _carry(
    records: Iterable[_R], before: dict[str, _R], today: dt.date
) -> tuple[tuple[_R, ...], tuple[str, ...]]:
    kept: list[_R] = []
    new: list[str] = []
    for record in records:
        if record.id in before:
            added = max(record.added, before[record.id].added)
        else:
            added = max(record.added, today)
            new.append(record.id)
        if added != record.added:
            record = dataclasses.replace(record, added=added)  # type: ignore[type-var]
        kept.append(record)
    return tuple(kept), tuple(new)


def date_new_records(previous: Corpus, fresh: Corpus, today: dt.date) -> tuple[Corpus, ReloadNews]:
    """`fresh`, with records new since `previous` dated `today` and the others as before."""
    articles, new_articles = _carry(fresh.articles, previous.article_by_id, today)
    quotes, new_quotes = _carry(fresh.quotes, previous.quote_by_id, today)
    events, new_events = _carry(fresh.events, {e.id: e for e in previous.events}, today)
    corpus = dataclasses.replace(fresh, articles=articles, quotes=quotes, events=events)
    return corpus, ReloadNews(articles=new_articles, quotes=new_quotes, events=new_events)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReloadNews:
    articles: tuple[str, ...]
    quotes: tuple[str, ...]
    events: tuple[str, ...]


def reload_dossier(core: Core, *, trigger: str) -> ReloadResult:
    """Load `core`'s seeds folder again; swap it in only if every check passes."""
    with _LOCK:
        started = time.perf_counter()
        previous = core.dossier.corpus
        now = core.clock()
        try:
            fresh = load_corpus(core.settings.seeds)
            corpus, news = date_new_records(previous, fresh, now.date())
            dossier = Dossier(corpus)
        except CorpusError as exc:
            result = ReloadResult(
                ok=False,
                trigger=trigger,
                problems=tuple(exc.problems),
                seconds=time.perf_counter() - started,
                corpus=previous,
            )
        except Exception:
            log.exception("corpus reload failed unexpectedly; keeping the current dossier")
            result = ReloadResult(
                ok=False,
                trigger=trigger,
                problems=(f"{core.settings.seeds}:0: unexpected error, see the bot's log",),
                seconds=time.perf_counter() - started,
                corpus=previous,
            )
        else:
            arrivals = dict(core.arrivals)
            for kind, ids in (
                ("article", news.articles),
                ("quote", news.quotes),
                ("event", news.events),
            ):
                arrivals.update({f"{kind}:{ident}": now for ident in ids})
            core.arrivals = arrivals  # first: an arrival not yet served is harmless
            core.swap(dossier)
            result = ReloadResult(
                ok=True,
                trigger=trigger,
                new_articles=news.articles,
                new_quotes=news.quotes,
                new_events=news.events,
                seconds=time.perf_counter() - started,
                corpus=corpus,
            )
    _log(result)
    return result


def _log(result: ReloadResult) -> None:
    if result.ok:
        corpus = result.corpus
        log.info(
            "corpus reloaded (%s) in %.0f ms: %d articles, %d quotes, %d events; new: "
            "%d articles, %d quotes, %d events",
            result.trigger,
            result.seconds * 1000,
            len(corpus.articles),
            len(corpus.quotes),
            len(corpus.events),
            len(result.new_articles),
            len(result.new_quotes),
            len(result.new_events),
            extra={"event": "reload", "trigger": result.trigger, "outcome": "ok"},
        )
        return
    for problem in result.problems:
        log.error(
            "corpus reload refused: %s",
            problem,
            extra={"event": "reload", "trigger": result.trigger, "outcome": "refused"},
        )
    log.error(
        "corpus reload (%s) refused with %d problem(s); still serving the previous dossier",
        result.trigger,
        len(result.problems),
        extra={"event": "reload", "trigger": result.trigger, "outcome": "refused"},
    )
