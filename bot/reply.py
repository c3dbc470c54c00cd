"""Platform-neutral replies: what a handler returns and every platform renders."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Layout(StrEnum):
    """How a reply's items are laid out: each on its own, or each on one line."""

    CARDS = "cards"  # a title, its text and quote, and its fields (sources among them)
    # One line per item (title, text and note numbers), the sources once, as numbered notes
    # under the lines: a whole timeline in one message.
    LINES = "lines"


class ReplyKind(StrEnum):
    OK = "ok"
    EMPTY = "empty"  # nothing matched; suggestions say what might have been meant
    USAGE = "usage"  # the request could not be understood
    ERROR = "error"  # a handler failed; the user sees a short apology


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """An article the reply cites."""

    article_id: str
    title: str
    date: str  # ISO date of publication
    credit: str = "AFP"


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Item:
    """One quote, event, position or article in a reply."""

    title: str
    body: str = ""
    quote: str | None = None  # original text, shown verbatim as a quotation
    translation: str | None = None
    fields: tuple[Field, ...] = ()
    sources: tuple[Source, ...] = ()
    # The dossier record the item shows (`quote:<id>`, `event:<id>`, `position:<actor>/<issue>`,
    # `issue:<id>`), for scripts reading `ask --format json`; platforms do not show it.
    ref: str = ""
    # In a reply of lines: the numbers of the notes (1 is the reply's first source) it cites.
    notes: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Page:
    number: int  # 1-based
    count: int
    # The command line that shows the previous/next page, for buttons.
    previous: str | None = None
    next: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    command: str
    kind: ReplyKind
    title: str
    text: str = ""  # a lead paragraph (the empty-result message, an intro, a usage hint)
    items: tuple[Item, ...] = ()
    suggestions: tuple[str, ...] = ()  # "did you mean ..." command lines
    page: Page | None = None
    sources: tuple[Source, ...] = ()  # every source cited by the items, once each
    locale: str = "en"
    footer: str = ""
    layout: Layout = Layout.CARDS

    @property
    def ok(self) -> bool:
        return self.kind is ReplyKind.OK


def note_marks(item: Item) -> str:
    """`[1][2]`: the notes an item of a reply of lines cites."""
    return "".join(f"[{number}]" for number in item.notes)


def notes(reply: Reply) -> list[str]:
    """`[1] AFP, 2026-02-25: title`, for each source of a reply of lines."""
    return [
        f"[{number}] {source.credit}, {source.date}: {source.title}"
        for number, source in enumerate(reply.sources, 1)
    ]
