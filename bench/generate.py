"""Synthetic dossiers in the real seeds format, seeded and deterministic, from 1,000 quotes up.

`python -m bench.generate --quotes 100000 --out build/bench/q100000` writes `seeds/`
(`dispute.yaml` and `articles/*.txt`, whose first line is `date YYYY-MM-DD Title`) that
`dispute-bot corpus check` accepts: every quote and evidence sentence is verbatim in its
article, and the dossier says no more than its articles (bot/corpus/rules.py): quotes and
events carry no date of their own (they are reported on their article's day), aliases the
articles never write are search terms, the paragraph of a quote names the issues it is
tagged with, and a position's issue is one its quotes are tagged with. Actors, articles,
events, issues and positions grow in proportion to the quotes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.lexicon import (
    EN_FUNCTION,
    FIRST_NAMES,
    FR_FUNCTION,
    VERBS_FR,
    Lexicon,
    build_lexicon,
    invent_surnames,
)
from bot.matching.folding import fold, slug

GENERATOR_VERSION = 2  # bump when the output changes, so cached datasets are rebuilt
QUOTES_PER_ARTICLE = 10
QUOTES_PER_ACTOR = 100
QUOTES_PER_POSITION = 100
QUOTES_PER_ISSUE = 2000
FIRST_DAY = dt.date(2024, 1, 1)
SPAN_DAYS = 1000
STANCES = ("supports", "opposes", "demands", "refuses", "denies", "mixed", "neutral")
CREDITS = ("AFP", "AFP", "AFP", "Reuters", "AP", "Le Monde")
PLACES = (
    ("to AFP", "à l'AFP"),
    ("on Truth Social", "sur Truth Social"),
    ("at a press conference", "en conférence de presse"),
    ("in a statement", "dans un communiqué"),
    ("on X", "sur X"),
    ("in an interview", "dans un entretien"),
)
_VOWEL_START = re.compile(r"^[aeiouyéèêâîôh]", re.IGNORECASE)
_ELIDED = {"le": "l'", "la": "l'", "de": "d'", "que": "qu'", "ne": "n'"}


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthActor:
    id: str
    name: str
    aliases: tuple[str, ...]
    kind: str = "person"
    role: tuple[str, str]  # en, fr
    standing: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthQuote:
    id: str
    speaker: str
    text: str
    translation: str
    where: tuple[str, str]
    article: str
    issues: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthArticle:
    id: str
    file: str
    date: dt.date
    title: str
    body: str
    credit: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthEvent:
    id: str
    date: dt.date  # its article's: the event is reported on that day
    order: int  # among the events of that day
    actors: tuple[str, ...]
    search_terms: tuple[str, ...]
    summary: tuple[str, str]
    article: str
    sentence: str
    decisive: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthIssue:
    id: str
    name: tuple[str, str]
    aliases: tuple[str, ...]
    summary: tuple[str, str]


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthPosition:
    actor: str
    issue: str
    stance: str
    summary: tuple[str, str]
    quotes: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SynthDossier:
    actors: tuple[SynthActor, ...]
    quotes: tuple[SynthQuote, ...]
    articles: tuple[SynthArticle, ...]
    events: tuple[SynthEvent, ...]
    issues: tuple[SynthIssue, ...]
    positions: tuple[SynthPosition, ...]
    actor_by_id: dict[str, SynthActor] = field(default_factory=dict)
    speaking: frozenset[str] = frozenset()  # actors with a quote: their names are written
    tagged: frozenset[str] = frozenset()  # issues some quote is tagged with


# The dispute's own protagonists head the cast, with the aliases of the shipped seeds, so the
# typo table (trunp, hegset, amodéi, dario) means the same on a synthetic dossier.
REAL_ACTORS = (
    SynthActor(
        id="trump",
        name="Donald Trump",
        aliases=("Trump", "Donald", "Donald Trump", "President Trump"),
        role=("President of the United States", "Président des États-Unis"),
        standing=("Ordered agencies to stop.", "A ordonné aux agences de cesser."),
    ),
    SynthActor(
        id="hegseth",
        name="Pete Hegseth",
        aliases=("Hegseth", "Pete", "Pete Hegseth", "Defense Secretary"),
        role=("US Secretary of Defense", "Ministre américain de la Défense"),
        standing=("Accused Anthropic of betrayal.", "A accusé Anthropic de trahison."),
    ),
    SynthActor(
        id="amodei",
        name="Dario Amodei",
        aliases=("Amodei", "Dario", "Dario Amodei"),
        role=("Chief executive of Anthropic", "Patron d'Anthropic"),
    ),
    SynthActor(
        id="anthropic",
        name="Anthropic",
        kind="organisation",
        aliases=("Anthropic", "Claude"),
        role=("AI start-up", "Start-up d'IA"),
        standing=("Kept its two red lines.", "A maintenu ses deux limites."),
    ),
    SynthActor(
        id="pentagon",
        name="Department of Defense (Pentagon)",
        kind="organisation",
        aliases=("Pentagon", "Pentagone", "DoD"),
        role=("US Department of Defense", "Ministère américain de la Défense"),
    ),
)
REAL_ISSUES = (
    SynthIssue(
        id="mass-surveillance",
        name=("Mass surveillance", "Surveillance de masse"),
        aliases=("surveillance", "mass surveillance"),
        summary=("Whether AI may watch populations.", "L'IA peut-elle surveiller ?"),
    ),
    SynthIssue(
        id="autonomous-weapons",
        name=("Fully autonomous weapons", "Armes entièrement autonomes"),
        aliases=("autonomous weapons", "armes autonomes"),
        summary=("Whether AI may automate an attack.", "L'IA peut-elle attaquer seule ?"),
    ),
    SynthIssue(
        id="usage-restrictions",
        name=("Lifting all usage restrictions", "Levée des restrictions d'utilisation"),
        aliases=("restrictions",),
        summary=("The demand to lift restrictions.", "L'exigence de lever les restrictions."),
    ),
    SynthIssue(
        id="sanctions",
        name=("Sanctions against Anthropic", "Sanctions contre Anthropic"),
        aliases=("sanctions", "ban"),
        summary=("The measures taken.", "Les mesures prises."),
    ),
)


class _Writer:
    """Draws bilingual sentences from the lexicon."""

    def __init__(self, rng: random.Random, lexicon: Lexicon) -> None:
        self.rng = rng
        self.lexicon = lexicon

    def sentence(self, target: int) -> tuple[str, str]:
        """A French sentence of about `target` characters and its word-for-word English."""
        rng = self.rng
        french: list[str] = []
        english: list[str] = []
        length = 0
        ranks = iter(self.lexicon.sample(rng, 64))
        while length < target:
            if rng.random() < 0.35 and french and french[-1] not in FR_FUNCTION:
                word_fr, word_en = rng.choice(FR_FUNCTION), rng.choice(EN_FUNCTION)
            else:
                rank = next(ranks, None)
                if rank is None:
                    ranks = iter(self.lexicon.sample(rng, 64))
                    continue
                word_fr, word_en = self.lexicon.french[rank], self.lexicon.english[rank]
                if french and french[-1] in _ELIDED and _VOWEL_START.match(word_fr):
                    word_fr = _ELIDED[french.pop()] + word_fr
                    length -= 3
            french.append(word_fr)
            english.append(word_en)
            length += len(word_fr) + 1
        return _finish(french), _finish(english)

    def length(self, mean: int, spread: int) -> int:
        return max(40, min(int(self.rng.gauss(mean, spread)), mean * 2))


def _finish(tokens: list[str]) -> str:
    text = " ".join(tokens)
    return text[0].upper() + text[1:] + "."


def _actors(rng: random.Random, count: int) -> list[SynthActor]:
    cast = list(REAL_ACTORS)
    surnames = invent_surnames(rng, max(0, count - len(cast)), {a.name for a in cast})
    for number, surname in enumerate(surnames):
        first = rng.choice(FIRST_NAMES)
        full = f"{first} {surname}"
        main = number < 6
        cast.append(
            SynthActor(
                id=f"{slug(surname)}-{number}",
                name=full,
                aliases=(surname, full),
                role=("Official", "Responsable"),
                standing=("Took a stand.", "A pris position.") if main else None,
            )
        )
    return cast[:count]


def generate(quotes: int, *, seed: int = 7) -> SynthDossier:
    """A dossier of `quotes` quotes; the same arguments always give the same dossier."""
    rng = random.Random(f"{seed}:{quotes}")
    lexicon = build_lexicon(random.Random(seed), 40_000)
    writer = _Writer(rng, lexicon)
    actors = _actors(rng, max(len(REAL_ACTORS), quotes // QUOTES_PER_ACTOR + len(REAL_ACTORS)))
    speaker_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(actors))]

    issues = list(REAL_ISSUES)
    for number in range(quotes // QUOTES_PER_ISSUE):
        name_fr, name_en = writer.sentence(18)
        issues.append(
            SynthIssue(
                id=f"issue-{number:04d}",
                name=(name_en.rstrip("."), name_fr.rstrip(".")),
                aliases=(name_fr.rstrip(".").split(" ")[0],),
                summary=writer.sentence(60)[::-1],
            )
        )

    issue_by_id = {i.id: i for i in issues}
    n_articles = max(1, -(-quotes // QUOTES_PER_ARTICLE))
    speakers = rng.choices(actors, weights=speaker_weights, k=quotes)
    all_quotes: list[SynthQuote] = []
    articles: list[SynthArticle] = []
    events: list[SynthEvent] = []
    texts: set[str] = set()
    per_day: dict[dt.date, int] = {}
    for number in range(n_articles):
        article_id = f"art-{number:06d}"
        date = FIRST_DAY + dt.timedelta(days=number * SPAN_DAYS // n_articles)
        lead_fr, _ = writer.sentence(writer.length(120, 30))
        paragraphs = [lead_fr]
        in_article: list[SynthQuote] = []
        for index in range(
            number * QUOTES_PER_ARTICLE, min(quotes, (number + 1) * QUOTES_PER_ARTICLE)
        ):
            speaker = speakers[index]
            while True:
                text, translation = writer.sentence(writer.length(150, 35))
                if text not in texts:
                    texts.add(text)
                    break
            # Version 1 dated quotes up to two days before their article: the draw stays, so
            # every later draw, and the dossier the benchmarks read, stays the same.
            rng.choice((0, 0, 0, 1, 2))
            quote = SynthQuote(
                id=f"q-{index:06d}",
                speaker=speaker.id,
                text=text,
                translation=translation,
                where=rng.choice(PLACES),
                article=article_id,
                issues=tuple(
                    sorted({rng.choice(issues).id for _ in range(rng.choice((0, 1, 1, 2)))})
                ),
            )
            in_article.append(quote)
            filler, _ = writer.sentence(writer.length(110, 30))
            about = "".join(f"{issue_by_id[i].aliases[0]} : " for i in quote.issues)
            paragraphs.append(f"{filler} {about}{speaker.name} {rng.choice(VERBS_FR)} : « {text} »")
        title, _ = writer.sentence(writer.length(70, 15))
        articles.append(
            SynthArticle(
                id=article_id,
                file=f"articles/{date.isoformat()}-{article_id}.txt",
                date=date,
                title=title.rstrip("."),
                body="\n\n".join(paragraphs),
                credit=rng.choice(CREDITS),
            )
        )
        all_quotes.extend(in_article)
        # Version 1 drew deadlines three months on, a date no article gave: the draw stays.
        rng.random()
        per_day[date] = per_day.get(date, 0) + 1
        events.append(
            SynthEvent(
                id=f"ev-{number:06d}",
                date=date,
                order=per_day[date],
                actors=tuple(dict.fromkeys(q.speaker for q in in_article))[:3],
                search_terms=tuple(
                    dict.fromkeys(w for w in writer.sentence(12)[0][:-1].lower().split())
                ),
                summary=writer.sentence(writer.length(100, 20))[::-1],
                article=article_id,
                sentence=lead_fr,
                decisive=rng.random() < 0.02,
            )
        )

    # A position cites quotes of its actor tagged with its issue: their paragraphs name it.
    by_pair: dict[tuple[str, str], list[str]] = {}
    for quote in all_quotes:
        for issue_id in quote.issues:
            by_pair.setdefault((quote.speaker, issue_id), []).append(quote.id)
    quoted_ids = {q.speaker for q in all_quotes}
    quoted = [a for a in actors if a.id in quoted_ids]
    positions: list[SynthPosition] = []
    wanted = min(max(4, quotes // QUOTES_PER_POSITION), len(by_pair))
    pairs: set[tuple[str, str]] = set()
    while len(positions) < wanted:
        actor = rng.choices(quoted, weights=speaker_weights[: len(quoted)])[0]
        issue = rng.choice(issues)
        own = by_pair.get((actor.id, issue.id))
        if own is None or (actor.id, issue.id) in pairs:
            continue
        pairs.add((actor.id, issue.id))
        positions.append(
            SynthPosition(
                actor=actor.id,
                issue=issue.id,
                stance=rng.choice(STANCES),
                summary=writer.sentence(writer.length(80, 20))[::-1],
                quotes=tuple(sorted(set(rng.sample(own, min(len(own), rng.choice((1, 2))))))),
            )
        )
    return SynthDossier(
        actors=tuple(actors),
        quotes=tuple(all_quotes),
        articles=tuple(articles),
        events=tuple(events),
        issues=tuple(issues),
        positions=tuple(positions),
        actor_by_id={a.id: a for a in actors},
        speaking=frozenset(quoted_ids),
        tagged=frozenset(i for q in all_quotes for i in q.issues),
    )


def _plain_words(text: str) -> str:
    """Lower case, accents and punctuation gone: how the corpus check compares words."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _flow(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _text(key: str, pair: tuple[str, str], indent: str) -> str:
    en, fr = pair
    return f"{indent}{key}:\n{indent}  en: {_q(en)}\n{indent}  fr: {_q(fr)}\n"


def _yaml_lines(dossier: SynthDossier, quotes: int) -> Iterator[str]:
    yield f"# A synthetic dossier of {quotes} quotes, written by bench/generate.py.\n\n"
    yield "dossier:\n  id: synthetic\n"
    yield _text("title", ("Synthetic dossier", "Dossier synthétique"), "  ")
    yield _text("summary", (f"{quotes} generated quotes.", f"{quotes} citations générées."), "  ")
    yield "\narticles:\n"
    for a in dossier.articles:
        yield f"  - id: {a.id}\n    file: {a.file}\n    credit: {_q(a.credit)}\n"
    yield "\nactors:\n"
    for actor in dossier.actors:
        yield f"  - id: {actor.id}\n    name: {_q(actor.name)}\n    kind: {actor.kind}\n"
        yield _text("role", actor.role, "    ")
        # What its quotes' paragraphs write (its name and the words of it) is an alias; any
        # other form ("President Trump") helps a search without being the articles' word.
        written = f" {_plain_words(actor.name)} " if actor.id in dossier.speaking else ""
        aliases = tuple(a for a in actor.aliases if f" {_plain_words(a)} " in written)
        yield f"    aliases: {_flow(aliases)}\n"
        others = tuple(a for a in actor.aliases if a not in aliases)
        if others:
            yield f"    search_terms: {_flow(others)}\n"
        if actor.standing:
            yield "    main: true\n" + _text("standing", actor.standing, "    ")
    yield "\nissues:\n"
    for issue in dossier.issues:
        yield f"  - id: {issue.id}\n" + _text("name", issue.name, "    ")
        written = issue.aliases[:1] if issue.id in dossier.tagged else ()  # in the paragraphs
        yield f"    aliases: {_flow(written)}\n"
        if issue.aliases[len(written) :]:
            yield f"    search_terms: {_flow(issue.aliases[len(written) :])}\n"
        yield _text("summary", issue.summary, "    ")
    yield "\nquotes:\n"
    for quote in dossier.quotes:
        yield (
            f"  - id: {quote.id}\n    speaker: {quote.speaker}\n    text: {_q(quote.text)}\n"
            f"    translation: {_q(quote.translation)}\n"
        )
        yield _text("where", quote.where, "    ")
        yield f"    articles: [{quote.article}]\n"
        if quote.issues:
            yield f"    issues: [{', '.join(quote.issues)}]\n"
    yield "\nevents:\n"
    for event in dossier.events:
        yield f"  - id: {event.id}\n    order: {event.order}\n"
        yield f"    actors: [{', '.join(event.actors)}]\n"
        yield f"    search_terms: {_flow(event.search_terms)}\n"
        if event.decisive:
            yield "    decisive: true\n"
        yield _text("summary", event.summary, "    ")
        yield (
            f"    evidence:\n      - article: {event.article}\n"
            f"        sentence: {_q(event.sentence)}\n        kind: narration\n"
        )
    yield "\npositions:\n"
    for position in dossier.positions:
        yield (
            f"  - actor: {position.actor}\n    issue: {position.issue}\n"
            f"    stance: {position.stance}\n"
        )
        yield _text("summary", position.summary, "    ")
        yield f"    quotes: [{', '.join(position.quotes)}]\n"


def write_seeds(dossier: SynthDossier, root: Path) -> int:
    """Writes `root/dispute.yaml` and `root/articles/`; returns the bytes written."""
    (root / "articles").mkdir(parents=True, exist_ok=True)
    written = 0
    for article in dossier.articles:
        raw = f"date {article.date.isoformat()} {article.title}\n\n{article.body}\n"
        written += (root / article.file).write_text(raw, encoding="utf-8")
    text = "".join(_yaml_lines(dossier, len(dossier.quotes)))
    written += (root / "dispute.yaml").write_text(text, encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quotes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    dossier = generate(args.quotes, seed=args.seed)
    size = write_seeds(dossier, args.out / "seeds")
    print(f"{args.out}: {len(dossier.quotes)} quotes, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
