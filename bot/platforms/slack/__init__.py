"""The Slack platform: slash commands, mentions and DMs answered in Block Kit.

Nothing here imports slack_bolt until `serve` runs, so the console and the CLI stay light;
`bot.platforms.slack.poster` and `.render` need only slack_sdk (or nothing). OAuth mode's
modules (`.installations`, `.oauth`: slack_sdk's SQLAlchemy stores on the root's state
database) load only in that mode.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core import Core
from bot.hooks import DossierReloads, RepliesInFlight, ReportReadiness

# OAuth mode's calls to the state database at once, at most (`.installations`): Bolt's
# lookups and saves (one read per workspace however many ask), an install link's state, a
# renewal. The root sizes the shared database with it.
OAUTH_DATABASE_CALLS = 3

if TYPE_CHECKING:
    from bot.digest.hub import DigestHub
    from bot.platforms.slack.installations import Installations


async def serve(
    core: Core,
    settings: Settings,
    stop: asyncio.Event,
    *,
    report: ReportReadiness,
    in_flight: RepliesInFlight,
    digest: DigestHub | None = None,
    reloads: DossierReloads | None = None,
    installations: Installations | None = None,
) -> None:
    """Socket Mode with SLACK_APP_TOKEN, else HTTP on settings.port; with one bot token, or
    installed by OAuth in many workspaces (`installations`, shared with the digest's poster).
    Returns once `stop` is set."""
    from bot.platforms.slack.startup import start_slack

    running = await start_slack(
        core,
        settings,
        in_flight=in_flight,
        digest=digest,
        reloads=reloads,
        installations=installations,
    )
    watching = asyncio.create_task(running.report_readiness(stop, report), name="slack-readiness")
    try:
        await stop.wait()
    finally:
        watching.cancel()
        await running.close()
