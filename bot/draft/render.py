"""A draft as JSON (the issue's object) or as YAML entries in the seeds' own format.

The YAML passes `dispute-bot corpus check` as it is once saved in the seeds folder beside
the article, and every record carries a `draft:` mark with what the reviewer needs (the
sentence, the rule that fired); the loader serves none of them until the mark is removed.
Fields only a person can write (an English translation, a summary) say TODO, and the
loader refuses an accepted record that still does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from bot.draft.model import Draft, DraftActor, DraftEvent, DraftQuote
from bot.matching.folding import fold, slug

TODO = "TODO"


def render_json(draft: Draft) -> str:
    """The draft as one JSON object, exactly the fields the issue names."""
    article = draft.article
    data = {
        "article": {
            "file": article.file,
            "date": article.date.isoformat(),
            "title": article.title,
            "language": article.language,
        },
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "actor": q.actor,
                "said_on": q.said_on,
                "sentence": q.sentence,
            }
            for q in draft.quotes
        ],
        "actors": [
            {"id": a.id, "name": a.name, "kind": a.kind, "aliases": list(a.aliases), "new": a.new}
            for a in draft.actors
        ],
        "events": [
            {"date": e.date, "summary": e.summary, "actors": list(e.actors), "evidence": e.evidence}
            for e in draft.events
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_yaml(
    drafts: Sequence[Draft],
    *,
    article_files: Sequence[str | None] = (),
    taken_ids: Iterable[str] = (),
) -> str:
    """Drafts as one seeds file: `articles`, then the new actors, the quotes and the events.

    `article_files` gives each article's path relative to the seeds folder (default
    `articles/<its name>`); `taken_ids` are the dossier's ids, so new ones never collide.
    """
    taken = set(taken_ids)
    header: list[str] = []
    sections: dict[str, list[str]] = {"articles": [], "actors": [], "quotes": [], "events": []}
    seen_actors: set[str] = set()
    for index, draft in enumerate(drafts):
        article = draft.article
        given = article_files[index] if index < len(article_files) else None
        rel = given or f"articles/{PurePosixPath(article.file.replace(chr(92), '/')).name}"
        article_id = _fresh(slug(PurePosixPath(rel).stem) or "article", taken)
        source = _credit(article.body)
        french = article.language == "fr"
        header.append(
            f"# Drafted by `dispute-bot draft` from {rel} ({article.language}, "
            f"{article.date.isoformat()}): {draft.summary()}. Read with: {draft.parser}."
        )
        sections["articles"] += [
            f"  - id: {article_id}",
            f"    file: {_q(rel)}",
            f"    credit: {_q(source)}",
            "    draft:",
            f"      title: {_q(article.title)}",
            f"      check: {_q('the file is the article as published, the credit is right')}",
        ]
        for actor in draft.actors:
            if actor.new and actor.id not in seen_actors:
                seen_actors.add(actor.id)
                sections["actors"] += _actor(actor, french)
        for quote in draft.quotes:
            sections["quotes"] += _quote(quote, article_id, taken, french, source)
        same_day: dict[str, int] = {}
        for event in draft.events:
            same_day[event.date] = same_day.get(event.date, 0) + 1
            order = same_day[event.date] if _shares_day(event, draft.events) else 0
            sections["events"] += _event(event, article_id, taken, french, order)
    lines = [
        *header,
        "# Nothing here is served until a person reviews it. For each entry: check it against",
        "# its sentence (quote verbatim, speaker, day), fix what is wrong, replace every TODO,",
        "# then delete its `draft:` mark. `dispute-bot corpus check` counts what awaits review.",
    ]
    for name, entries in sections.items():
        if entries:
            lines += ["", f"{name}:", *entries]
    return "\n".join(lines) + "\n"


def _actor(actor: DraftActor, french: bool) -> list[str]:
    title = actor.role or TODO
    role = (
        {"en": f"{TODO}: role in English", "fr": title}
        if french
        else {
            "en": title,
            "fr": f"{TODO}: rôle en français",
        }
    )
    return [
        f"  - id: {actor.id}",
        f"    name: {_q(actor.name)}",
        f"    kind: {actor.kind}",
        f"    role: {{en: {_q(role['en'])}, fr: {_q(role['fr'])}}}",
        f"    aliases: [{', '.join(_q(a) for a in actor.aliases)}]",
        "    draft:",
        f"      rule: {_q(actor.rule)}",
        f"      sentence: {_q(actor.sentence)}",
    ]


def _quote(
    quote: DraftQuote, article_id: str, taken: set[str], french: bool, source: str
) -> list[str]:
    words = fold(quote.text).split()[:5]
    ident = _fresh(slug(f"{quote.actor} {' '.join(words)}"), taken)
    translation = f"{TODO}: English translation" if french else quote.text
    lines = [
        f"  - id: {ident}",
        f"    speaker: {quote.actor}",
        f"    text: {_q(quote.text)}",
        f"    translation: {_q(translation)}",
    ]
    if quote.date_words:  # else no day: reported on the article's date
        said = _date(quote.said_on, quote.date_words, quote.date_rule_name)
        lines.append(f"    said_on: {said}")
    return [
        *lines,
        f"    where: {{en: {_q(_reported_by(source))}, fr: {_q(_selon(source))}}}",
        f"    articles: [{article_id}]",
        "    draft:",
        f"      speaker: {_q(f'{quote.speaker}: {quote.rule}')}",
        f"      said_on: {_q(f'{quote.basis}: {quote.date_rule}')}",
        f"      sentence: {_q(quote.sentence)}",
    ]


def _date(date: str, words: str, rule: str, qualifier: str | None = None) -> str:
    """A date as the seeds keep it: with the words it was read from and the rule that read
    them, so `corpus check` reads it again (the reviewer checks the words are this record's)."""
    extra = f", qualifier: {qualifier}" if qualifier else ""
    return f"{{date: {_q(date)}{extra}, phrase: {_q(words)}, rule: {rule}}}"


def _shares_day(event: DraftEvent, events: Sequence[DraftEvent]) -> bool:
    return sum(e.date == event.date for e in events) > 1


def _event(
    event: DraftEvent, article_id: str, taken: set[str], french: bool, order: int
) -> list[str]:
    words = [w for w in fold(event.summary).split() if len(w) > 3][:4]
    ident = _fresh(slug(f"{event.date} {' '.join(words)}"), taken)
    summary = (
        {"en": f"{TODO}: summary in English", "fr": event.summary}
        if french
        else {"en": event.summary, "fr": f"{TODO}: résumé en français"}
    )
    date = _date(event.date, event.date_words, event.date_rule_name, event.qualifier)
    lines = [f"  - id: {ident}", f"    date: {date}"]
    if order:
        lines.append(f"    order: {order}  # the same day as another event: check the order")
    if event.time:
        lines.append(f"    time: {_q(event.time)}")
    if event.deadline:
        lines.append("    deadline: true")
    lines += [
        f"    actors: [{', '.join(event.actors)}]",
        f"    summary: {{en: {_q(summary['en'])}, fr: {_q(summary['fr'])}}}",
        "    evidence:",
        f"      - article: {article_id}",
        f"        sentence: {_q(event.evidence)}",
        "        kind: narration",
        "    draft:",
        f"      date: {_q(event.rule)}",
    ]
    return lines


def _reported_by(source: str) -> str:
    return "as reported in the article" if TODO in source else f"as reported by {source}"


def _selon(source: str) -> str:
    if TODO in source:
        return "selon l'article"
    return f"selon l'{source}" if source[:1] in "AEIOUH" and source.isupper() else f"selon {source}"


def _q(text: str) -> str:
    """A YAML scalar that reads back as exactly `text` (a JSON string is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _fresh(base: str, taken: set[str]) -> str:
    ident, number = base, 2
    while ident in taken:
        ident, number = f"{base}-{number}", number + 1
    taken.add(ident)
    return ident


def _credit(body: str) -> str:
    for agency in ("AFP", "Reuters", "AP"):
        if f"( {agency}" in body or f"({agency}" in body or f"l'{agency}" in body:
            return agency
    return f"{TODO}: who published it"
