"""SlackPoster: the digest's way into a channel, one request per post, with Slack's failures
sorted into two kinds for the one retry policy (bot.delivery), which waits what Slack asks."""

from __future__ import annotations

import socket
import time

import pytest

from bot.delivery import Poster
from bot.errors import DeliveryError
from bot.platforms.slack.poster import SlackPoster
from bot.reply import Item, Reply, ReplyKind
from tests.fakes.slack import BOT_TOKEN, Canned, FakeSlack, fixture
from tests.wiring import post_with_retries

DIGEST = Reply(
    command="digest",
    kind=ReplyKind.OK,
    title="Daily digest, 1 March 2026",
    text="Anthropic vs the US Department of Defense (2026)",
    items=(Item(title="Key dates", body="• 2 days since: the ultimatum <!channel> expired"),),
)


def poster_for(fake: FakeSlack, token: str = BOT_TOKEN) -> SlackPoster:
    return SlackPoster(token=token, api_url=fake.api_url)


async def test_post_sends_block_kit_and_returns_the_message_ts(fake: FakeSlack) -> None:
    poster: Poster = poster_for(fake)  # the digest codes against the Poster protocol
    assert poster.platform == "slack"
    ts = await poster.post("C0DESK42", DIGEST)
    call = fake.calls_to("chat.postMessage")[0]
    assert ts.startswith("1772197700.")  # the ts Slack gave the new message
    assert call.authorization == f"Bearer {BOT_TOKEN}"
    assert call.params["channel"] == "C0DESK42"
    assert call.params["unfurl_links"] is False
    assert call.params["blocks"][0]["text"]["text"] == "Daily digest, 1 March 2026"
    assert "&lt;!channel&gt;" in call.params["blocks"][2]["text"]["text"]
    assert call.params["text"].startswith("Daily digest, 1 March 2026")


async def test_rate_limit_is_one_request_that_says_how_long_to_wait(fake: FakeSlack) -> None:
    fake.fail_next(
        "chat.postMessage",
        Canned(status=429, body=fixture("ratelimited.json"), headers={"Retry-After": "7"}),
    )
    with pytest.raises(DeliveryError) as caught:
        await poster_for(fake).post("C0DESK42", DIGEST)
    assert caught.value.permanent is False and caught.value.retry_after == 7.0
    assert fake.attempts["chat.postMessage"] == 1


async def test_the_policy_waits_for_retry_after_then_posts(fake: FakeSlack) -> None:
    fake.fail_next(
        "chat.postMessage",
        Canned(status=429, body=fixture("ratelimited.json"), headers={"Retry-After": "1"}),
    )
    started = time.perf_counter()
    ts = await post_with_retries(poster_for(fake), "C0DESK42", DIGEST)
    assert time.perf_counter() - started >= 1.0  # Slack asked for one second: it got it
    assert fake.attempts["chat.postMessage"] == 2
    assert ts.startswith("1772197700.")


async def test_rate_limit_that_outlasts_the_retries_is_temporary(fake: FakeSlack) -> None:
    limited = Canned(status=429, body=fixture("ratelimited.json"), headers={"Retry-After": "0"})
    fake.fail_next("chat.postMessage", limited, limited, limited)
    with pytest.raises(DeliveryError) as caught:
        await post_with_retries(poster_for(fake), "C0DESK42", DIGEST)
    assert caught.value.permanent is False
    assert fake.attempts["chat.postMessage"] == 3  # three attempts, three requests


@pytest.mark.parametrize(
    "error",
    [
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "invalid_auth",
        "token_revoked",
        "missing_scope",
    ],
)
async def test_lasting_refusals_are_permanent_and_not_retried(fake: FakeSlack, error: str) -> None:
    fake.fail_next("chat.postMessage", Canned(status=200, body={"ok": False, "error": error}))
    with pytest.raises(DeliveryError) as caught:
        await poster_for(fake).post("C0GONE", DIGEST)
    assert caught.value.permanent is True
    assert error in str(caught.value) and "C0GONE" in str(caught.value)
    assert fake.attempts["chat.postMessage"] == 1


async def test_a_wrong_token_is_permanent_and_never_logged(
    fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    with pytest.raises(DeliveryError) as caught:
        await poster_for(fake, token="xoxb-9999-revoked-token").post("C0DESK42", DIGEST)
    assert caught.value.permanent is True
    assert "xoxb-9999" not in caplog.text and "xoxb-9999" not in str(caught.value)


async def test_a_server_error_is_one_request_then_the_policy_posts(fake: FakeSlack) -> None:
    outage = Canned(status=503, text="<html>Service Unavailable</html>")
    fake.fail_next("chat.postMessage", outage)
    with pytest.raises(DeliveryError) as caught:
        await poster_for(fake).post("C0DESK42", DIGEST)
    assert caught.value.permanent is False
    assert fake.attempts["chat.postMessage"] == 1
    fake.fail_next("chat.postMessage", Canned(status=500, text="internal_error"))
    ts = await post_with_retries(poster_for(fake), "C0DESK42", DIGEST)
    assert ts.startswith("1772197700.")
    assert len(fake.calls_to("chat.postMessage")) == 1 + 2


async def test_unreachable_slack_is_temporary() -> None:
    with socket.socket() as probe:  # a port nobody listens on any more
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    poster = SlackPoster(token=BOT_TOKEN, api_url=f"http://127.0.0.1:{port}/api")
    with pytest.raises(DeliveryError) as caught:
        await poster.post("C0DESK42", DIGEST)
    assert caught.value.permanent is False
    assert "cannot reach Slack" in str(caught.value)
