"""Drafts one article: its quotes with speaker and day, the actors they name, its dated events."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from msgspec import structs

from bot.corpus.model import Actor, Precision, Text
from bot.date_rules import DateMatch, find_dates, find_time, fold_same_length
from bot.draft.actors import ActorBook, Entry
from bot.draft.article import read_article, read_article_file
from bot.draft.attribution import Attribution, attribute, sentence_subject
from bot.draft.model import ArticleText, Draft, DraftEvent, DraftQuote
from bot.draft.nlp import Parse, parse_french, parser_status
from bot.draft.speech import FRENCH_VERB_GROUP
from bot.draft.text import Quotation, Sentence, split_interrupted, split_sentences

# A quote placed by the words around it: "…, Mayor Alvarez said after the vote".
_AFTER_EVENT = re.compile(
    r"(?<![\w-])(?:after the (?:vote|meeting|hearing|ruling|announcement|talks)"
    r"|a l'issue (?:de la|du|des|de l')|apres (?:le vote|la reunion|l'audience|la rencontre)"
    r"|lors de (?:la manifestation|la reunion|l'audience|la rencontre)"
    r"|a l'issue (?:de cette|de ce|d'une|d'un)|in (?:the|its|their) (?:court )?filing"
    r"|(?:court )?filing)"
)


# Occasions news dates once and then refers back to ("after the vote", "à l'issue du vote",
# "la veille de la signature"): each with the words that report it (noun or verb).
_OCCASIONS = {
    "vote": r"vot(?:e|es|ee|ees|ent|er|ed|ing)|scrutin|ballot",
    "meeting": r"reunions?|reuni(?:e|s|es)?|meetings?|met|rencontres?|talks|negociations?",
    "hearing": r"audiences?|hearings?",
    "signing": r"signature|sign(?:e|es|ee|ees|ent|ed|ing)",
    "protest": r"manifestations?|manifest(?:e|es|ent)|rassemblements?|defile|protests?|protested"
    r"|rall(?:y|ies|ied)|march(?:ed)?",
    "ruling": r"ruling|ruled|jugement|verdict|arret",
    "session": r"seances?|sessions?|debats?|debate",
    "announcement": r"annonces?|announcement",
}
_OCCASION_WORDS = {
    key: re.compile(rf"(?<![\w-])(?:{words})(?![\w-])") for key, words in _OCCASIONS.items()
}
# "after the vote", "à l'issue de la réunion", "la veille du vote": a back-reference to one.
_BACK_TO = (
    r"(?:after|following|at|during|a l'issue|au terme|au sortir|a la sortie"
    r"|lors|en marge|apres|pendant|the day before|the eve|the day after|la veille"
    r"|le lendemain|au lendemain)"
    r"\s+(?:of\s+)?(?:the|this|that|its|their|du|des|de la|de l'|de cette|de ce|le|la|l'|les)\s*"
)
_BACK_REFERENCE = re.compile(
    rf"(?<![\w-]){_BACK_TO}(?P<noun>{'|'.join(_OCCASIONS.values())})(?![\w-])"
)
_EVE = re.compile(r"^(?:the day before|the eve|la veille)")
_MORROW = re.compile(r"^(?:the day after|le lendemain|au lendemain)")
# `la veille de cette fermeture`, `the day before that meeting`: what was just told.
_EVE_OF_THIS = re.compile(
    r"(?<![\w-])(?:la veille|le lendemain|au lendemain|the day before|the eve|the day after)"
    r"\s+(?:de cette|de ce|de cet|of (?:this|that))\s+[\w'-]+"
)
_RELATIVE = re.compile(r",\s*(?:qui|que|qu'|dont|ou|who|which|whose|where)(?![\w-])")


@dataclass(slots=True)
class _State:
    """What the reader carries from one sentence to the next."""

    news_day: dt.date | None = None  # the day of the first sentence that gives one
    previous_day: dt.date | None = None  # the day the sentence before was about
    previous: list[DateMatch] = field(default_factory=list)  # that sentence's dates
    # The last quote's day: (date, basis, how, the date words read) by speaker.
    said_on: dict[str, tuple[str, str, str, DateMatch | None]] = field(default_factory=dict)
    sentence_speaker: Entry | None = None  # who the sentence's earlier quote is by
    last_day: DateMatch | None = None  # the last past day the text named
    last_speaker: Entry | None = None
    last_quote_sentence: int = -10
    sentence_text: str = ""
    occasions: dict[str, DateMatch] = field(default_factory=dict)  # the day each was dated
    pending: list[str] = field(default_factory=list)  # named by the sentence before, undated


def draft_article(
    article: ArticleText, known: Sequence[Actor] = (), *, use_parser: bool = True
) -> Draft:
    """The draft of `article`, its speakers resolved against the dossier's `known` actors."""
    book = ActorBook(known)
    sentences = split_sentences(article.body)
    parse = parse_french(article.body) if use_parser and article.language == "fr" else None
    status = parser_status() if article.language == "fr" and use_parser else "rules"
    if article.language == "en":
        status = "rules (English: no English model is used)"
    elif not use_parser:
        status = "rules only (parser switched off)"
    state = _State()
    quotes: list[DraftQuote] = []
    events: list[DraftEvent] = []
    seen_quotes: set[str] = set()
    for index, sentence in enumerate(sentences):
        if sentence.heading:
            continue
        state.sentence_text = sentence.text
        labels = _labels(parse, sentence)
        book.begin(index)
        prose = _without_quotes(sentence)
        anchor = state.previous_day or state.news_day
        dates = find_dates(prose, article.date, anchor=anchor)
        opening = dates[0] if dates and dates[0].start <= len(prose) - len(prose.lstrip()) else None
        if opening and state.pending and _said_by_then(opening, article.date):
            for occasion in state.pending:  # "La réunion a tourné court. Lundi soir, …"
                state.occasions.setdefault(occasion, opening)
        dates = _with_occasions(prose, dates, state.occasions, state.last_day)
        first_quote = sentence.quotes[0].open_mark - sentence.start if sentence.quotes else None
        book.note_groups(prose, sentence.text)
        book.note_names(sentence.text[:first_quote], sentence.text, labels=labels)
        subject = sentence_subject(sentence.text[:first_quote], article.language)
        if subject:
            book.note_subject(subject, sentence.text)
        if not sentence.caption:
            parts = tuple(
                part
                for whole in sentence.quotes
                if not _names_a_thing(article.body, whole)
                for part in split_interrupted(article.body, whole, _starts_with_speech_verb)
            )
            sentence = dataclasses.replace(sentence, quotes=parts)
            state.sentence_speaker = None
            for quote in parts:
                entities = labels if parse is not None else None  # None: no parser ran
                drafted = _quote(article, book, state, sentence, quote, index, dates, entities)
                if drafted is not None and drafted.text not in seen_quotes:
                    seen_quotes.add(drafted.text)
                    quotes.append(drafted)
        book.note_names(sentence.text, sentence.text, labels=labels)
        for date in dates:
            events.append(_event(book, sentence, date, article.date))
        if not sentence.caption:
            state.pending = _note_occasions(prose, dates, article.date, state.occasions)
            state.previous = dates
            state.previous_day = _main_day(dates, article.date)
            days = [d for d in dates if _said_by_then(d, article.date)]
            state.last_day = days[-1] if days else state.last_day
            state.news_day = state.news_day or state.previous_day
    return Draft(
        article=article,
        quotes=tuple(quotes),
        actors=tuple(book.drafted()),
        events=tuple(_unique_events(events)),
        parser=status,
    )


def draft_articles(
    articles: Sequence[ArticleText], known: Sequence[Actor] = (), *, use_parser: bool = True
) -> list[Draft]:
    """Drafts of several articles; an actor new in one is known to the ones after it."""
    drafts = []
    actors = list(known)
    for article in articles:
        draft = draft_article(article, actors, use_parser=use_parser)
        drafts.append(draft)
        actors += [
            Actor(
                id=a.id,
                name=Text(en=a.name, fr=a.name),
                kind=a.kind,
                role=Text(en=a.role, fr=a.role),
                aliases=a.aliases,
            )
            for a in draft.actors
            if a.new
        ]
    return drafts


def draft_bytes(
    data: bytes, name: str, known: Sequence[Actor] = (), *, use_parser: bool = True
) -> Draft:
    """For a platform shell: the draft of an article handed over as bytes (a file, a paste)."""
    return draft_article(read_article(data, name), known, use_parser=use_parser)


def draft_file(path: str | Path, known: Sequence[Actor] = (), *, use_parser: bool = True) -> Draft:
    """The draft of the article file at `path`."""
    return draft_article(read_article_file(path), known, use_parser=use_parser)


def _quote(
    article: ArticleText,
    book: ActorBook,
    state: _State,
    sentence: Sentence,
    quote: Quotation,
    index: int,
    dates: list[DateMatch],
    labels: dict[tuple[int, int], str] | None,
) -> DraftQuote | None:
    later = quote is not sentence.quotes[0] and state.sentence_speaker is not None
    found = attribute(
        sentence.text, quote, sentence.start, article.language, sentence.quotes, own_only=later
    )
    resolved = None
    if found is not None and not quote.continues:
        resolved = book.resolve(found.phrase, sentence=sentence.text, labels=labels)
    rule = f"{found.rule}; {resolved[1]}" if found and resolved else ""
    if resolved is None and later and state.sentence_speaker is not None:
        how = "part B of an interrupted quote" if quote.continues else "an earlier quote"
        resolved = (state.sentence_speaker, f"the speaker of {how} in the same sentence")
        rule, found = resolved[1], None
    if (
        resolved is None
        and state.last_speaker is not None
        and (index - state.last_quote_sentence <= 2 or _whole_sentence(sentence, quote))
    ):
        resolved = (state.last_speaker, "no attribution in the sentence: the previous speaker")
        rule = resolved[1]
        found = None
    if resolved is None:
        return None
    entry = resolved[0]
    entry.used = entry.spoke = True
    book.mention(entry)
    said_on, basis, how, read = _said_on(article, state, found, dates, entry, rule, index)
    state.said_on = {entry.id: (said_on, basis, how, read)}  # only the quote before carries on
    state.last_speaker = state.sentence_speaker = entry
    state.last_quote_sentence = index
    return DraftQuote(
        text=quote.text,
        speaker=entry.name,
        actor=entry.id,
        said_on=said_on,
        basis=basis,
        date_rule=how,
        rule=rule,
        sentence=sentence.text,
        date_words=read.text if read else "",
        date_rule_name=read.name if read else "",
    )


def _said_on(
    article: ArticleText,
    state: _State,
    found: Attribution | None,
    dates: list[DateMatch],
    entry: Entry,
    rule: str,
    index: int,
) -> tuple[str, str, str, DateMatch | None]:
    """(date, basis, how, words): the day the quote was said, on what grounds, from which
    date words (None when it is only the article's day).

    In order: a day in the attribution's own words (not in a relative clause, nor the main
    clause's for a view given "selon X"); "à l'issue du vote" (the day the text gave that
    occasion); "à l'AFP" / "told reporters" (the article's day); the same speaker's earlier
    quote; "après le vote" (the day just reported, when the vote was not dated by name); a
    pronoun or title continuing the sentence before (its day, unless it quoted someone
    else); else the article's day, marked as reported, not as said.
    """
    if found is not None:
        start, end = found.clause
        asides = _relative_clauses(state.sentence_text, start, end)
        own = [
            d
            for d in dates
            if start <= d.start < end
            and _said_by_then(d, article.date)
            and not any(a <= d.start < b for a, b in asides)  # "X, qui a reçu hier …"
        ]
        if not own and start > 0 and not _reports_a_view(found):
            # "X a déclaré mardi : « … »": the clause before the quote
            own = [d for d in dates if d.end <= start and _said_by_then(d, article.date)]
        if own:
            date = own[0]
            return date.iso, day_basis(date), f"{date.rule} ('{date.text}')", date
        back = _BACK_REFERENCE.search(fold_same_length(state.sentence_text), start, end)
        occasion = _occasion_of(back["noun"]) if back else None
        if back and occasion in state.occasions:
            day = state.occasions[occasion]
            how = f"'{back[0].strip()}': the {occasion} dated before ('{day.text}')"
            return day.iso, day_basis(day), how, day
        if found.to_press:
            how = "said to the reporters: the article's day"
            return article.date.isoformat(), "reported", how, None
    if entry.id in state.said_on:
        date_text, basis, how, read = state.said_on[entry.id]
        how = how.removeprefix("continues the quote before, same speaker: ")
        return date_text, basis, f"continues the quote before, same speaker: {how}", read
    clause = found.clause if found else (0, 0)
    cue = _AFTER_EVENT.search(fold_same_length(found.phrase if found else "")) or (
        found and _AFTER_EVENT.search(fold_same_length(state.sentence_text[clause[0] : clause[1]]))
    )
    if cue and state.last_day is not None:
        day = state.last_day
        how = f"'{cue[0]}': the occasion dated before ('{day.text}')"
        return day.iso, day_basis(day), how, day
    continuing = found is None or "pronoun" in rule or "title" in rule
    if state.last_quote_sentence == index - 1 and _someone_else(state.last_speaker, entry, rule):
        continuing = False  # the sentence before quoted someone else: its day is theirs
    near = [d for d in state.previous if _near(d, article.date)]
    if continuing and near:
        match = near[0]
        return match.iso, "inferred", f"the sentence before: {match.rule} ('{match.text}')", match
    return article.date.isoformat(), "reported", "no day given: the article's day", None


def day_basis(date: DateMatch) -> str:
    """ "stated" when the text names the calendar day, "inferred" when it was worked out."""
    return "inferred" if date.inferred else "stated"


def _names_a_thing(body: str, quote: Quotation) -> bool:
    """`un plan baptisé "Montoir 2030"`: quote marks around a name, not anyone's words."""
    before = fold_same_length(body[max(0, quote.open_mark - 40) : quote.open_mark]).rstrip()
    naming = _NAMING.search(before)
    return bool(naming) and not _TENSED.search(before)


# `a appelé "…"`, `a de son côté appelé "…"`: a verb with its auxiliary is someone's words (an
# appeal), where a participle alone (`un plan appelé "…"`) names a thing.
_TENSED = re.compile(
    r"(?:^|\s)(?:a|ont|avait|avaient|has|have|had)(?:\s+(?:de son cote|pour sa part|quant a"
    r" (?:lui|elle)|lui aussi|elle aussi|lui-meme|elle-meme|egalement|aussi|ensuite|encore|deja"
    r"|alors|aussitot|also|again|then|repeatedly))*\s+\S+$"
)
_NAMING = re.compile(
    r"(?:baptise|appele|nomme|intitule|surnomme|denomme|dubbed|named|titled|nicknamed|called"
    r"|code-named|so-called)e?s?$"
)


def _starts_with_speech_verb(text: str) -> bool:
    return FRENCH_VERB_GROUP.match(fold_same_length(text)) is not None


def _said_by_then(date: DateMatch, reference: dt.date) -> bool:
    return date.value <= reference and date.precision is Precision.DAY


def _near(date: DateMatch, reference: dt.date) -> bool:
    """Whether a date in the sentences before a quote may be the day it was said."""
    if date.value > reference:
        return False
    if date.precision is Precision.DAY:
        return (reference - date.value).days <= 31
    if date.precision is Precision.MONTH:
        return (reference.year, reference.month) == (date.value.year, date.value.month)
    return date.value.year == reference.year


def _main_day(
    dates: list[DateMatch], reference: dt.date, *, any_precision: bool = False
) -> dt.date | None:
    """The day a sentence is about: its first date that is not after the article's."""
    for date in dates:
        if date.value <= reference and (any_precision or date.precision is Precision.DAY):
            return date.value
    return None


def _event(book: ActorBook, sentence: Sentence, date: DateMatch, reference: dt.date) -> DraftEvent:
    actors = book.actors_in(sentence.text)
    for entry in actors:
        entry.used = True
    evidence = sentence.text.strip()
    return DraftEvent(
        date=date.iso,
        qualifier=date.qualifier,
        time=find_time(sentence.text[date.start :]) if date.precision is Precision.DAY else None,
        summary=evidence if len(evidence) <= 200 else evidence[:197].rstrip() + "…",
        actors=tuple(e.id for e in actors),
        evidence=evidence,
        rule=f"{date.rule} ('{date.text}')",
        deadline=date.value > reference,
        date_words=date.text,
        date_rule_name=date.name,
    )


def _unique_events(events: list[DraftEvent]) -> list[DraftEvent]:
    """One event per date and sentence; a caption repeating a sentence adds nothing."""
    kept: list[DraftEvent] = []
    for event in events:
        if not any(
            e.date == event.date and (event.evidence in e.evidence or e.evidence in event.evidence)
            for e in kept
        ):
            kept.append(event)
        elif any(e.date == event.date and e.evidence in event.evidence for e in kept):
            kept = [e for e in kept if not (e.date == event.date and e.evidence in event.evidence)]
            kept.append(event)
    return kept


def _labels(parse: Parse | None, sentence: Sentence) -> dict[tuple[int, int], str]:
    if parse is None:
        return {}
    return {
        (e.start - sentence.start, e.end - sentence.start): e.label
        for e in parse.entities
        if sentence.start <= e.start and e.end <= sentence.end
    }


def _without_quotes(sentence: Sentence) -> str:
    """The sentence with its quotations blanked (same length): their dates are the speaker's."""
    text = sentence.text
    for quote in sentence.quotes:
        a, b = quote.start - sentence.start, quote.end - sentence.start
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _whole_sentence(sentence: Sentence, quote: Quotation) -> bool:
    return len(quote.text) >= len(sentence.text) - 4


def _reports_a_view(found: Attribution) -> bool:
    """`selon X` / `Pour X,`: a view reported, which the sentence's other days do not date."""
    return found.rule.startswith(
        ("'selon", "'Selon", "'d'après", "'D'après", "'according", "'According", "'Pour")
    )


def _occasion_of(words: str) -> str | None:
    for key, pattern in _OCCASION_WORDS.items():
        if pattern.fullmatch(words):
            return key
    return None


def _note_occasions(
    prose: str, dates: list[DateMatch], reference: dt.date, occasions: dict[str, DateMatch]
) -> list[str]:
    """Remember the day a sentence dates each occasion it reports (`a voté mardi 3 mars`), for
    the back-references after it (`à l'issue du vote`); the occasions it names without a day
    (for a next sentence that opens with one: `La réunion a tourné court. Lundi soir, …`)."""
    folded = fold_same_length(prose)
    days = [d for d in dates if _said_by_then(d, reference) and d.name != "eve-of-occasion"]
    if not days:
        return [
            key
            for key, pattern in _OCCASION_WORDS.items()
            if key not in occasions and pattern.search(folded)
        ]
    backs = list(_BACK_REFERENCE.finditer(folded))
    back = {b.end() for b in backs}
    for found in backs:  # `jeudi, au lendemain de l'annonce`: the announcement the day before
        shift = -1 if _EVE.match(found[0]) else 1 if _MORROW.match(found[0]) else 0
        occasion = _occasion_of(found["noun"])
        if shift and occasion and occasion not in occasions:
            nearest = min(days, key=lambda d: abs(d.start - found.start()))
            if nearest.precision is Precision.DAY:
                value = nearest.value - dt.timedelta(days=shift)
                occasions[occasion] = structs.replace(nearest, value=value)
    for key, pattern in _OCCASION_WORDS.items():
        for word in pattern.finditer(folded):
            if word.end() in back:
                continue  # "après le vote" refers back to a vote; it does not date one
            nearest = min(
                days, key=lambda d: min(abs(d.start - word.end()), abs(word.start() - d.end))
            )
            occasions[key] = nearest
            break
    return []


def _with_occasions(
    prose: str,
    dates: list[DateMatch],
    occasions: dict[str, DateMatch],
    last_day: DateMatch | None,
) -> list[DateMatch]:
    """`la veille du vote`, `the day after the hearing`: the eve or the morrow of an occasion
    the text dated before, as a day of this sentence; `la veille de cette fermeture`: of the
    last day the text told."""
    folded = fold_same_length(prose)
    added = []
    for back in _BACK_REFERENCE.finditer(folded):
        lead = back[0]
        shift = -1 if _EVE.match(lead) else 0
        shift = 1 if _MORROW.match(lead) else shift
        occasion = _occasion_of(back["noun"])
        if shift == 0 or occasion not in occasions:
            continue
        if any(d.start < back.end() and back.start() < d.end for d in dates):
            continue  # `la veille de la réunion de mercredi`: the date rules read it
        day = occasions[occasion]
        value = day.value + dt.timedelta(days=shift)
        added.append(
            DateMatch(
                value=value,
                precision=day.precision,
                rule=f"eve-of-occasion: the day {'before' if shift < 0 else 'after'} the "
                f"{occasion} ({day.value})",
                text=prose[back.start() : back.end()],
                start=back.start(),
                end=back.end(),
                relative=True,
            )
        )
    this = _EVE_OF_THIS.search(folded)
    if (
        this
        and last_day is not None
        and last_day.precision is Precision.DAY
        and not any(d.start < this.end() and this.start() < d.end for d in [*dates, *added])
    ):
        shift = -1 if _EVE.match(this[0]) else 1
        added.append(
            DateMatch(
                value=last_day.value + dt.timedelta(days=shift),
                precision=Precision.DAY,
                rule=f"eve-of-occasion: the day {'before' if shift < 0 else 'after'} the "
                f"day told before ({last_day.value})",
                text=prose[this.start() : this.end()],
                start=this.start(),
                end=this.end(),
                relative=True,
            )
        )
    return sorted([*dates, *added], key=lambda d: d.start)


def _relative_clauses(sentence: str, start: int, end: int) -> list[tuple[int, int]]:
    """The relative clauses of sentence[start:end] (`, qui a reçu hier une délégation,`), to
    their comma or the end: a day in one dates what the clause tells, not the speaking."""
    folded = fold_same_length(sentence)
    spans = []
    for relative in _RELATIVE.finditer(folded, start, end):
        comma = folded.find(",", relative.end(), end)
        spans.append((relative.start(), comma if comma >= 0 else end))
    return spans


def _someone_else(before: Entry | None, entry: Entry, rule: str) -> bool:
    """Whether the speaker before is not this one: another actor named or titled, or, for a
    pronoun (which may point to someone the sentence before named under another name, "the
    mayor" then "he"), a body and a person, or a man and a woman."""
    if before is None or before is entry:
        return False
    if "pronoun" not in rule:
        return True
    if (before.kind == "organisation") != (entry.kind == "organisation"):
        return True
    return bool(before.gender and entry.gender and before.gender != entry.gender)
