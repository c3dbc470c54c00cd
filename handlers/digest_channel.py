"""/digest's subcommands: a channel's subscription to the daily digest (subscribe,
unsubscribe, status, now, resume), through the digest's state the root hands the command.

Each acts on the digest of the dossier the channel follows; a channel that followed another
dossier before keeps that one's subscription until it is unsubscribed there (`/digest
status` lists it).
"""

from __future__ import annotations

import logging

from bot.core import Context
from bot.delivery import Team
from bot.digest.hub import DigestHub
from bot.digest.records import Delivery, Subscription
from bot.digest.when import (
    Schedule,
    default_schedule,
    read_subscribe_words,
    suggest_time_zones,
)
from bot.errors import DatabaseUnavailable, UsageError
from bot.i18n import format_day, format_weekdays, format_when
from bot.platform_names import PLATFORMS
from bot.reply import Field, Item, Reply, ReplyKind
from bot.schedule_words import ScheduleError

log = logging.getLogger("dispute_bot.digest")
_CHANGES = ("subscribe", "unsubscribe", "now", "resume")


def run_action(ctx: Context, hub: DigestHub, action: str, words: list[str]) -> Reply:
    """Run a subcommand (`action`, already read) with the words after it."""
    if ctx.platform not in PLATFORMS or not ctx.request.channel:
        raise UsageError(ctx.t("digest.console"))
    if action in _CHANGES and not ctx.may_manage_digest:
        raise UsageError(ctx.t(f"digest.not_allowed.{ctx.platform}"))
    try:
        if action == "subscribe":
            return _subscribe(ctx, hub, words)
        if action == "unsubscribe":
            return _unsubscribe(ctx, hub)
        if action == "status":
            return _status(ctx, hub)
        if action == "now":
            return _now(ctx, hub)
        return _resume(ctx, hub)
    except DatabaseUnavailable as exc:  # unreachable, not answering, read-only, full
        log.info("/digest %s: %s", action, exc)
        return _answer(ctx, ctx.t("digest.store_down"), kind=ReplyKind.ERROR)


def _answer(ctx: Context, text: str, *, kind: ReplyKind = ReplyKind.OK) -> Reply:
    return Reply(
        command="digest",
        kind=kind,
        title=ctx.t("digest.status.title"),
        text=text,
        locale=ctx.locale,
    )


def _team(ctx: Context) -> Team | None:
    """The workspace the command came from, which the channel's digest posts in."""
    request = ctx.request
    if not request.team and not request.enterprise:
        return None
    return Team(team_id=request.team or None, enterprise_id=request.enterprise or None)


def _language(ctx: Context, locale: str) -> str:
    return ctx.t(f"digest.language.{locale}")


def _schedule_values(ctx: Context, schedule: Schedule, locale: str) -> dict[str, str]:
    return {
        "time": schedule.time_text,
        "zone": schedule.zone,
        "days": format_weekdays(schedule.weekdays, ctx.locale),
        "language": _language(ctx, locale),
    }


def _next_text(ctx: Context, hub: DigestHub, schedule: Schedule) -> str:
    upcoming = schedule.next_after(hub.clock())
    return format_when(upcoming.at.astimezone(schedule.tz), schedule.zone, ctx.locale)


def _subscribe(ctx: Context, hub: DigestHub, words: list[str]) -> Reply:
    default = default_schedule(ctx.settings)
    try:
        asked = read_subscribe_words(words, default=default)
    except ScheduleError as exc:
        text = ctx.t(f"digest.{exc.key}", **exc.values)
        if exc.key == "unknown_zone" and (close := suggest_time_zones(exc.values["value"])):
            text += " " + ctx.t("did_you_mean", options=", ".join(close))
        raise UsageError(text) from exc
    platform, channel, dossier = ctx.platform, ctx.request.channel, ctx.dossier_name
    store = hub.store
    existing = store.subscription(platform, channel, dossier)
    if existing is not None and existing.source == "config":
        raise UsageError(ctx.t("digest.config_managed"))
    locale = asked.locale or (existing.locale if existing else ctx.locale)
    store.save_subscription(
        Subscription(
            platform=platform,
            channel=channel,
            dossier=dossier,
            schedule=asked.schedule,
            locale=locale,
            source="command",
            changed_by=ctx.request.user,
            effective_from=hub.clock(),
            team=_team(ctx),
        )
    )
    hub.subscriptions_changed()
    key = "digest.updated" if existing else "digest.subscribed"
    text = _of_dossier(ctx) + ctx.t(key, **_schedule_values(ctx, asked.schedule, locale))
    text += " " + ctx.t("digest.next", when=_next_text(ctx, hub, asked.schedule))
    return _answer(ctx, text)


def _of_dossier(ctx: Context) -> str:
    """Which dossier's digest, said where the deployment has several."""
    library = ctx.library
    if library is None or len(library.names()) < 2:
        return ""
    title = library.title(ctx.dossier_name, ctx.locale)
    return ctx.t("digest.of_dossier", title=title) + " "


def _unsubscribe(ctx: Context, hub: DigestHub) -> Reply:
    store = hub.store
    key = (ctx.platform, ctx.request.channel, ctx.dossier_name)
    existing = store.subscription(*key)
    if existing is None:
        return _answer(ctx, _of_dossier(ctx) + ctx.t("digest.not_subscribed"), kind=ReplyKind.EMPTY)
    if existing.source == "config":
        raise UsageError(ctx.t("digest.config_managed"))
    store.remove_subscription(*key)
    hub.subscriptions_changed()
    return _answer(ctx, _of_dossier(ctx) + ctx.t("digest.unsubscribed"))


def _delivery_text(ctx: Context, row: Delivery) -> str:
    date = format_day(row.local_date, ctx.locale)
    if row.status in ("claimed", "sending"):  # held by a replica: no request out, or one
        key = "digest.delivery.retrying" if row.error else "digest.delivery.claimed"
        return ctx.t(key, date=date, attempts=row.attempts, error=row.error or "")
    return ctx.t(f"digest.delivery.{row.status}", date=date, error=row.error or "")


def _others(ctx: Context, subs: list[Subscription]) -> str:
    """The channel's subscriptions to other dossiers than the one it follows."""
    library = ctx.library
    others = [s for s in subs if s.dossier != ctx.dossier_name]
    if not others or library is None:
        return ""
    titles = ", ".join(library.title(s.dossier, ctx.locale) for s in others)
    return ctx.t("digest.status.others", n=len(others), titles=titles)


def _status(ctx: Context, hub: DigestHub) -> Reply:
    store = hub.store
    key = (ctx.platform, ctx.request.channel, ctx.dossier_name)
    subs = store.channel_subscriptions(ctx.platform, ctx.request.channel)
    sub = next((s for s in subs if s.dossier == ctx.dossier_name), None)
    others = _others(ctx, subs)
    if sub is None:
        text = f"{_of_dossier(ctx)}{ctx.t('digest.not_subscribed')} {others}".strip()
        return _answer(ctx, text, kind=ReplyKind.EMPTY)
    schedule = sub.schedule
    values = _schedule_values(ctx, schedule, sub.locale)
    summary = ctx.t("digest.status.schedule_value", **values)
    fields: list[Field] = []
    if sub.paused:
        since = (sub.paused_at or hub.clock()).astimezone(schedule.tz)
        fields.append(
            Field(
                name=ctx.t("digest.status.paused"),
                value=ctx.t(
                    "digest.status.paused_value",
                    when=format_when(since, schedule.zone, ctx.locale),
                    reason=sub.paused_reason or "",
                ),
                inline=False,
            )
        )
    else:
        fields.append(Field(name=ctx.t("digest.status.next"), value=_next_text(ctx, hub, schedule)))
    last = store.last_post(*key)
    if last is None:
        last_text = ctx.t("digest.status.last_none")
    else:
        last_text = ctx.t(
            "digest.status.last_value",
            when=format_when(last.posted_at.astimezone(schedule.tz), schedule.zone, ctx.locale),
            message=last.message_id,
        )
    fields.append(Field(name=ctx.t("digest.status.last"), value=last_text))
    row = store.last_delivery(*key)
    if row is not None:
        fields.append(
            Field(
                name=ctx.t("digest.status.scheduled"),
                value=_delivery_text(ctx, row),
                inline=False,
            )
        )
    if sub.source == "config":
        fields.append(
            Field(
                name=ctx.t("digest.status.managed"),
                value=ctx.t("digest.status.managed_value"),
            )
        )
    return Reply(
        command="digest",
        kind=ReplyKind.OK,
        title=ctx.t("digest.status.title"),
        text=f"{_of_dossier(ctx)}{others}".strip(),
        items=(Item(title=summary, fields=tuple(fields)),),
        locale=ctx.locale,
    )


def _now(ctx: Context, hub: DigestHub) -> Reply:
    service = hub.service
    if service is None:
        return _answer(ctx, ctx.t("digest.no_service"), kind=ReplyKind.ERROR)
    if not service.can_post(ctx.platform):
        return _answer(ctx, ctx.t("digest.no_poster", platform=ctx.platform), kind=ReplyKind.ERROR)
    sub = hub.store.subscription(ctx.platform, ctx.request.channel, ctx.dossier_name)
    schedule = sub.schedule if sub else default_schedule(ctx.settings)
    locale = sub.locale if sub else ctx.locale
    day = hub.clock().astimezone(schedule.tz).date()
    service.post_now(
        platform=ctx.platform,
        channel=ctx.request.channel,
        dossier=ctx.dossier_name,
        locale=locale,
        day=day,
        team=_team(ctx) or (sub.team if sub else None),
    )
    return _answer(ctx, ctx.t("digest.now_posting", date=format_day(day, ctx.locale)))


def _resume(ctx: Context, hub: DigestHub) -> Reply:
    store = hub.store
    key = (ctx.platform, ctx.request.channel, ctx.dossier_name)
    sub = store.subscription(*key)
    if sub is None:
        return _answer(ctx, _of_dossier(ctx) + ctx.t("digest.not_subscribed"), kind=ReplyKind.EMPTY)
    if not store.resume(*key, now=hub.clock(), team=_team(ctx)):
        return _answer(ctx, ctx.t("digest.not_paused"), kind=ReplyKind.EMPTY)
    hub.subscriptions_changed()
    values = _schedule_values(ctx, sub.schedule, sub.locale)
    text = ctx.t("digest.resumed", **values)
    text += " " + ctx.t("digest.next", when=_next_text(ctx, hub, sub.schedule))
    return _answer(ctx, text)
