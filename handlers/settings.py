"""/settings: a team's own reply language, reply visibility and digest managers.

A Slack workspace or a Discord server may differ from the config (the default): `/settings`
shows its settings, `/settings language fr`, `/settings replies public` and
`/settings managers everyone` (or user ids, or `admins`) change one, `default` goes back to
the config's. Changing one is for the team's admins (Manage Server on Discord, the
configured admins on Slack); each change is answered with what changed, in the language the
team now reads.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bot.core import Args, Command, Context, Option
from bot.errors import DatabaseUnavailable, UsageError
from bot.i18n import LANGUAGE_WORDS, every_language, t
from bot.matching.folding import fold
from bot.platform_names import PLATFORMS
from bot.reply import Field, Item, Reply, ReplyKind

if TYPE_CHECKING:
    from bot.preferences.lookup import Preferences
    from bot.preferences.store import TeamSettings

MAX_MANAGERS = 50

# What people type -> the stored setting, in English and French.
_SETTINGS = {
    "language": "locale",
    "langue": "locale",
    "locale": "locale",
    "replies": "visibility",
    "reponses": "visibility",
    "visibility": "visibility",
    "visibilite": "visibility",
    "managers": "managers",
    "gestionnaires": "managers",
}
_DEFAULT = ("default", "defaut", "config")
_VISIBILITY = {
    "ephemeral": "ephemeral",
    "private": "ephemeral",
    "privees": "ephemeral",
    "privee": "ephemeral",
    "ephemeres": "ephemeral",
    "public": "public",
    "publiques": "public",
    "publique": "public",
}
_EVERYONE = ("everyone", "all", "tous", "tout le monde")
_ADMINS = ("admins", "administrators", "administrateurs")
# A user as typed or pasted: <@U0123ABC>, <@U0123ABC|name>, <@!123...>, or the bare id.
_USER = re.compile(r"^<@!?([A-Z0-9]{2,32})(?:\|[^>]*)?>$|^([UW][A-Z0-9]{2,31}|\d{5,25})$")


def _team_word(ctx: Context) -> str:
    return ctx.t(f"settings.team.{ctx.platform}")


def _value_text(ctx: Context, setting: str, value: str | None, locale: str) -> str:
    """A setting's value as the team reads it, `(default)` when it is the config's."""
    shown = value
    if shown is None:
        shown = {
            "locale": ctx.settings.locale,
            "visibility": ctx.settings.reply_visibility,
            "managers": "",
        }[setting]
    if setting == "locale":
        text = t(locale, f"digest.language.{shown}")
    elif setting == "visibility":
        text = t(locale, f"settings.visibility.{shown}")
    elif shown == "everyone":
        text = t(locale, "settings.managers.everyone")
    elif shown:
        text = t(locale, "settings.managers.listed", users=", ".join(shown.split()))
    else:
        text = t(locale, "settings.managers.admins")
    return text + (" " + t(locale, "settings.default_mark") if value is None else "")


def _show(ctx: Context, own: TeamSettings) -> Reply:
    fields = tuple(
        Field(
            name=ctx.t(f"settings.name.{setting}"),
            value=_value_text(ctx, setting, getattr(own, setting), ctx.locale),
            inline=False,
        )
        for setting in ("locale", "visibility", "managers")
    )
    return Reply(
        command="settings",
        kind=ReplyKind.OK,
        title=ctx.t("settings.title", team=_team_word(ctx)),
        text=ctx.t("settings.how"),
        items=(Item(title=ctx.t("settings.these", team=_team_word(ctx)), fields=fields),),
        locale=ctx.locale,
    )


def _read_value(ctx: Context, setting: str, words: list[str]) -> str | None:
    """The value typed for `setting`; None for the config's. UsageError when unreadable."""
    typed = fold(" ".join(words))
    if not typed:
        raise UsageError(ctx.t(f"settings.which.{setting}"))
    if typed in _DEFAULT:
        return None
    if setting == "locale":
        if typed not in LANGUAGE_WORDS:
            raise UsageError(ctx.t("settings.which.locale"))
        return LANGUAGE_WORDS[typed]
    if setting == "visibility":
        if typed not in _VISIBILITY:
            raise UsageError(ctx.t("settings.which.visibility"))
        return _VISIBILITY[typed]
    if typed in _EVERYONE:
        return "everyone"
    if typed in _ADMINS:
        return None
    users: list[str] = []
    for word in words:
        found = _USER.match(word.strip(",").upper() if not word.startswith("<") else word)
        if found is None:
            raise UsageError(ctx.t("settings.not_a_user", value=word[:40]))
        user = found[1] or found[2]
        if user not in users:
            users.append(user)
    if len(users) > MAX_MANAGERS:
        raise UsageError(ctx.t("settings.too_many", n=MAX_MANAGERS))
    return " ".join(users)


def settings(ctx: Context, args: Args, preferences: Preferences) -> Reply:
    if ctx.platform not in PLATFORMS or not ctx.request.team:
        raise UsageError(ctx.t("settings.no_team"))
    words = args.text.split()
    try:
        if not words:
            return _show(ctx, preferences.team(ctx.request))
        setting = _SETTINGS.get(fold(words[0]).replace(" ", ""))
        if setting is None:
            raise UsageError(ctx.t("settings.unknown", value=words[0][:40]))
        if not ctx.request.can_configure:
            raise UsageError(ctx.t(f"settings.not_allowed.{ctx.platform}"))
        value = _read_value(ctx, setting, words[1:])
        before = preferences.team(ctx.request)
        after = preferences.change_team(ctx.request, setting, value)
    except DatabaseUnavailable:
        return Reply(
            command="settings",
            kind=ReplyKind.ERROR,
            title=ctx.t("settings.title", team=_team_word(ctx)),
            text=ctx.t("settings.database_down"),
            locale=ctx.locale,
        )
    # Said in the language the team reads from now on.
    locale = (after.locale or ctx.settings.locale) if setting == "locale" else ctx.locale
    text = t(
        locale,
        f"settings.changed.{setting}",
        team=t(locale, f"settings.team.{ctx.platform}"),
        value=_value_text(ctx, setting, getattr(after, setting), locale),
        before=_value_text(ctx, setting, getattr(before, setting), locale),
    )
    return Reply(
        command="settings",
        kind=ReplyKind.OK,
        title=t(locale, "settings.title", team=t(locale, f"settings.team.{ctx.platform}")),
        text=text,
        locale=locale,
    )


def settings_command(preferences: Preferences) -> Command:
    """/settings, reading and changing the team's settings through `preferences`."""
    return Command(
        name="settings",
        summary=every_language("summary.settings"),
        usage="/settings [language en|fr | replies ephemeral|public | managers everyone|admins|"
        "USER... ] (or default)",
        examples=(
            "/settings",
            "/settings language fr",
            "/settings replies public",
            "/settings managers everyone",
        ),
        options=(
            Option(
                name="setting",
                description=every_language("option.settings.setting"),
                kind="setting",
            ),
            Option(name="value", description=every_language("option.settings.value")),
        ),
        admin=True,
        team_admin=True,
        reads_dossier=False,
        acts=True,
        run=lambda ctx, args: settings(ctx, args, preferences),
    )
