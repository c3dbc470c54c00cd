"""What a draft holds: the article read, and the quotes, actors and events found in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleText:
    """An article in the seeds' format: `date YYYY-MM-DD Title` on the first line, then the body."""

    file: str  # as given (a path, or a name for text handed over by a chat platform)
    date: dt.date
    title: str
    body: str  # everything after the first line, as received
    language: str  # "fr" | "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class DraftActor:
    """A speaker or an actor of an event: one of the dossier's (`new` False) or a new one."""

    id: str
    name: str
    kind: str  # person | organisation | group
    aliases: tuple[str, ...]
    new: bool
    role: str = ""  # the title the article gives them, for a new actor's `role`
    rule: str = ""  # how a new actor was found, for the reviewer
    sentence: str = ""  # where it was first named


@dataclass(frozen=True, slots=True, kw_only=True)
class DraftQuote:
    """A quotation, verbatim, with who said it, when, and why the engine thinks so."""

    text: str
    speaker: str  # display name
    actor: str  # actor id
    said_on: str  # YYYY-MM-DD, YYYY-MM or YYYY
    basis: str  # stated | inferred | reported (the article's day, no day given)
    date_rule: str  # the date rule that fired, or why the article's day was taken
    rule: str  # the attribution rule that fired
    sentence: str  # the sentence it stands in, verbatim
    date_words: str = ""  # the words the day was read from ("vendredi"), if any
    date_rule_name: str = ""  # the date rule that read them ("weekday")


@dataclass(frozen=True, slots=True, kw_only=True)
class DraftEvent:
    """A sentence that dates something, with the date read from it."""

    date: str  # YYYY-MM-DD, YYYY-MM or YYYY
    qualifier: str | None  # early | mid | late | about
    time: str | None  # "22:01 GMT" where the sentence gives one
    summary: str
    actors: tuple[str, ...]  # actor ids
    evidence: str  # the sentence, verbatim
    rule: str  # the date rule that fired
    deadline: bool = False
    date_words: str = ""  # the words the date was read from
    date_rule_name: str = ""  # the date rule that read them


@dataclass(frozen=True, slots=True, kw_only=True)
class Draft:
    """Everything drafted from one article; render it with `bot.draft.render`."""

    article: ArticleText
    quotes: tuple[DraftQuote, ...]
    actors: tuple[DraftActor, ...]  # every actor the quotes and events name, known or new
    events: tuple[DraftEvent, ...]
    parser: str  # which French pipeline read it, or why none did

    @property
    def new_actors(self) -> tuple[DraftActor, ...]:
        return tuple(a for a in self.actors if a.new)

    def summary(self) -> str:
        """One line for a person or a chat reply: "5 quotes, 2 new actors, 3 events"."""
        quotes, new, events = len(self.quotes), len(self.new_actors), len(self.events)
        return (
            f"{quotes} quote{'s' * (quotes != 1)}, {new} new actor{'s' * (new != 1)}, "
            f"{events} event{'s' * (events != 1)}"
        )
