"""DiscordPoster, as the daily digest uses it: one request per post over REST, failures sorted
for the one retry policy (bot.delivery), which waits what Discord asks."""

from __future__ import annotations

import datetime as dt
import socket
import time
from typing import Any

import pytest

from bot.core import Core
from bot.delivery import Mark, Poster, Repeatable, may_repeat, may_retry
from bot.errors import DeliveryError
from bot.platforms.discord.poster import DiscordPoster
from tests.discord.conftest import TOKEN
from tests.fakes.discord import FakeDiscord, fixture
from tests.wiring import post_with_retries


@pytest.fixture
def poster(fake: FakeDiscord) -> DiscordPoster:
    return DiscordPoster(token=TOKEN, api_url=fake.api_url)


def posts(fake: FakeDiscord) -> list[Any]:
    return [s for s in fake.requests if s.method == "POST" and s.path.startswith("/channels/")]


async def test_posts_the_digest_as_an_embed_and_returns_the_message_id(
    fake: FakeDiscord, poster: DiscordPoster, offline_core: Core
) -> None:
    checked: Poster = poster  # it is what the digest expects
    assert checked.platform == "discord" and isinstance(poster, Repeatable)
    reply = offline_core.handle_line("/digest")
    message_id = await poster.post(fake.channel_id, reply)

    assert message_id in fake.messages
    [sent] = posts(fake)
    assert sent.path == f"/channels/{fake.channel_id}/messages"
    assert sent.authorization == f"Bot {TOKEN}"
    assert sent.body["allowed_mentions"] == {"parse": []}
    assert sent.body["embeds"][0]["title"] == reply.title
    assert sent.body["components"] == []  # no Share button on an unprompted post


@pytest.mark.parametrize(
    ("status", "error", "permanent"),
    [
        (403, "error_missing_permissions", True),  # 50013: cannot send here
        (403, "error_missing_access", True),  # 50001: cannot see the channel (bot removed)
        (404, "error_unknown_channel", True),  # 10003: the channel is gone
        (400, "error_invalid_form_body", True),  # the same body would be refused again
        (401, "error_unauthorized", False),  # our token: the operator's to fix, not the channel
    ],
)
async def test_refusals_are_sorted_into_permanent_or_temporary_without_retrying(
    fake: FakeDiscord,
    poster: DiscordPoster,
    offline_core: Core,
    status: int,
    error: str,
    permanent: bool,
) -> None:
    fake.reply_to_channel_posts((status, fixture(error), {}))
    with pytest.raises(DeliveryError) as caught:
        await poster.post(fake.channel_id, offline_core.handle_line("/digest"))
    assert caught.value.permanent is permanent
    assert str(fixture(error).get("code", "")) in str(caught.value)
    assert len(posts(fake)) == 1
    assert TOKEN not in str(caught.value)


async def test_a_rate_limit_is_one_request_and_says_how_long_to_wait(
    fake: FakeDiscord, poster: DiscordPoster, offline_core: Core
) -> None:
    limited = fixture("error_rate_limited")  # retry_after 0.05 s
    fake.reply_to_channel_posts((429, limited, {"Retry-After": "1", "X-RateLimit-Scope": "user"}))
    with pytest.raises(DeliveryError) as caught:
        await poster.post(fake.channel_id, offline_core.handle_line("/sources"))
    assert caught.value.permanent is False and caught.value.maybe_posted is False
    assert caught.value.retry_after == limited["retry_after"]
    assert len(posts(fake)) == 1


async def test_the_policy_waits_retry_after_then_posts(
    fake: FakeDiscord, poster: DiscordPoster, offline_core: Core
) -> None:
    limited = fixture("error_rate_limited")
    fake.reply_to_channel_posts((429, limited, {"Retry-After": "1", "X-RateLimit-Scope": "user"}))
    started = time.monotonic()
    message_id = await post_with_retries(
        poster, fake.channel_id, offline_core.handle_line("/sources")
    )
    assert time.monotonic() - started >= limited["retry_after"]
    assert message_id in fake.messages
    assert len(posts(fake)) == 2


async def test_a_rate_limit_that_persists_is_temporary_after_the_policys_attempts(
    fake: FakeDiscord, poster: DiscordPoster, offline_core: Core
) -> None:
    fake.reply_to_channel_posts(*[(429, fixture("error_rate_limited"), {})] * 3)
    with pytest.raises(DeliveryError) as caught:
        await post_with_retries(poster, fake.channel_id, offline_core.handle_line("/sources"))
    assert caught.value.permanent is False
    assert len(posts(fake)) == 3  # three attempts, three requests: counted once


async def test_server_errors_are_temporary_and_retried_by_the_policy(
    fake: FakeDiscord, poster: DiscordPoster, offline_core: Core
) -> None:
    server_error = {"message": "500: Internal Server Error", "code": 0}
    fake.reply_to_channel_posts((500, server_error, {}))
    with pytest.raises(DeliveryError) as caught:
        await poster.post(fake.channel_id, offline_core.handle_line("/sources"))
    assert caught.value.permanent is False and len(posts(fake)) == 1
    fake.reply_to_channel_posts((502, "<html>Bad Gateway</html>", {}))
    assert await post_with_retries(poster, fake.channel_id, offline_core.handle_line("/sources"))
    assert len(posts(fake)) == 1 + 2


async def test_discord_out_of_reach_is_temporary(offline_core: Core) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    poster = DiscordPoster(token=TOKEN, api_url=f"http://127.0.0.1:{port}/api/v10")
    with pytest.raises(DeliveryError) as caught:
        await poster.post("1290573849201748032", offline_core.handle_line("/sources"))
    assert caught.value.permanent is False
    assert "cannot reach Discord" in str(caught.value)


async def test_a_channel_that_is_not_an_id_is_refused_without_asking(
    fake: FakeDiscord, poster: DiscordPoster, offline_core: Core
) -> None:
    with pytest.raises(DeliveryError) as caught:
        await poster.post("../users/@me", offline_core.handle_line("/sources"))
    assert caught.value.permanent is True
    assert posts(fake) == []
    assert TOKEN not in repr(poster)


def digest_mark(day: int = 2, dossier: str = "anthropic-pentagon-2026") -> Mark:
    return Mark(dossier=dossier, day=dt.date(2026, 3, day))


async def test_a_scheduled_digest_carries_its_deliverys_nonce_enforced(
    fake: FakeDiscord, poster: DiscordPoster, offline_core: Core
) -> None:
    """Idempotent message creation: the nonce names the delivery (channel, dossier, local
    date), so the same digest sent again is answered with the message already posted."""
    reply = offline_core.handle_line("/digest")
    other_channel = "1290573849201748099"
    before = dt.datetime.now(dt.UTC)
    first = await poster.post(fake.channel_id, reply, mark=digest_mark())
    again = await poster.post(fake.channel_id, reply, mark=digest_mark())
    await poster.post(fake.channel_id, reply, mark=digest_mark(day=3))
    await poster.post(fake.channel_id, reply, mark=digest_mark(dossier="another-dossier"))
    await poster.post(other_channel, reply, mark=digest_mark())
    await poster.post(fake.channel_id, reply)  # /digest now: no mark, no nonce

    sent = posts(fake)
    nonces = [s.body.get("nonce") for s in sent]
    assert all(isinstance(n, str) and 0 < len(n) <= 25 for n in nonces[:5])
    assert nonces[0] == nonces[1]  # the same delivery, sent again
    assert len(set(nonces[1:5])) == 4  # another day, dossier, channel: another nonce
    assert [s.body.get("enforce_nonce") for s in sent] == [True] * 5 + [None]
    assert nonces[5] is None
    # Discord answered the repeat with the first message: one message, not two.
    assert again == first
    assert len(fake.messages) == 5 and len(sent) == 6
    assert fake.messages[first]["nonce"] == nonces[0]
    # The message's snowflake says when Discord made it.
    made = poster.created_at(first)
    assert before - dt.timedelta(seconds=1) <= made <= dt.datetime.now(dt.UTC)
    assert made.replace(microsecond=0) == dt.datetime.fromisoformat(
        fake.messages[first]["timestamp"]
    ).replace(microsecond=0)


async def test_a_repeat_whose_message_was_deleted_is_not_posted_again_nor_paused(
    fake: FakeDiscord, poster: DiscordPoster, offline_core: Core
) -> None:
    """Discord answers a repeat whose first message was deleted since with Unknown Message:
    the digest had arrived; it is neither posted again nor the channel's digest paused."""
    fake.reply_to_channel_posts((404, {"message": "Unknown Message", "code": 10008}, {}))
    with pytest.raises(DeliveryError) as caught:
        await poster.post(fake.channel_id, offline_core.handle_line("/digest"), mark=digest_mark())
    assert caught.value.maybe_posted is True
    assert not may_repeat(caught.value) and not may_retry(caught.value)
    assert "posted by an earlier request, then deleted" in str(caught.value)
