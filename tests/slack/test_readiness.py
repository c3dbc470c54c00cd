"""/readyz hears from Slack: ready once HTTP listens, or while Socket Mode is connected."""

from __future__ import annotations

import asyncio

import pytest

from bot.dossier import Dossier
from bot.ops.inflight import REPLIES
from bot.ops.readiness import READINESS, report
from bot.platforms.slack.startup import start_slack
from tests.fakes.slack import FakeSlack
from tests.slack.conftest import MakeSettings, make_core


def slack_check() -> tuple[bool, str] | None:
    return next(((c.ok, c.detail) for c in READINESS.checks() if c.name == "slack"), None)


@pytest.mark.parametrize("socket_mode", [False, True])
async def test_slack_reports_ready_when_reachable(
    fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier, socket_mode: bool
) -> None:
    READINESS.forget("slack")
    settings = make_settings(socket_mode=socket_mode)
    running = await start_slack(
        make_core(settings, dossier), settings, in_flight=REPLIES, host="127.0.0.1"
    )
    stop = asyncio.Event()
    watching = asyncio.create_task(running.report_readiness(stop, report, every=0.05))
    try:
        for _ in range(100):
            check = slack_check()
            if check and check[0]:
                break
            await asyncio.sleep(0.05)
        check = slack_check()
        assert check is not None and check[0] is True
        expected = "socket mode connected" if socket_mode else "http listening on port"
        assert check[1].startswith(expected)
    finally:
        stop.set()
        await watching
        await running.close()
        READINESS.forget("slack")
