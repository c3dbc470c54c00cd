"""/list and /use: the deployment's dossiers, and the one a channel follows.

/list shows every dossier with its title, which one this channel follows and which is the
default; /use NAME (the channel's admins) makes the channel follow another, stored through
the preferences the root hands `use_command`. /use with no name lists them too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core import Args, Command, Context, Option, slash_of
from bot.errors import DatabaseUnavailable, UsageError
from bot.i18n import every_language
from bot.library import Library
from bot.matching.folding import fold
from bot.matching.names import best_command
from bot.platform_names import PLATFORMS
from bot.reply import Field, Item, Reply, ReplyKind

if TYPE_CHECKING:
    from bot.preferences.lookup import Preferences


def _library(ctx: Context) -> Library:
    assert ctx.library is not None, "the core gives every context its library"
    return ctx.library


def use_line(ctx: Context, name: str = "NAME") -> str:
    """How an admin switches on this platform: `/dispute use NAME` or `/use NAME`."""
    command = ctx.commands.get("use")
    if ctx.platform in PLATFORMS and command is not None:
        return f"{slash_of(ctx, command)} {name}"
    return f"dispute-bot ask --dossier {name} LINE"


def list_dossiers(ctx: Context, args: Args) -> Reply:
    library = _library(ctx)
    followed = ctx.dossier_name or library.default
    in_channel = ctx.platform in PLATFORMS and bool(ctx.request.channel)
    items = []
    for name in library.names():
        marks = []
        if name == followed:
            marks.append(ctx.t("dossiers.followed" if in_channel else "dossiers.answering"))
        if name == library.default:
            marks.append(ctx.t("dossiers.default"))
        problems = library.problems(name)
        if problems and library.get(name) is None:
            marks.append(ctx.t("dossiers.refused", n=len(problems)))
        elif problems:
            marks.append(ctx.t("dossiers.stale", n=len(problems)))
        fields = (Field(name=ctx.t("dossiers.name"), value=name),)
        items.append(
            Item(title=library.title(name, ctx.locale), body=" · ".join(marks), fields=fields)
        )
    if in_channel:
        lead = ctx.t("dossiers.this_channel", title=library.title(followed, ctx.locale))
    else:
        lead = ctx.t("dossiers.here", title=library.title(followed, ctx.locale))
    if len(items) > 1:
        how = "dossiers.how_to_switch" if in_channel else "dossiers.how_to_ask"
        lead += " " + ctx.t(how, line=use_line(ctx))
    if not ctx.place.known:
        lead += " " + ctx.t("dossiers.database_down")
    return Reply(
        command="list",
        kind=ReplyKind.OK,
        title=ctx.t("dossiers.title"),
        text=lead,
        items=tuple(items),
        locale=ctx.locale,
    )


def find_dossier(library: Library, typed: str) -> str | None:
    """The dossier a typed name means: its exact name, or the same name folded."""
    wanted = typed.strip().lower()
    if wanted in library.names():
        return wanted
    folded = fold(typed)
    return next((n for n in library.names() if fold(n) == folded), None)


def use(ctx: Context, args: Args, preferences: Preferences) -> Reply:
    if not args.text:
        return list_dossiers(ctx, args)
    library = _library(ctx)
    if ctx.platform not in PLATFORMS or not ctx.request.channel:
        raise UsageError(ctx.t("use.console", line=use_line(ctx)))
    if not ctx.request.can_manage:
        raise UsageError(ctx.t(f"use.not_allowed.{ctx.platform}"))
    name = find_dossier(library, args.text)
    if name is None:
        typed = args.text[:40]
        text = ctx.t("dossier.unknown", name=typed, names=", ".join(library.names()))
        guess = best_command(typed, library.names())
        if guess:
            text += " " + ctx.t("did_you_mean", options=guess)
        raise UsageError(text)
    title = library.title(name, ctx.locale)
    if library.get(name) is None:
        raise UsageError(ctx.t("use.refused", name=name))
    if name == ctx.dossier_name and ctx.place.known:
        return _answer(ctx, ctx.t("use.already", title=title, name=name))
    try:
        preferences.follow(ctx.request, name)
    except DatabaseUnavailable:
        text = ctx.t("use.database_down", title=library.title(ctx.dossier_name, ctx.locale))
        return _answer(ctx, text, kind=ReplyKind.ERROR)
    return _answer(ctx, ctx.t("use.done", title=title, name=name))


def _answer(ctx: Context, text: str, *, kind: ReplyKind = ReplyKind.OK) -> Reply:
    return Reply(
        command="use", kind=kind, title=ctx.t("dossiers.title"), text=text, locale=ctx.locale
    )


LIST = Command(
    name="list",
    summary=every_language("summary.list"),
    usage="/list",
    examples=("/list",),
    umbrella_only=True,
    reads_dossier=False,
    run=list_dossiers,
)


def use_command(preferences: Preferences) -> Command:
    """/use, storing a channel's choice through `preferences` (the root's)."""
    return Command(
        name="use",
        summary=every_language("summary.use"),
        usage="/use [NAME]",
        examples=("/use", "/use anthropic-pentagon-2026"),
        options=(
            Option(
                name="dossier", description=every_language("option.use.dossier"), kind="dossier"
            ),
        ),
        admin=True,
        reads_dossier=False,
        acts=True,
        run=lambda ctx, args: use(ctx, args, preferences),
    )
