"""What users type comes back inert, and no input breaks or stalls an answer (Slack, HTTP)."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from typing import Any

import pytest

from bot.ops.logs import setup_logging
from tests.fakes.slack import DEFAULT_TEAM, FakeSlack, fixture
from tests.ops.test_logs import restore_root_logger as restore_root_logger  # the fixture
from tests.slack.conftest import MakeSettings, RunBot
from tests.slack.test_http_mode import objects, texts

JOINER = "\u2060"
TYPED = "*bold* _it_ ~gone~ `code` https://evil.example/login"
# A formatting mark Slack could pair: one without a word joiner on both sides.
_BARE_MARK = re.compile(rf"(?<!{JOINER})[*_~`]|[*_~`](?!{JOINER})")


def mrkdwn_objects(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [o for o in objects(message.get("blocks", [])) if o.get("type") == "mrkdwn"]


def echoed(message: dict[str, Any]) -> str:
    """The lead paragraph, where the reply says back what the user asked for."""
    return str(message["blocks"][1]["text"]["text"])


async def test_typed_formatting_and_urls_are_echoed_inert(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot() as slack:
        await slack.command("/quote", TYPED)
        await slack.command("/dispute", "*boom*")
        mention = fixture("app_mention.json")
        mention["event"]["text"] = f"<@U0DISPUTEBOT> timeline {TYPED}"
        await slack.event(mention)
        first, second = await fake.hook_post(1), await fake.hook_post(2)
        # Answered side by side: whichever came first.
        quote, unknown = (first, second) if "No quote" in echoed(first) else (second, first)
        threaded = (await fake.api_call("chat.postMessage")).params
    for message in (quote, unknown, threaded):
        objects = mrkdwn_objects(message)
        assert objects and all(o.get("verbatim") is True for o in objects)  # no auto-links
    lead = echoed(quote)
    assert "No quote matches" in lead
    assert f"“{TYPED}”" in lead.replace(JOINER, "")  # reads as typed
    assert _BARE_MARK.search(lead) is None
    assert "*bold*" not in texts(quote) and "`code`" not in texts(quote)
    assert "*bold*" not in texts(threaded) and "`code`" not in texts(threaded)
    assert "Unknown command /" in echoed(unknown) and "*boom*" not in texts(unknown)


async def test_an_unpaired_surrogate_in_a_mention_is_answered(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    mention = fixture("app_mention.json")
    mention["event"]["text"] = "<@U0DISPUTEBOT> quote trump \ud800woke"
    body = json.dumps(mention)  # "\ud800" on the wire, as a JSON escape
    assert "\\ud800" in body
    dm = fixture("message_im.json")
    dm["event"]["text"] = "zz\udfff"
    async with run_http_bot() as slack:
        answers = [
            (await slack.post(body, content_type="application/json")).status,
            (await slack.post(json.dumps(dm), content_type="application/json")).status,
        ]
        first = (await fake.api_call("chat.postMessage", 1)).params
        second = (await fake.api_call("chat.postMessage", 2)).params
    assert answers == [200, 200]
    replies = sorted([texts(first), texts(second)])
    assert any("Quotes by Donald Trump" in r for r in replies), replies
    assert any("Unknown command /zz\ufffd" in r for r in replies)
    assert all("Sorry, something went wrong" not in r for r in replies)


async def test_a_900_kb_word_gets_a_short_clear_answer_at_once(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot() as slack:
        answer = await slack.command("/quote", "w" * 900_000)
        reply = await fake.hook_post()
    assert answer.status == 200
    assert texts(reply).count("w") < 100  # the word is not echoed back
    assert "too long to search: 500 characters at most" in texts(reply)


@pytest.mark.usefixtures("restore_root_logger")
async def test_the_logs_name_only_our_commands_never_the_words_typed(
    run_http_bot: RunBot, fake: FakeSlack, make_settings: MakeSettings
) -> None:
    """A word typed where a command goes is the user's text: the production logs (JSON, as
    set up by `serve`) say "unknown", even when the answer cannot be delivered."""
    fake.workspaces[DEFAULT_TEAM] = dataclasses.replace(
        fake.workspace(), channels=frozenset({"C0DESK42"})
    )
    stream = io.StringIO()
    setup_logging(make_settings(log_format="json"), stream)
    async with run_http_bot() as slack:
        await slack.command("/dispute", "wirepassword4 trump")
        await fake.hook_post()
        mention = fixture("app_mention.json")
        mention["event"]["text"] = "<@U0DISPUTEBOT> launchcodes0000 zebrafive"
        mention["event"]["channel"] = "C0GONE"  # not the bot's: Slack says channel_not_found
        await slack.event(mention)
        await fake.wait_until(lambda: "answering /unknown failed" in stream.getvalue())
    logged = stream.getvalue()
    events = [json.loads(line) for line in logged.splitlines()]
    served = [e for e in events if e["message"].startswith("served")]
    assert [e["command"] for e in served] == ["unknown", "unknown"]
    assert "slack: answering /unknown failed" in logged
    for typed in ("wirepassword4", "launchcodes0000", "trump", "zebrafive"):
        assert typed not in logged
