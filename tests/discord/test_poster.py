"""DiscordPoster, as the daily digest uses it: one request per post over REST, failures sorted
for the one retry policy (bot.delivery), which waits what Discord asks."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from bot.core import Core
from bot.delivery import Poster
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
    assert checked.platform == "discord"
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
