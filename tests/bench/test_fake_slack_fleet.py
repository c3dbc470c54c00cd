"""The fan-out benchmark's fake Slack, run as its own process as the benchmark runs it: per
workspace tokens and channels, Slack's limits, and the round's counts on GET /stats."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bench.fake_slack_fleet import fleet

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def fleet_url() -> Iterator[str]:
    """Three workspaces of two channels; a burst of two posts per channel."""
    command = [sys.executable, "-m", "bench.fake_slack_fleet", "--workspaces", "3"]
    command += ["--channels", "2", "--channel-burst", "2"]
    process = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        port = json.loads(process.stdout.readline())["port"]
        yield f"http://127.0.0.1:{port}"
    finally:
        process.stdin.close()  # the fake stops when its stdin closes
        assert process.wait(timeout=10) == 0


@contextlib.asynccontextmanager
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


async def get(url: str) -> Any:
    async with session() as http, http.get(url) as response:
        return await response.json()


async def post(token: str, channel: str, url: str, text: str = "Daily digest\nDossier A") -> str:
    web = AsyncWebClient(token=token, base_url=f"{url}/api/", retry_handlers=[])
    try:
        await web.chat_postMessage(channel=channel, text=text)
    except SlackApiError as refused:
        return f"{refused.response.status_code} {refused.response['error']}"
    return "ok"


async def test_the_fleet_counts_digests_duplicates_refusals_and_limits(fleet_url: str) -> None:
    workspaces = await get(f"{fleet_url}/workspaces")
    assert [w["bot_token"] for w in workspaces] == [w.bot_token for w in fleet(3, 2)]
    hour = time.time() - 5.0  # the digests are due five seconds ago
    # Seven digests: every channel's of dossier A, and one channel's of dossier B too.
    round_ = {"hour": hour, "digests": 7}
    async with session() as http, http.post(f"{fleet_url}/round", json=round_):
        pass
    for workspace in workspaces:
        for channel in workspace["channels"]:
            assert await post(workspace["bot_token"], channel, fleet_url) == "ok"
    first, second = workspaces[0], workspaces[1]
    other = "Daily digest\nDossier B"  # another dossier's digest: not a duplicate
    assert await post(second["bot_token"], second["channels"][1], fleet_url, other) == "ok"
    token, channel = first["bot_token"], first["channels"][0]
    assert await post(token, channel, fleet_url) == "ok"  # a duplicate digest
    assert await post(token, channel, fleet_url) == "429 ratelimited"  # past the burst
    assert await post(token, channel, fleet_url) == "429 ratelimited"  # before Retry-After
    # The first workspace's token cannot post into the second's channel, as on Slack.
    assert await post(token, second["channels"][0], fleet_url) == "200 channel_not_found"
    assert await post("xoxb-unknown", channel, fleet_url) == "200 invalid_auth"

    stats = await get(f"{fleet_url}/stats")
    assert stats["channels"] == 6 and stats["delivered_channels"] == 6
    assert stats["missing_channels"] == 0
    assert (stats["digests"], stats["delivered"], stats["missing"]) == (7, 7, 0)
    assert stats["posts"] == 8 and stats["duplicates"] == 1
    assert stats["ratelimited"] == 2 and stats["unhonoured"] == 1
    assert stats["ratelimited_by"] == {"channel": 1, "unhonoured": 1}
    assert stats["refused"] == {"channel_not_found": 1, "invalid_auth": 1}
    assert 5.0 <= stats["lag_seconds"]["p50"] <= stats["lag_seconds"]["max"] < 30.0
    detail = await get(f"{fleet_url}/stats?channels=1")
    assert len(detail["per_channel"][channel]) == 2
    assert len(detail["per_channel"][second["channels"][1]]) == 2
    headlines = {(c, h): len(lags) for c, h, lags in detail["per_digest"]}
    assert headlines[channel, "Dossier A"] == 2
    assert headlines[second["channels"][1], "Dossier A"] == 1
    assert headlines[second["channels"][1], "Dossier B"] == 1

    async with session() as http, http.post(f"{fleet_url}/round", json={"hour": time.time()}):
        pass
    fresh = await get(f"{fleet_url}/stats")
    assert (fresh["posts"], fresh["missing_channels"], fresh["ratelimited"]) == (0, 6, 0)
    assert fresh["missing"] == 6  # one digest a channel, when the round says nothing


async def test_the_fleet_lists_a_channels_history_with_metadata_within_tier_3(
    fleet_url: str,
) -> None:
    [first, second, _] = await get(f"{fleet_url}/workspaces")
    token, channel = first["bot_token"], first["channels"][0]
    web = AsyncWebClient(token=token, base_url=f"{fleet_url}/api/", retry_handlers=[])
    before = time.time() - 1
    mark = {"event_type": "dispute_bot_digest", "event_payload": {"dossier": "a", "date": "d"}}
    posted = await web.chat_postMessage(channel=channel, text="Daily digest\nA", metadata=mark)
    later = await web.chat_postMessage(channel=channel, text="Daily digest\nB")

    page = await web.conversations_history(
        channel=channel, oldest=f"{before:.6f}", include_all_metadata=True, limit=1
    )
    assert [m["ts"] for m in page["messages"]] == [later["ts"]]  # newest first
    assert page["messages"][0]["bot_id"] == "B" + first["bot_user_id"][1:]
    assert page["has_more"] is True
    cursor = page["response_metadata"]["next_cursor"]
    older = await web.conversations_history(
        channel=channel, oldest=f"{before:.6f}", include_all_metadata=True, cursor=cursor
    )
    assert [m["ts"] for m in older["messages"]] == [posted["ts"]]
    assert older["messages"][0]["metadata"] == mark and older["has_more"] is False
    plain = await web.conversations_history(channel=channel, oldest=f"{before:.6f}")
    assert all("metadata" not in m for m in plain["messages"])  # only when asked for
    assert (await web.conversations_history(channel=channel, oldest=posted["ts"]))[
        "messages"
    ] == plain["messages"][:1]  # `oldest` is exclusive
    with pytest.raises(SlackApiError) as refused:  # another workspace's channel
        await web.conversations_history(channel=second["channels"][0])
    assert refused.value.response["error"] == "channel_not_found"

    # Tier 3: a burst of five (four read above), then 429 with Retry-After, apart from posts.
    answers = []
    for _ in range(3):
        try:
            await web.conversations_history(channel=channel, limit=1)
            answers.append("ok")
        except SlackApiError as limited:
            answers.append(f"{limited.response.status_code} {limited.response.headers}")
            break
    assert answers[0] == "ok"
    assert answers[1].startswith("429") and "'Retry-After': '2'" in answers[1]
    stats = await get(f"{fleet_url}/stats")
    assert stats["history_calls"] == 6
    assert stats["history_ratelimited"] == 1 and stats["ratelimited"] == 0
