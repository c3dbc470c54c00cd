"""SlackPoster: the digest's way into a channel, one request per post, with Slack's failures
sorted into two kinds for the one retry policy (bot.delivery), which waits what Slack asks."""

from __future__ import annotations

import datetime as dt
import socket
import time

import pytest

from bot.delivery import DIGEST_EVENT, Finder, Mark, Poster
from bot.errors import DeliveryError
from bot.platforms.slack.poster import SlackPoster
from bot.reply import Item, Reply, ReplyKind
from tests.fakes.slack import BOT_TOKEN, Canned, FakeSlack, SlackLimits, fixture
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
    assert ts == fake.posts[0].ts  # the ts Slack gave the new message
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
    assert ts == fake.posts[0].ts


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
    assert ts == fake.posts[0].ts
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


MARK = Mark(dossier="anthropic-pentagon-2026", day=dt.date(2026, 3, 2))


def history_poster(fake: FakeSlack, scopes: str) -> SlackPoster:
    """The default workspace's bot, installed with `scopes` (the history scopes, or not)."""
    token, _ = fake.tokens.issue(
        fake.workspace(),
        kind="bot",
        user_id=fake.workspace().bot_user_id,
        scopes=scopes,
        now=fake.now(),
        lifetime=None,
    )
    return poster_for(fake, token.value)


async def test_a_digest_carries_its_mark_as_metadata_and_is_found_in_the_channel(
    fake: FakeSlack,
) -> None:
    poster = history_poster(fake, "chat:write,channels:history,groups:history")
    assert isinstance(poster, Finder)  # what a replica settling a dead one's post needs
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    ts = await poster.post("C0DESK42", DIGEST, mark=MARK)
    await poster.post("C0DESK42", DIGEST, mark=Mark(dossier=MARK.dossier, day=dt.date(2026, 3, 3)))
    await poster.post("C0DESK42", DIGEST, mark=Mark(dossier="stadium", day=MARK.day))
    await poster.post("C0DESK42", DIGEST)  # a /digest now: no mark
    assert fake.calls_to("chat.postMessage")[0].params["metadata"] == {
        "event_type": DIGEST_EVENT,
        "event_payload": {"dossier": "anthropic-pentagon-2026", "date": "2026-03-02"},
    }
    assert "metadata" not in fake.calls_to("chat.postMessage")[3].params

    assert await poster.find_post("C0DESK42", MARK, since=since) == ts
    assert await poster.find_post("C0ELSEWHERE", MARK, since=since) is None
    after = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    assert await poster.find_post("C0DESK42", MARK, since=after) is None
    call = fake.calls_to("conversations.history")[0]
    assert call.params["channel"] == "C0DESK42"
    assert call.params["include_all_metadata"] == "1"
    assert float(call.params["oldest"]) == pytest.approx(since.timestamp(), abs=1e-5)


async def test_the_history_is_read_page_after_page_until_the_post(fake: FakeSlack) -> None:
    poster = history_poster(fake, "chat:write,channels:history")
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    ts = await poster.post("C0BUSY", DIGEST, mark=MARK)
    for _ in range(250):  # a busy channel since: the digest is on the second page
        await poster.post("C0BUSY", DIGEST)
    assert await poster.find_post("C0BUSY", MARK, since=since) == ts
    calls = fake.calls_to("conversations.history")
    assert len(calls) == 2
    assert "cursor" not in calls[0].params and calls[1].params["cursor"]


async def test_without_the_history_scope_the_post_cannot_be_found(fake: FakeSlack) -> None:
    poster = history_poster(fake, "chat:write,commands")  # installed before reconciliation
    await poster.post("C0DESK42", DIGEST, mark=MARK)
    with pytest.raises(DeliveryError) as caught:
        await poster.find_post("C0DESK42", MARK, since=dt.datetime.now(dt.UTC))
    assert caught.value.permanent is True
    assert str(caught.value) == "slack: missing_scope reading the history of C0DESK42"


async def test_the_history_has_its_own_rate_limit_and_its_retry_after_is_kept(
    fake: FakeSlack,
) -> None:
    limiter = fake.enforce_rate_limits(SlackLimits(history_rate=0.5, history_burst=1))
    poster = history_poster(fake, "chat:write,channels:history")
    since = dt.datetime.now(dt.UTC)
    assert await poster.find_post("C0DESK42", MARK, since=since) is None
    poster.history_pacer.burst = 100  # let the next call go too soon, as a bot unpaced would
    poster.history_pacer.rate = 100.0
    with pytest.raises(DeliveryError) as caught:
        await poster.find_post("C0DESK42", MARK, since=since)
    assert caught.value.retry_after == 2.0 and not caught.value.permanent
    assert [t.reason for t in limiter.history_throttled] == ["history"]
    started = time.monotonic()
    assert await poster.find_post("C0DESK42", MARK, since=since) is None  # held: waits 2 s
    assert time.monotonic() - started >= 1.5
    assert limiter.unhonoured == []
