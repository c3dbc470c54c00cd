"""The Slack platform: slash commands, mentions and DMs answered in Block Kit.

Nothing here imports slack_bolt until `serve` runs, so the console and the CLI stay light;
`bot.platforms.slack.poster` and `.render` need only slack_sdk (or nothing).
"""

from __future__ import annotations

import asyncio

from bot.config import Settings
from bot.core import Core
from bot.hooks import RepliesInFlight, ReportReadiness


async def serve(
    core: Core,
    settings: Settings,
    stop: asyncio.Event,
    *,
    report: ReportReadiness,
    in_flight: RepliesInFlight,
) -> None:
    """Socket Mode with SLACK_APP_TOKEN, else HTTP on settings.port; returns once `stop` is set."""
    from bot.platforms.slack.startup import start_slack

    running = await start_slack(core, settings, in_flight=in_flight)
    watching = asyncio.create_task(running.report_readiness(stop, report), name="slack-readiness")
    try:
        await stop.wait()
    finally:
        watching.cancel()
        await running.close()
