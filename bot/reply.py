"""Platform-neutral replies: what a handler returns and every platform renders."""

from __future__ import annotations

from enum import Enum, StrEnum
from typing import Any

from msgspec import Struct

from bot.record import Record


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


class Source(Record, frozen=True, kw_only=True):
    """An article the reply cites."""

    article_id: str
    title: str
    date: str  # ISO date of publication
    credit: str = "AFP"

    @property
    def label(self) -> str:
        """`AFP, 2026-02-25: title`, as every platform cites it."""
        return f"{self.credit}, {self.date}: {self.title}"


class Field(Record, frozen=True, kw_only=True):
    name: str
    value: str
    inline: bool = True


class Item(Record, frozen=True, kw_only=True):
    """One quote, event, position or article in a reply."""

    title: str
    body: str = ""
    quote: str | None = None  # original text, shown verbatim as a quotation
    translation: str | None = None
    # The reporter's own sentences ("AFP reports: …"): plain paragraphs, never in « ».
    notes: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    sources: tuple[Source, ...] = ()
    # The dossier records the item shows, in order ("quote:trump-order", "event:ultimatum",
    # "position:hegseth/sanctions"); platforms do not show them, tests and scripts read them.
    refs: tuple[str, ...] = ()
    # In a reply of lines: the numbers of the source notes it cites (1: the reply's first).
    cites: tuple[int, ...] = ()


class Attachment(Record, frozen=True, kw_only=True):
    """A file: handed to a command (an article to draft) or sent with its reply (the draft).

    Each platform carries it its own way: Slack uploads it, Discord attaches it to the
    answer, the console prints it.
    """

    name: str  # a file name, no folder
    media_type: str  # "text/yaml", "text/plain"
    data: bytes  # not in its repr
    # The file's size as its platform declared it, when `data` holds less: a shell fetches
    # no more of a file than its command takes, and passes on how big the file was.
    declared_size: int = 0

    @property
    def size(self) -> int:
        return max(self.declared_size, len(self.data))

    def __repr__(self) -> str:  # without the file's content
        return (
            f"Attachment(name={self.name!r}, media_type={self.media_type!r}, "
            f"declared_size={self.declared_size!r})"
        )


class Page(Record, frozen=True, kw_only=True):
    number: int  # 1-based
    count: int
    # The command line that shows the previous/next page, for buttons.
    previous: str | None = None
    next: str | None = None
    line: str = ""  # the answer's command line without its page: `/quote trump`

    def at(self, number: int) -> str | None:
        """The command line that shows page `number` of the answer (`/quote trump page 3`):
        what the buttons run, and the console's `next` or `page 3`."""
        return f"{self.line} page {number}" if self.line else None


class Reply(Record, frozen=True, kw_only=True):
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
    attachments: tuple[Attachment, ...] = ()  # files sent with the reply (a draft to review)
    # Who sees it where the platform lets the bot choose: ephemeral (the caller) or public;
    # the core sets it from the team's settings or the deployment's.
    visibility: str = "ephemeral"
    layout: Layout = Layout.CARDS

    @property
    def ok(self) -> bool:
        return self.kind is ReplyKind.OK


def note_marks(item: Item) -> str:
    """`[1][2]`: the source notes an item of a reply of lines cites."""
    return "".join(f"[{number}]" for number in item.cites)


def source_notes(reply: Reply) -> list[str]:
    """`[1] AFP, 2026-02-25: title`, for each source of a reply of lines."""
    return [f"[{number}] {source.label}" for number, source in enumerate(reply.sources, 1)]


def plain(value: Any) -> Any:
    """A reply (or any part of it) as JSON's types, field by field in their order: what
    `ask --format json` prints and the stdin shell sends; a file's content as text."""
    if isinstance(value, Struct):
        return {name: plain(getattr(value, name)) for name in value.__struct_fields__}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
