"""/digest: a preview of today's digest, and a channel's subscription to the daily one.

What a digest says is the digest engine's (`bot.digest.compose`); this serves the command.
The subcommands (subscribe, unsubscribe, status, now, resume) are handlers/digest_channel.py,
loaded when one runs (so `ask "/quote trump"` loads no scheduling rule); they reach the
digest's state through the hub the root gives `digest_command`, and the database opens only
then.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from bot.core import Args, Command, Context, Option
from bot.errors import DatabaseUnavailable, UsageError
from bot.i18n import every_language
from bot.matching.folding import fold
from bot.matching.names import best_command
from bot.platform_names import PLATFORMS
from bot.reply import Reply

if TYPE_CHECKING:
    from bot.digest.compose import News
    from bot.digest.hub import DigestHub

log = logging.getLogger("dispute_bot.digest")


def preview(ctx: Context, hub: DigestHub) -> Reply:
    """Today's digest as this channel would read it: new since its last digest (yesterday
    where it has had none, on the console, or when the state database cannot say)."""
    from bot.digest.compose import compose_digest, quote_for_day  # only when asked for

    since, news = _channel_state(ctx, hub)
    return compose_digest(
        ctx,
        since=since or ctx.today - dt.timedelta(days=1),
        quote=quote_for_day(ctx.dossier.corpus, ctx.today),
        news=news,
    )


def _channel_state(ctx: Context, hub: DigestHub) -> tuple[dt.date | None, News | None]:
    """The day of the channel's last digest, and what is new as every replica says; (None,
    None) on the console (no channel, and nothing opened), or when the state database is
    unavailable: the preview never fails for that (it reads the dossier's own days)."""
    if not ctx.request.channel:
        return None, None

    if ctx.platform not in PLATFORMS:
        return None, None
    from bot.digest.first_seen import dated_news

    try:
        store = hub.store
        last = store.last_post(ctx.platform, ctx.request.channel, ctx.dossier_name)
        news = dated_news(store, ctx.dossier_name, ctx.dossier, ctx.today)
    except DatabaseUnavailable as exc:
        log.info("/digest preview without the channel's last digest: %s", exc)
        return None, None
    return (last.local_date if last else None), news


# The subcommands, with the French words that mean the same.
ACTIONS = ("subscribe", "unsubscribe", "status", "now", "resume")
_ACTION_WORDS = {
    **{a: a for a in ACTIONS},
    "abonner": "subscribe",
    "sabonner": "subscribe",
    "desabonner": "unsubscribe",
    "statut": "status",
    "etat": "status",
    "maintenant": "now",
    "reprendre": "resume",
}


def digest(ctx: Context, args: Args, hub: DigestHub) -> Reply:
    words = args.words
    if not words:
        return preview(ctx, hub)
    action = _ACTION_WORDS.get(fold(words[0]).replace(" ", ""))
    if action is None:
        guess = best_command(words[0], ACTIONS)
        text = ctx.t("digest.unknown_action", value=words[0])
        if guess:
            text += " " + ctx.t("did_you_mean", options=f"/digest {guess}")
        raise UsageError(text)
    from handlers.digest_channel import run_action  # loaded when a subcommand runs

    return run_action(ctx, hub, action, words[1:])


def digest_command(hub: DigestHub) -> Command:
    """The /digest command; its subcommands reach the digest's state through `hub`."""
    return Command(
        name="digest",
        summary=every_language("summary.digest"),
        usage="/digest [subscribe [HH:MM] [time zone] [weekdays] | unsubscribe | status | now "
        "| resume]",
        examples=(
            "/digest",
            "/digest subscribe 08:00 paris",
            "/digest subscribe 7:30 new york mon-fri",
            "/digest status",
            "/digest now",
            "/digest unsubscribe",
        ),
        options=(
            Option(name="action", description=every_language("option.digest.action")),
            Option(name="time", description=every_language("option.digest.time")),
            Option(name="timezone", description=every_language("option.digest.timezone")),
            Option(name="weekdays", description=every_language("option.digest.weekdays")),
        ),
        acts=True,  # subscribes, posts
        run=lambda ctx, args: digest(ctx, args, hub),
    )
