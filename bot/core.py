"""The core: turns a request (a command line) into a Reply, whatever the platform.

Platforms call `Core.handle`; it never raises. A handler's exception is logged with its
traceback and answered with a short apology, so nothing a user types can stop the bot.
Each request is answered from its channel's dossier, in its team's language and with its
team's visibility, as the `Place` the root's lookup finds for it says; a request from no
channel (the console, `dispute-bot ask`) is answered from the default dossier, and nothing
is looked up.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import shlex
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from msgspec import field, structs

from bot.config import LOCALES, Settings
from bot.date_rules import iso_at
from bot.dossier import Dossier
from bot.errors import UsageError
from bot.i18n import t
from bot.library import Library
from bot.matching.folding import MAX_QUERY_CHARS, STOPWORDS, fold, words
from bot.matching.names import Match, Span, best_command
from bot.record import Record
from bot.reply import Attachment, Item, Layout, Page, Reply, ReplyKind, Source

if TYPE_CHECKING:  # bot.dates is read when a date may be asked for: `ask /quote` skips it
    from bot.dates import Frame, When

log = logging.getLogger("dispute_bot.core")
MAX_NAME_ECHO = 40  # characters of an unknown command's name said back to the user
TEAM_SETTINGS = ("language", "replies", "managers")  # what /settings changes, as typed
# Signs that ask for the help, as a command of their own.
HELP_SIGNS = {"?": "help"}
# The most a platform fetches of a file handed to a command, and the most text a command
# that takes text (an article pasted after /draft) reads: a news article is a few kilobytes.
MAX_ATTACHMENT_BYTES = 200_000
_COMMAND_WORD = re.compile(r"(\S*)\s*(.*)", re.DOTALL)


class Request(Record, frozen=True, kw_only=True):
    command: str  # without the slash: "quote"
    args: str = ""
    locale: str | None = None  # the user's locale where the platform knows it
    platform: str = "console"
    user: str = ""
    channel: str = ""
    team: str = ""  # the Slack workspace or Discord server ("" in a DM or the console)
    # Whether the user may change this channel's settings (its dossier, digest
    # subscriptions); the platform decides: Manage Channels on Discord, the configured
    # admins on Slack.
    can_manage: bool = False
    # Whether the user may change the team's settings: Manage Server on Discord, the
    # configured admins on Slack.
    can_configure: bool = False
    # Whether the user runs this deployment (operator commands act on all of it: /reload,
    # /draft); the platform decides from the configured operators (docs/operations.md).
    is_operator: bool = False
    dossier: str = ""  # a dossier asked for by name (`dispute-bot ask --dossier`)
    # On Slack, the Enterprise Grid org of the workspace (`team`): a digest subscribed here
    # posts with that workspace's token.
    enterprise: str = ""
    # A file handed over with the command (an article to draft), fetched by the platform.
    attachment: Attachment | None = None

    @classmethod
    def parse(cls, line: str, **context: Any) -> Request:
        """`/quote trump woke` → Request(command="quote", args="trump woke").

        The command ends at the first space or line break, so a text pasted on the lines
        after `draft` is its argument, line breaks kept.
        """
        text = line.strip()
        if text.startswith("/"):
            text = text[1:]
        match = _COMMAND_WORD.match(text)
        command, args = (match[1], match[2]) if match else ("", "")
        return cls(command=command.lower(), args=args.strip(), **context)


class Choice(Record, frozen=True, kw_only=True):
    """An autocomplete choice: what the user sees and what the option receives."""

    name: str
    value: str


class Place(Record, frozen=True, kw_only=True):
    """What the bot's state database says about where a request comes from: the dossier its
    channel follows and its team's settings ("" or None: the deployment's defaults)."""

    dossier: str = ""
    locale: str = ""
    visibility: str = ""  # ephemeral | public
    # Who may manage the team's digest subscriptions besides its admins: "" (nobody else),
    # "everyone", or user ids separated by spaces.
    managers: str = ""
    known: bool = True  # False: the database did not answer, so these are the defaults

    def lets_manage(self, user: str) -> bool:
        return self.managers == "everyone" or (bool(user) and user in self.managers.split())


class PlaceLookup(Protocol):
    """Finds a request's Place; `fresh` asks for the database's word, not a recent copy.
    Never raises: Place(known=False) when the database cannot say."""

    def __call__(self, request: Request, *, fresh: bool) -> Place: ...


class Context(Record, frozen=True, kw_only=True):
    """What a handler may read: the dossier, the settings, the locale and today's date."""

    dossier: Dossier
    settings: Settings
    locale: str
    today: dt.date
    request: Request
    # The commands the core answers, by name (/help lists them).
    commands: Mapping[str, Command] = field(default_factory=dict)
    # Every dossier of the deployment, and the name of the one answering (`dossier`).
    library: Library | None = None
    dossier_name: str = ""
    place: Place = field(default_factory=Place)

    def __repr__(self) -> str:
        """Short: the request and where it is answered, never the dossier, the settings, the
        commands or the library whole."""
        return (
            f"Context(request={self.request!r}, dossier_name={self.dossier_name!r}, "
            f"locale={self.locale!r}, today={self.today!r}, place={self.place!r})"
        )

    @property
    def platform(self) -> str:
        return self.request.platform

    @property
    def may_manage_digest(self) -> bool:
        """The channel's admins, and whoever the team's settings name as managers."""
        return self.request.can_manage or self.place.lets_manage(self.request.user)

    def t(self, key: str, **values: object) -> str:
        return t(self.locale, key, **values)

    def source(self, article_id: str) -> Source:
        article = self.dossier.corpus.article_by_id[article_id]
        return Source(
            article_id=article.id,
            title=article.title,
            date=article.date.isoformat(),
            credit=article.credit,
        )


class Option(Record, frozen=True, kw_only=True):
    """A command option, as native slash commands show it."""

    name: str
    description: dict[str, str]  # locale -> one line (bot.i18n.every_language)
    kind: str = "text"  # text | speaker | actor | issue | subject | date | command | page
    required: bool = False


class Command(Record, frozen=True, kw_only=True):
    name: str
    summary: dict[str, str]  # locale -> one line
    usage: str
    examples: tuple[str, ...]
    options: tuple[Option, ...] = ()
    # Other words people type for it (`/chronologie`), offered as the command they meant.
    words: tuple[str, ...] = ()
    # Only for users who may manage the channel (Request.can_manage); platforms may hide it.
    admin: bool = False
    # Only for users who may change the team's settings (Request.can_configure).
    team_admin: bool = False
    # Only for the deployment's operators (Request.is_operator): it acts on the whole
    # deployment (/reload) or costs much of it (/draft), so no channel or team admin suffices.
    operator: bool = False
    # Slack: reached as `/dispute <name>` only, its name being too common for a slash command
    # of its own (/list).
    umbrella_only: bool = False
    # Whether its answer comes from the channel's dossier (and says so when that dossier
    # could not be used); /help, /list, /settings do not.
    reads_dossier: bool = True
    # Its argument is a text handed over (an article pasted after the command): given as
    # typed, line breaks kept, up to MAX_ATTACHMENT_BYTES, rather than parsed as a query.
    takes_text: bool = False
    # It may change something (a subscription, a setting, the dossiers served): the core
    # never runs its suggestions to see whether they lead somewhere (`Core._leading`).
    acts: bool = False
    run: Callable[[Context, Args], Reply]  # not in its repr

    def __repr__(self) -> str:
        fields = (name for name in self.__struct_fields__ if name != "run")
        shown = (f"{name}={getattr(self, name)!r}" for name in fields)
        return f"Command({', '.join(shown)})"


class Args(Record, frozen=True, kw_only=True):
    """A command's arguments: the words, and the page asked for (`page 2`)."""

    text: str
    page: int = 1

    @classmethod
    def parse(cls, text: str) -> Args:
        words = _split(text)
        page = 1
        if len(words) >= 2 and fold(words[-2]) in ("page", "p") and fold(words[-1]) in NUMBERS:
            page, words = NUMBERS[fold(words[-1])], words[:-2]
        elif len(words) >= 2 and fold(words[-2]) in ("page", "p") and _is_number(words[-1]):
            page, words = _page_number(words[-1]), words[:-2]
        elif words and fold(words[-1]).startswith("p") and _is_number(fold(words[-1])[1:]):
            page, words = _page_number(fold(words[-1])[1:]), words[:-1]
        return cls(text=" ".join(words), page=max(page, 1))

    @property
    def words(self) -> list[str]:
        return self.text.split()


# One-line items a page: twenty lines of the dossier's length fit a Discord embed's 4,096
# characters and Slack's 50 blocks, so a timeline of this size is one message everywhere
# (docs/commands.md has the figures).
LINES_PER_PAGE = 20

# Page numbers written as words (`page deux`, `page two`).
NUMBERS = {
    word: number
    for number, names in enumerate(
        (
            "un une one premiere first",
            "deux two deuxieme second",
            "trois three troisieme third",
            "quatre four",
            "cinq five",
            "six",
            "sept seven",
            "huit eight",
            "neuf nine",
            "dix ten",
        ),
        start=1,
    )
    for word in names.split()
}

# No dossier has this many pages; a longer number reads as this one (int() refuses numbers
# of more than 4,300 digits, and each digit costs time before that).
MAX_PAGE = 10_000


def _slash(name: object) -> str:
    """A configured Slack command name as Slack shows it (bot.platforms.slack.commands)."""
    return "/" + str(name).strip().lower().removeprefix("/")


def slash_of(ctx: Context, command: Command) -> str:
    """How the command is typed here. On Slack: its own slash command as `slack_commands`
    names it (`/afp-quote`), or through the umbrella (`/dispute list`) when it has none (an
    admin command, a common name, or one turned off)."""
    if ctx.platform != "slack":
        return f"/{command.name}"
    renames = ctx.settings.slack_commands
    own = renames.get(command.name, command.name)
    if own and not command.admin and not command.umbrella_only:
        return _slash(own)
    return f"{_slash(renames.get('dispute') or 'dispute')} {command.name}"


def _is_number(word: str) -> bool:
    return word.isascii() and word.isdigit()


def _page_number(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    return MAX_PAGE if len(digits) > len(str(MAX_PAGE)) else min(int(digits), MAX_PAGE)


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote mark: take the words as typed
        return text.split()


def paginate(
    ctx: Context,
    *,
    command: str,
    args: Args,
    items: Sequence[Item],
    title: str,
    text: str = "",
    layout: Layout = Layout.CARDS,
    notes: Sequence[Source] = (),
) -> Reply:
    """One page of items, with the command lines that show its neighbours.

    Only the page's slice of `items` is read, so a lazy sequence builds just five items.
    A reply of lines shows LINES_PER_PAGE a page, and `notes`, the sources its items'
    note numbers point to, on every page.
    """
    size = LINES_PER_PAGE if layout is Layout.LINES else ctx.settings.page_size
    count = max(1, -(-len(items) // size))
    number = min(args.page, count)
    lead = text
    if args.page > count:
        lead = f"{ctx.t('bad_page', asked=args.page, count=count)} {text}".strip()
    shown = tuple(items[(number - 1) * size : number * size])
    lines = Page(number=number, count=count, line=f"/{command} {args.text}".strip())
    page = structs.replace(
        lines,
        previous=lines.at(number - 1) if number > 1 else None,
        next=lines.at(number + 1) if number < count else None,
    )
    sources: dict[str, Source] = {s.article_id: s for s in notes}
    if not notes:
        for item in shown:
            for source in item.sources:
                sources.setdefault(source.article_id, source)
    ordered = tuple(sources.values()) if notes else tuple(sorted(sources.values(), key=_date))
    return Reply(
        command=command,
        kind=ReplyKind.OK,
        title=title,
        text=lead,
        items=shown,
        page=page,
        sources=ordered,
        locale=ctx.locale,
        layout=layout,
    )


def _date(source: Source) -> str:
    return source.date


def empty(ctx: Context, *, command: str, title: str, text: str, suggestions: list[str]) -> Reply:
    """Nothing matched: say so briefly, with what might have been meant (`/command words`
    lines). The core runs each suggestion and offers only those that find something."""
    return Reply(
        command=command,
        kind=ReplyKind.EMPTY,
        title=title,
        text=text,
        suggestions=tuple(suggestions),
        locale=ctx.locale,
    )


class Split(Record, frozen=True, kw_only=True):
    """A query split into what it names and the words it looks for (`split_query`)."""

    words: list[str]  # the query's folded words, a date or period taken out
    spans: list[Span]  # the words naming someone or something (a speaker, an actor, an issue)
    keywords: list[str]  # the other words, each once, in order, little words left out
    when: When | None = None  # the date or period, when one was looked for


def split_query(
    text: str, find: Callable[[list[str]], Sequence[Span]], *, frame: Frame | None = None
) -> Split:
    """Split a query the way /quote, /positions and /timeline read it: a date or period first
    (only given the dossier's `frame`: /timeline), then the spans `find` says name someone or
    something among the words left, and the other words as keywords. DateError (bot.dates)
    for a date that cannot be (`30 février`)."""
    when: When | None = None
    if frame is not None:
        from bot.dates import read_when  # read when a date may be asked: `ask /quote` skips it

        when, left = read_when(text, frame)
        text = " ".join(left)
    typed = words(text)
    spans = list(find(typed)) if typed else []
    taken = {n for span in spans for n in range(span.start, span.end)}
    keywords = [w for n, w in enumerate(typed) if n not in taken and w not in STOPWORDS]
    return Split(words=typed, spans=spans, keywords=list(dict.fromkeys(keywords)), when=when)


def only_little_words(ctx: Context, typed: Sequence[str], text: str) -> None:
    """A query of little words alone (`the`, `le`, `a`) would find everything or nothing:
    ask for a name, a date or a word that says something instead."""
    if typed and all(word in STOPWORDS for word in typed):
        raise UsageError(ctx.t("query.too_common", query=text))


def unheard_of(ctx: Context, words: Sequence[str]) -> bool:
    """Whether a query's words are all foreign to the dossier: no quote or event holds any
    of them, in any form, nor a word they could be a slip of. Such words are most often a
    name the dossier does not know (`elon musk`), answered as such, not corrected."""
    dossier = ctx.dossier
    indexes = (dossier.quote_text, dossier.event_text)
    return bool(words) and not any(
        index.corrections(word) or index.suggest_words(word, limit=1)
        for word in words
        for index in indexes
    )


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Answering(Record, frozen=True, kw_only=True):
    """Which dossier answers a request, what its Place is, and what to tell the user about it."""

    name: str
    dossier: Dossier
    place: Place
    notice: str = ""  # why the answer is not from the channel's own dossier, if it is not


class Core:
    """Holds the dossiers and the commands it is given; answers requests.

    The composition root (bot/app.py) builds it with its commands, whatever they reach
    (the digest's state, the dossier reload, the channels' preferences) being given to them
    there, and with the lookup of a request's Place: the core knows nothing above itself.
    """

    def __init__(
        self,
        settings: Settings,
        dossier: Dossier | Library,
        *,
        commands: Iterable[Command],
        clock: Callable[[], dt.datetime] = utc_now,
        places: PlaceLookup | None = None,
        chosen: Callable[[str, str], Iterable[str]] | None = None,
    ) -> None:
        self.settings = settings
        self.library = dossier if isinstance(dossier, Library) else Library.of(dossier)
        self.commands: dict[str, Command] = {c.name: c for c in commands}
        self.clock = clock
        # Where a request's channel and team stand (the root's; None: every one as default).
        self.places = places
        # The dossiers a team's channels chose, by (platform, team) (the root's).
        self.chosen = chosen
        # Called after every reply with (request, reply, seconds); bot.ops.metrics sets it.
        self.observe: Callable[[Request, Reply, float], None] | None = None

    @property
    def dossier(self) -> Dossier:
        """The default dossier (the one a request from no channel is answered from)."""
        return self.library.default_dossier

    def swap(self, dossier: Dossier, name: str | None = None) -> None:
        """Replace a dossier (the default one unless named) in one assignment; a query sees
        the old one or the new one."""
        self.library.swap(name or self.library.default, dossier)

    def dossiers_followed(self, platform: str, team: str) -> list[Dossier]:
        """The dossiers a team follows: the default, and those its channels chose that are
        served (blocking: it may ask the database, which failing leaves the default)."""
        names = [self.library.default]
        if self.chosen is not None and team:
            names += [n for n in self.chosen(platform, team) if n not in names]
        return [d for n in names if (d := self.library.get(n)) is not None]

    def place(self, request: Request, *, fresh: bool = True) -> Place:
        """What the state database says of the request's channel and team; nothing is looked
        up for a request from no channel or team (the console)."""
        if self.places is None or not (request.channel or request.team):
            return Place()
        return self.places(request, fresh=fresh)

    def answering(self, request: Request, *, fresh: bool = True) -> Answering:
        """The dossier that answers `request`: the one it names, else its channel's, else the
        default. UsageError for a name no dossier has."""
        library = self.library
        if request.dossier:
            found = library.get(request.dossier)
            if found is None:
                raise UsageError(self._no_such_dossier(request.dossier, self.locale_for(request)))
            return Answering(name=request.dossier, dossier=found, place=Place())
        place = self.place(request, fresh=fresh)
        chosen = place.dossier or library.default
        found = library.get(chosen)
        if found is not None:
            return Answering(name=chosen, dossier=found, place=place)
        locale = self.locale_for(request, place)
        notice = ""
        if chosen != library.default:
            notice = t(locale, "dossier.unavailable", name=chosen, default=library.default)
        return Answering(
            name=library.default, dossier=library.default_dossier, place=place, notice=notice
        )

    def _no_such_dossier(self, name: str, locale: str) -> str:
        names = self.library.names()
        text = t(locale, "dossier.unknown", name=name[:40], names=", ".join(names))
        return text

    def locale_for(self, request: Request, place: Place | None = None) -> str:
        if place is not None and place.locale:
            return place.locale
        if self.settings.follow_user_locale and request.locale:
            short = request.locale.split("-")[0].lower()
            if short in LOCALES:
                return short
        return self.settings.locale

    def context(self, request: Request, answering: Answering | None = None) -> Context:
        """A handler's context; `answering` says which dossier (default: the request's own)."""
        if answering is None:
            answering = self.answering(request)
        return Context(
            dossier=answering.dossier,
            settings=self.settings,
            locale=self.locale_for(request, answering.place),
            today=self.clock().date(),
            request=request,
            commands=self.commands,
            library=self.library,
            dossier_name=answering.name,
            place=answering.place,
        )

    def context_in(self, name: str, request: Request) -> Context:
        """A context answering from the dossier `name` (the digest's, which knows it): no
        lookup. KeyError when that dossier is not served."""
        dossier = self.library.get(name)
        if dossier is None:
            raise KeyError(name)
        return self.context(request, Answering(name=name, dossier=dossier, place=Place()))

    def handle(self, request: Request) -> Reply:
        """The reply to a request; never raises."""
        started = time.perf_counter()
        reply = self._answer(request)
        seconds = time.perf_counter() - started
        command = self.log_name(request.command)
        log.info(
            "served /%s on %s in %.1f ms",
            command,
            request.platform,
            seconds * 1000,
            extra={
                "platform": request.platform,
                "command": command,
                "outcome": reply.kind.value,
                "latency_ms": round(seconds * 1000, 3),
            },
        )
        if self.observe is not None:
            try:
                self.observe(request, reply, seconds)
            except Exception:
                log.exception("recording metrics failed")
        return reply

    def log_name(self, command: str) -> str:
        """What a log may say of a command: its name when it is one of ours, else "unknown"
        (a name we do not have is what the user typed, and what users type stays private)."""
        name = HELP_SIGNS.get(command, command) or "help"
        return name if name in self.commands else "unknown"

    def _answer(self, request: Request) -> Reply:
        locale = self.locale_for(request)
        place = Place()
        try:
            answering = self.answering(request)
            place = answering.place
            ctx = self.context(request, answering)
            locale = ctx.locale
            command = self.commands.get(HELP_SIGNS.get(request.command, request.command) or "help")
            if command is None:
                reply = self._unknown(ctx, request)
            elif command.operator and not request.is_operator:
                raise UsageError(ctx.t("operator_only", command=slash_of(ctx, command)))
            elif command.takes_text:
                reply = command.run(ctx, Args(text=request.args))
            elif len(request.args) > MAX_QUERY_CHARS:
                raise UsageError(ctx.t("too_long", limit=MAX_QUERY_CHARS))
            else:
                args = request.args
                first, _, rest = args.partition(" ")
                if first.lower() == f"/{command.name}":  # `/quote /quote trump`: typed twice
                    args = rest.strip()
                reply = command.run(ctx, Args.parse(args))
                if isinstance(reply, Reply) and reply.kind is ReplyKind.EMPTY and not command.acts:
                    reply = self._leading(reply, command, ctx)
                if command.reads_dossier:
                    reply = self._with_notice(reply, answering, ctx)
        except UsageError as exc:
            reply = Reply(
                command=request.command,
                kind=ReplyKind.USAGE,
                title=f"/{request.command}",
                text=str(exc),
                locale=locale,
            )
        except Exception:
            log.exception(
                "command failed",
                extra={"command": self.log_name(request.command), "platform": request.platform},
            )
            reply = Reply(
                command=request.command,
                kind=ReplyKind.ERROR,
                title=f"/{request.command}",
                text=t(locale, "error", command=request.command),
                locale=locale,
            )
        visibility = place.visibility or self.settings.reply_visibility
        return structs.replace(reply, visibility=visibility)

    @staticmethod
    def _leading(reply: Reply, command: Command, ctx: Context) -> Reply:
        """An empty answer offers only the suggestions that lead somewhere: each is run (its
        own command, in the same place; no other command is run) and kept if it finds
        something, then said ("Did you mean ...?")."""
        kept = []
        for line in reply.suggestions:
            tried = Request.parse(line)
            if tried.command != command.name:
                continue
            request = structs.replace(ctx.request, command=tried.command, args=tried.args)
            try:
                found = command.run(structs.replace(ctx, request=request), Args.parse(tried.args))
            except UsageError:
                continue
            if found.kind is ReplyKind.OK:
                kept.append(line)
        text = reply.text
        if kept:
            text = f"{text} {ctx.t('did_you_mean', options=', '.join(kept))}"
        return structs.replace(reply, text=text, suggestions=tuple(kept))

    def _with_notice(self, reply: Reply, answering: Answering, ctx: Context) -> Reply:
        """Say briefly why the answer may not be from the channel's dossier: it cannot be
        served now, or the database did not say which one the channel follows."""
        notice = answering.notice
        if not notice and not answering.place.known and len(self.library.names()) > 1:
            notice = ctx.t("dossier.database_down", default=answering.name)
        if not notice:
            return reply
        return structs.replace(reply, text=f"{notice} {reply.text}".strip())

    def handle_line(self, line: str, **context: Any) -> Reply:
        return self.handle(Request.parse(line, **context))

    def _unknown(self, ctx: Context, request: Request) -> Reply:
        """A command we do not have: the one meant, by its name or another word for it
        (`/qoute`, `/citation`), offered with what was typed after it."""
        name = request.command
        known = {word: c.name for c in self.commands.values() for word in (c.name, *c.words)}
        guess = known.get(fold(name)) or known.get(best_command(name, known) or "")
        suggestions = [f"/{guess} {request.args}".strip()] if guess else []
        if len(suggestions[0] if suggestions else "") > MAX_NAME_ECHO + MAX_QUERY_CHARS:
            suggestions = [f"/{guess}"]
        if len(name) > MAX_NAME_ECHO:  # no command is this long: say so briefly
            name = name[: MAX_NAME_ECHO - 1] + "…"
        text = f"{ctx.t('unknown_command', command=name)} {ctx.t('try_help')}"
        if suggestions:
            text = f"{text} {ctx.t('did_you_mean', options=suggestions[0])}"
        return Reply(
            command=name,
            kind=ReplyKind.USAGE,
            title=f"/{name}",
            text=text,
            suggestions=tuple(suggestions),
            locale=ctx.locale,
        )

    def complete(
        self, kind: str, prefix: str, *, limit: int = 25, request: Request | None = None
    ) -> list[Choice]:
        """Autocomplete choices for an option of `kind`, best first (Discord takes 25), from
        the dossier of the request's channel (a recent answer of the database will do)."""
        if kind == "dossier":
            return self._complete_dossiers(prefix, limit, request)
        if kind in ("command", "setting"):
            names = self.commands if kind == "command" else TEAM_SETTINGS
            return [Choice(name=n, value=n) for n in names if n.startswith(fold(prefix))][:limit]
        if request is None:
            dossier = self.dossier
        else:
            try:
                dossier = self.answering(request, fresh=False).dossier
            except UsageError:
                return []
        matches: list[Match]
        if kind == "speaker":
            matches = dossier.speakers.complete(prefix, limit=limit)
        elif kind == "actor":
            matches = dossier.actors.complete(prefix, limit=limit)
        elif kind == "issue":
            matches = dossier.issues.complete(prefix, limit=limit)
        elif kind == "subject":
            both = dossier.actors.complete(prefix, limit=limit) + dossier.issues.complete(
                prefix, limit=limit
            )
            matches = sorted(both, key=lambda m: -m.score)[:limit]
        elif kind == "date":
            return self._complete_dates(dossier, prefix, limit)
        else:
            return []
        return [
            Choice(name=_display(dossier, m)[:100], value=_display(dossier, m)[:100])
            for m in matches
        ]

    def _complete_dossiers(self, prefix: str, limit: int, request: Request | None) -> list[Choice]:
        """The dossiers whose name or title starts with what was typed: `name — title`."""
        typed = fold(prefix)
        locale = self.locale_for(request) if request is not None else self.settings.locale
        choices = []
        for name in self.library.names():
            title = self.library.title(name, locale)
            if not typed or fold(name).startswith(typed) or typed in fold(title):
                label = name if title == name else f"{name} — {title}"
                choices.append(Choice(name=label[:100], value=name))
        return choices[:limit]

    @staticmethod
    def _complete_dates(dossier: Dossier, prefix: str, limit: int) -> list[Choice]:
        seen: dict[str, None] = {}
        for event in dossier.corpus.events:
            seen.setdefault(iso_at(event.date, event.precision))
        typed = prefix.strip()
        return [Choice(name=v, value=v) for v in seen if v.startswith(typed)][:limit]


def _display(dossier: Dossier, match: Match) -> str:
    corpus = dossier.corpus
    if match.target in corpus.actor_by_id:
        # A choice in a list reads without its article: "Department of Defense (Pentagon)".
        return corpus.actor_by_id[match.target].name.en.removeprefix("the ")
    if match.target in corpus.issue_by_id:
        return corpus.issue_by_id[match.target].name.en
    return match.label
