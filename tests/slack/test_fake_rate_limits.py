"""Slack's posting limits on the fake: off by default; when on, 429 with Retry-After per channel
and per workspace burst, which slack_sdk's own retry handler (and so the bot's poster) waits
out, and posts made before Retry-After elapsed counted as not honoured."""

from __future__ import annotations

import asyncio
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.platforms.slack.poster import SlackPoster
from bot.reply import Reply, ReplyKind
from tests.fakes.slack import BOT_TOKEN, FakeSlack, SlackLimits
from tests.wiring import post_with_retries

DIGEST = Reply(command="digest", kind=ReplyKind.OK, title="Daily digest", text="Two parties")
TIGHT = SlackLimits(channel_rate=1.0, channel_burst=2, workspace_rate=5.0, workspace_burst=4)


def client(fake: FakeSlack, token: str = BOT_TOKEN, *, retries: int = 0) -> AsyncWebClient:
    handlers = [AsyncRateLimitErrorRetryHandler(max_retry_count=retries)] if retries else []
    return AsyncWebClient(token=token, base_url=fake.api_url, retry_handlers=handlers)


async def test_limits_are_off_unless_enforced(fake: FakeSlack) -> None:
    web = client(fake)
    for number in range(12):
        await web.chat_postMessage(channel="C0DESK42", text=f"post {number}")
    assert len(fake.posts) == 12 and fake.throttled == []


async def test_a_burst_in_one_channel_gets_429_and_retry_after(fake: FakeSlack) -> None:
    fake.enforce_rate_limits(TIGHT)
    web = client(fake)
    await web.chat_postMessage(channel="C0DESK42", text="1")
    await web.chat_postMessage(channel="C0DESK42", text="2")  # the burst Slack allows
    try:
        await web.chat_postMessage(channel="C0DESK42", text="3")
    except SlackApiError as refused:
        limited = refused.response
    else:
        raise AssertionError("the third post in a row was not rate limited")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"
    assert limited.data == {"ok": False, "error": "ratelimited"}
    [hit] = fake.throttled
    assert (hit.team_id, hit.channel, hit.reason, hit.retry_after) == (
        "T0001DOSSIER",
        "C0DESK42",
        "channel",
        1,
    )
    await web.chat_postMessage(channel="C0OTHER", text="another channel is not held up")
    try:  # trying again at once ignores Retry-After: counted, and refused again
        await web.chat_postMessage(channel="C0DESK42", text="3 again")
    except SlackApiError as refused:
        assert refused.response.status_code == 429
    assert [u.reason for u in fake.unhonoured] == ["unhonoured"]
    await asyncio.sleep(1.05)
    await web.chat_postMessage(channel="C0DESK42", text="3, after waiting")
    assert [p.text for p in fake.posts] == [
        "1",
        "2",
        "another channel is not held up",
        "3, after waiting",
    ]
    assert len(fake.unhonoured) == 1


async def test_slack_sdks_retry_handler_waits_out_retry_after(fake: FakeSlack) -> None:
    fake.enforce_rate_limits(TIGHT)
    web = client(fake, retries=3)
    started = time.monotonic()
    for number in range(3):
        await web.chat_postMessage(channel="C0DESK42", text=f"post {number}")
    assert time.monotonic() - started >= 1.0  # the third post waited for its Retry-After
    assert len(fake.posts) == 3
    assert fake.throttled and fake.unhonoured == []


async def test_a_workspace_burst_is_limited_in_that_workspace_only(fake: FakeSlack) -> None:
    alpha = fake.add_workspace("T0002ALPHA", "Alpha", channels=tuple(f"C0A{n}" for n in range(6)))
    token = fake.install(alpha.team_id)["access_token"]
    fake.enforce_rate_limits(TIGHT)
    web = client(fake, token)

    async def post(channel: str) -> int:
        try:
            await web.chat_postMessage(channel=channel, text="digest")
        except SlackApiError as refused:
            return int(refused.response.status_code)
        return 200

    answers = [await post(channel) for channel in sorted(alpha.channels or ())]
    assert answers == [200] * 4 + [429] * 2  # a burst of four, then the workspace waits
    assert {t.reason for t in fake.throttled} == {"workspace"}
    other = client(fake)  # the default workspace is not held up by Alpha's burst
    await other.chat_postMessage(channel="C0DESK42", text="elsewhere")
    assert [p.team_id for p in fake.posts].count("T0001DOSSIER") == 1


async def test_the_bots_poster_honours_retry_after(fake: FakeSlack) -> None:
    fake.enforce_rate_limits(TIGHT)
    poster = SlackPoster(token=BOT_TOKEN, api_url=fake.api_url)
    for _ in range(3):  # one request per post; the bot's one retry policy waits Retry-After
        await post_with_retries(poster, "C0DESK42", DIGEST)
    assert len(fake.posts) == 3
    assert len(fake.throttled) == 1 and fake.unhonoured == []
