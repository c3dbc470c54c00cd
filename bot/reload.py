"""Live corpus reload: read the seeds folder again, check each dossier whole, swap it in at
once.

A broken dossier changes nothing of itself: the bot keeps its last good version and logs
every problem with its file and line, while the other dossiers are swapped in; the report
says what happened to each, for whoever asked (the /reload command in handlers/reload.py,
the admins' alert in bot/ops). Records that were not in the previous version of a dossier
are dated the day of the reload (`added`): what is new where no state database says better
(the console). The digest reads the day each record was first seen from the database, the
same on every replica (bot.digest.first_seen). The composition root (bot/app.py) passes
`reload_dossiers` to whoever reloads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from msgspec import structs

from bot.core import Core
from bot.corpus import load_corpus
from bot.corpus.model import Corpus
from bot.dossier import Dossier
from bot.errors import CorpusError
from bot.library import find_dossiers, in_folder

log = logging.getLogger("dispute_bot.reload")
_LOCK = threading.Lock()  # one reload at a time, whoever triggers it


@dataclass(frozen=True, slots=True, kw_only=True)
class ReloadResult:
    """What a reload did to one dossier."""

    ok: bool
    trigger: str  # command | watch | signal
    dossier: str = ""  # its name
    problems: tuple[str, ...] = ()  # `file:line: message`, when refused
    new_articles: tuple[str, ...] = ()  # ids of records the previous dossier did not have
    new_quotes: tuple[str, ...] = ()
    new_events: tuple[str, ...] = ()
    seconds: float = 0.0
    # The corpus served after the attempt (the last good one when refused; None when the
    # dossier was refused and never served).
    corpus: Corpus | None
    dropped: bool = False  # its folder is gone: no longer served


@dataclass(frozen=True, slots=True, kw_only=True)
class ReloadReport:
    """What a reload did to every dossier it read (each reloaded or refused alone)."""

    trigger: str
    results: tuple[ReloadResult, ...]
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(p for r in self.results for p in r.problems)

    @property
    def refused(self) -> tuple[ReloadResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    def of(self, name: str) -> ReloadResult:
        return next(r for r in self.results if r.dossier == name)


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
            record = structs.replace(record, added=added)  # type: ignore[type-var]
        kept.append(record)
    return tuple(kept), tuple(new)


def date_new_records(
    previous: Corpus | None, fresh: Corpus, today: dt.date
) -> tuple[Corpus, ReloadNews]:
    """`fresh`, with records new since `previous` dated `today` and the others as before (a
    dossier new to the bot keeps its own dates: nothing in it is news yet)."""
    if previous is None:
        return fresh, ReloadNews(articles=(), quotes=(), events=())
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


def reload_dossiers(
    core: Core, *, trigger: str, changed: Iterable[Path] | None = None
) -> ReloadReport:
    """Read the seeds folder again; swap in each dossier whose every check passes.

    `changed` (the watcher's paths) limits the reading to the dossiers they belong to; a
    new folder is a new dossier, a removed one is no longer served (but the default, which
    keeps its last version). A broken dossier is refused alone and keeps its last good
    version; the others are swapped in.
    """
    with _LOCK:
        started = time.perf_counter()
        library = core.library
        seeds = library.seeds or Path(core.settings.seeds)
        try:
            layout = find_dossiers(seeds)
        except CorpusError as exc:
            result = _refused(core, library.default, trigger, tuple(exc.problems), started)
            report = ReloadReport(trigger=trigger, results=(result,), seconds=result.seconds)
            _log(report)
            return report
        if layout.single != library.single:
            problem = (
                f"{seeds}:0: the seeds folder changed from one dossier to a folder of dossiers "
                "or back: restart the bot to read it"
            )
            result = _refused(core, library.default, trigger, (problem,), started)
            report = ReloadReport(trigger=trigger, results=(result,), seconds=result.seconds)
            _log(report)
            return report
        if layout.single:
            folders = {library.default: seeds}
            refused_now = dict(layout.refused)
            names = [library.default, *sorted(refused_now)]
        else:
            folders = dict(layout.folders)
            refused_now = dict(layout.refused)
            wanted = None if changed is None else {layout.owner(Path(p)) for p in changed}
            everything = sorted({*folders, *refused_now, *library.names()})
            if wanted is None or None in wanted:
                names = everything
            else:
                names = sorted(n for n in wanted if n is not None)
        results = [
            _reload_one(core, name, folders.get(name), refused_now.get(name), trigger)
            for name in names
        ]
        served = {r.dossier: d for r, d in results if r.ok and d is not None}
        refused = {r.dossier: r.problems for r, _ in results if not r.ok}
        dropped = [r.dossier for r, _ in results if r.dropped]
        library.update(
            served=served,
            refused=refused,
            folders={n: f for n, f in folders.items() if n in names},
            dropped=dropped,
        )
        report = ReloadReport(
            trigger=trigger,
            results=tuple(r for r, _ in results),
            seconds=time.perf_counter() - started,
        )
    _log(report)
    return report


def _reload_one(
    core: Core,
    name: str,
    folder: Path | None,
    layout_problems: tuple[str, ...] | None,
    trigger: str,
) -> tuple[ReloadResult, Dossier | None]:
    """One dossier read again: the result, and the dossier to serve when it passed."""
    started = time.perf_counter()
    library = core.library
    previous = library.get(name) if name in library.names() else None
    before = previous.corpus if previous is not None else None
    if layout_problems:
        return _refused(core, name, trigger, layout_problems, started), None
    if folder is None:  # its folder is gone
        if name == library.default:
            problem = f"{name}/:0: the default dossier's folder is gone: still serving it"
            return _refused(core, name, trigger, (problem,), started), None
        log.warning("dossier %s: its folder is gone; no longer served", name)
        gone = ReloadResult(ok=True, trigger=trigger, dossier=name, corpus=None, dropped=True)
        return gone, None
    today = core.clock().date()
    try:
        fresh = load_corpus(folder)
        corpus, news = date_new_records(before, fresh, today)
        dossier = Dossier(corpus)
    except CorpusError as exc:
        problems = exc.problems if library.single else list(in_folder(name, exc.problems))
        return _refused(core, name, trigger, tuple(problems), started), None
    except Exception:
        log.exception("reloading the dossier %s failed unexpectedly; keeping it as it was", name)
        problem = f"{folder}:0: unexpected error, see the bot's log"
        return _refused(core, name, trigger, (problem,), started), None
    result = ReloadResult(
        ok=True,
        trigger=trigger,
        dossier=name,
        new_articles=news.articles,
        new_quotes=news.quotes,
        new_events=news.events,
        seconds=time.perf_counter() - started,
        corpus=corpus,
    )
    return result, dossier


def _refused(
    core: Core, name: str, trigger: str, problems: tuple[str, ...], started: float
) -> ReloadResult:
    kept = core.library.get(name) if name in core.library.names() else None
    return ReloadResult(
        ok=False,
        trigger=trigger,
        dossier=name,
        problems=problems,
        seconds=time.perf_counter() - started,
        corpus=kept.corpus if kept is not None else None,
    )


def _log(report: ReloadReport) -> None:
    for result in report.results:
        extra = {"event": "reload", "trigger": report.trigger, "dossier": result.dossier}
        if result.ok and result.corpus is not None:
            corpus = result.corpus
            log.info(
                "dossier %s reloaded (%s) in %.0f ms: %d articles, %d quotes, %d events; new: "
                "%d articles, %d quotes, %d events",
                result.dossier,
                report.trigger,
                result.seconds * 1000,
                len(corpus.articles),
                len(corpus.quotes),
                len(corpus.events),
                len(result.new_articles),
                len(result.new_quotes),
                len(result.new_events),
                extra={**extra, "outcome": "ok"},
            )
            continue
        if result.ok:
            continue
        for problem in result.problems:
            log.error("corpus reload refused: %s", problem, extra={**extra, "outcome": "refused"})
        kept = "its previous version" if result.corpus is not None else "nothing in its place"
        log.error(
            "dossier %s: reload (%s) refused with %d problem(s); still serving %s",
            result.dossier,
            report.trigger,
            len(result.problems),
            kept,
            extra={**extra, "outcome": "refused"},
        )
