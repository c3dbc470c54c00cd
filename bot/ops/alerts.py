"""A refused reload that nobody asked for reaches the admins where they read.

Slack admins (`slack_admins`) get a direct message; `admin_alerts` adds channels on any
platform (`slack:C0123`, `discord:1234567890`). Posting goes through the posters the root
gives the daily digest too; a refused post is logged and never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.config import Settings
from bot.delivery import Poster, RetryPolicy, post_retrying
from bot.errors import DeliveryError
from bot.reload import ReloadReport
from handlers.reload import render_result

log = logging.getLogger("dispute_bot.alerts")

# An alert is tried three times at most, a second then two apart (or as long as asked).
ALERT_RETRY = RetryPolicy(backoff=(1.0, 2.0))
ALERT_ATTEMPTS = 3
MAX_ALERT_WAIT = 30.0


def alert_targets(settings: Settings) -> list[tuple[str, str]]:
    """(platform, channel or user) pairs that hear of refused reloads."""
    targets = [("slack", user) for user in settings.slack_admins]
    for entry in settings.admin_alerts:
        platform, _, channel = entry.partition(":")
        targets.append((platform.strip().lower(), channel.strip()))
    return list(dict.fromkeys(targets))


async def alert_admins(
    settings: Settings, posters: Mapping[str, Poster], result: ReloadReport
) -> None:
    """Post the refusal to every target whose platform runs (has a poster)."""
    reply = render_result(result, settings.locale)
    told = 0
    for platform, channel in alert_targets(settings):
        poster = posters.get(platform)
        if poster is None:
            continue
        try:
            await post_retrying(
                poster,
                channel,
                reply,
                policy=ALERT_RETRY,
                attempts=ALERT_ATTEMPTS,
                max_wait=MAX_ALERT_WAIT,
            )
            told += 1
        except DeliveryError as exc:
            log.warning("could not tell %s:%s about the refused reload: %s", platform, channel, exc)
    log.info("told %d admin target(s) about the refused reload", told)
