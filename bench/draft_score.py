"""Scores drafts against gold annotations: quotes on exact spans, speakers, days, event dates.

Gold comes in the draft's own JSON shape (plus `said_on_basis`), or from a seeds dossier's
hand-curated entries for one of its articles. A drafted quote matches a gold one when their
texts are equal after folding only what typesetting changes (spacing, quote marks), as
`dispute-bot corpus check` compares them; the "lenient" figures also ignore a final . ! ? or …
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.corpus import Corpus
from bot.corpus.loader import fold_for_verbatim
from bot.date_rules import iso_at
from bot.draft import Draft
from bot.matching.folding import fold


@dataclass(slots=True, kw_only=True)
class Gold:
    """The annotations of one article."""

    quotes: list[dict[str, Any]]  # text, actor, said_on (said_on_basis where known)
    actors: dict[str, dict[str, Any]]  # id -> id, name, aliases
    events: list[dict[str, Any]]  # date, evidence (one sentence or several)


@dataclass(slots=True, kw_only=True)
class Score:
    """Counts for one article or a whole set; ratios computed on demand."""

    gold_quotes: int = 0
    drafted_quotes: int = 0
    matched: int = 0
    matched_lenient: int = 0
    speaker_right: int = 0
    said_on_right: int = 0
    gold_events: int = 0
    events_found: int = 0
    drafted_events: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "gold_quotes drafted_quotes matched matched_lenient speaker_right said_on_right "
            "gold_events events_found drafted_events"
        ).split():
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    def figures(self) -> dict[str, float]:
        def ratio(a: int, b: int) -> float:
            return round(a / b, 3) if b else 0.0

        precision, recall = (
            ratio(self.matched, self.drafted_quotes),
            ratio(self.matched, self.gold_quotes),
        )
        lenient_p = ratio(self.matched_lenient, self.drafted_quotes)
        lenient_r = ratio(self.matched_lenient, self.gold_quotes)
        return {
            "quotes_gold": self.gold_quotes,
            "quotes_drafted": self.drafted_quotes,
            "precision": precision,
            "recall": recall,
            "f1": _f1(precision, recall),
            "f1_lenient": _f1(lenient_p, lenient_r),
            "speaker_accuracy": ratio(self.speaker_right, self.matched),
            "said_on_accuracy": ratio(self.said_on_right, self.matched),
            "events_gold": self.gold_events,
            "event_date_recall": ratio(self.events_found, self.gold_events),
            "events_drafted": self.drafted_events,
        }


def _f1(precision: float, recall: float) -> float:
    return round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0


def gold_from_json(path: Path) -> Gold:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Gold(
        quotes=data["quotes"],
        actors={a["id"]: a for a in data["actors"]},
        events=[{**e, "evidence": _as_list(e["evidence"])} for e in data["events"]],
    )


def gold_from_dossier(corpus: Corpus, article_id: str) -> Gold:
    """The dossier's hand-curated quotes and events of one article, as gold."""
    quotes = [
        {"text": q.text, "actor": q.speaker, "said_on": iso_at(q.said_on, q.precision)}
        for q in corpus.quotes
        if article_id in q.articles
    ]
    events = [
        {
            "date": iso_at(e.date, e.precision),
            "evidence": [ev.sentence for ev in e.evidence if ev.article == article_id],
        }
        for e in corpus.events
        if article_id in e.articles
    ]
    actors = {a.id: {"id": a.id, "name": a.name, "aliases": list(a.aliases)} for a in corpus.actors}
    return Gold(quotes=quotes, actors=actors, events=events)


def score(draft: Draft, gold: Gold) -> Score:
    """How the draft of one article compares with its gold annotations."""
    result = Score(
        gold_quotes=len(gold.quotes),
        drafted_quotes=len(draft.quotes),
        gold_events=len(gold.events),
        drafted_events=len(draft.events),
    )
    actors = {a.id: a for a in draft.actors}
    unmatched = list(gold.quotes)
    lenient = [_lenient(q["text"]) for q in gold.quotes]
    for quote in draft.quotes:
        key = fold_for_verbatim(quote.text)
        if _lenient(quote.text) in lenient:
            lenient.remove(_lenient(quote.text))
            result.matched_lenient += 1
        found = next((g for g in unmatched if fold_for_verbatim(g["text"]) == key), None)
        if found is None:
            result.errors.append(f"not in gold: {quote.text[:70]!r}")
            continue
        unmatched.remove(found)
        result.matched += 1
        drafted_actor = actors.get(quote.actor)
        gold_actor = gold.actors.get(
            found["actor"], {"id": found["actor"], "name": "", "aliases": []}
        )
        if drafted_actor is not None and same_actor(
            drafted_actor.id, drafted_actor.name, drafted_actor.aliases, gold_actor
        ):
            result.speaker_right += 1
        else:
            result.errors.append(
                f"speaker: {quote.text[:50]!r} -> {quote.speaker!r}, gold {gold_actor['id']!r}"
            )
        if quote.said_on == found["said_on"]:
            result.said_on_right += 1
        else:
            result.errors.append(
                f"said_on: {quote.text[:50]!r} -> {quote.said_on}, gold {found['said_on']}"
            )
    for missed in unmatched:
        result.errors.append(f"missed: {missed['text'][:70]!r}")
    for event in gold.events:
        wanted = [fold_for_verbatim(s) for s in event["evidence"]]
        if any(
            e.date == event["date"]
            and any(_overlap(fold_for_verbatim(e.evidence), w) for w in wanted)
            for e in draft.events
        ):
            result.events_found += 1
        else:
            result.errors.append(f"event missed: {event['date']} {event['evidence'][0][:60]!r}")
    return result


def same_actor(ident: str, name: str, aliases: Sequence[str], gold: dict[str, Any]) -> bool:
    """Whether a drafted actor is the gold one: the same id, name or a shared alias."""
    if ident == gold["id"]:
        return True
    gold_names = {fold(n) for n in (gold.get("name", ""), *gold.get("aliases", ())) if fold(n)}
    mine = {fold(n) for n in (name, *aliases) if fold(n)}
    if gold_names & mine:
        return True
    return bool(fold(name)) and any(
        fold(name) in g or g in fold(name) for g in gold_names if len(g) > 4
    )


def _overlap(drafted: str, gold: str) -> bool:
    return bool(drafted) and bool(gold) and (drafted in gold or gold in drafted)


def _lenient(text: str) -> str:
    return fold_for_verbatim(text).rstrip(" .!?…")


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)
