"""HTTP mode end to end: Slack's signed POSTs to /slack/events, replies via response_url."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from bot.config import Secret
from bot.core import Args, Command, Context
from bot.dossier import Dossier
from bot.reply import Reply, ReplyKind
from tests.fakes.slack import SIGNING_SECRET, Canned, FakeSlack, fixture, sign
from tests.slack.conftest import MakeSettings, RunBot, make_core


def objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every object inside a Block Kit message (blocks, text objects, buttons), depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from objects(value)


def texts(message: dict[str, Any]) -> str:
    """Everything a reader sees in a Block Kit message, as one string."""
    seen = [message.get("text", "")]
    seen += [
        o["text"] for o in objects(message.get("blocks", [])) if isinstance(o.get("text"), str)
    ]
    return "\n".join(seen)


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """action_id -> value of every button in the message."""
    found = {}
    for block in message["blocks"]:
        if block["type"] == "actions":
            found.update({b["action_id"]: b["value"] for b in block["elements"]})
    return found


async def test_slash_command_is_acked_at_once_and_answered_at_the_response_url(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot() as slack:
        answer = await slack.command("/quote", "trump woke")
        reply = await fake.hook_post()
    assert answer.status == 200
    assert answer.body == ""  # an empty ack: Slack shows nothing until the reply
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Quotes by Donald Trump", "emoji": True},
    }
    assert "woke" in texts(reply)
    assert "Les Etats-Unis ne laisseront jamais" in reply["blocks"][1]["text"]["text"]
    assert "AFP, 2026-02-28" in texts(reply)
    assert buttons(reply) == {"dispute_share": "/quote trump woke"}


@pytest.mark.parametrize(("admins", "reporter_may_manage"), [((), True), (("U0EDITOR",), False)])
async def test_every_recorded_form_field_reaches_the_core(
    run_http_bot: RunBot,
    fake: FakeSlack,
    make_settings: MakeSettings,
    dossier: Dossier,
    admins: tuple[str, ...],
    reporter_may_manage: bool,
) -> None:
    seen: list[tuple[str, str, str, bool]] = []

    def whoami(ctx: Context, args: Args) -> Reply:
        request = ctx.request
        seen.append((request.platform, request.user, request.channel, request.can_manage))
        return Reply(command="whoami", kind=ReplyKind.OK, title=f"{request.user}")

    core = make_core(make_settings(slack_admins=admins), dossier)
    core.commands["whoami"] = Command(
        name="whoami", summary={"en": "test"}, usage="/whoami", examples=(), run=whoami
    )
    async with run_http_bot(core=core, slack_admins=admins) as slack:
        await slack.command("/dispute", "whoami")
        await fake.hook_post(1)
        await slack.command("/dispute", "whoami", user_id="U0EDITOR")
        await fake.hook_post(2)
    assert seen == [
        ("slack", "U0REPORTER", "C0DESK42", reporter_may_manage),  # empty: everyone may
        ("slack", "U0EDITOR", "C0DESK42", True),
    ]


async def test_slow_command_is_still_acked_within_slacks_three_seconds(
    run_http_bot: RunBot, fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier
) -> None:
    def slow(ctx: Context, args: Args) -> Reply:
        time.sleep(1.0)  # a costly query, computed off the event loop
        return Reply(command="slow", kind=ReplyKind.OK, title="Done at last")

    core = make_core(make_settings(), dossier)
    core.commands["slow"] = Command(
        name="slow", summary={"en": "slow"}, usage="/slow", examples=(), run=slow
    )
    async with run_http_bot(core=core) as slack:
        answer = await slack.command("/slow")
        acked_at = time.perf_counter()
        reply = await fake.hook_post()
        replied_at = time.perf_counter()
    assert answer.status == 200
    assert answer.seconds < 0.5
    assert replied_at - acked_at > 0.5  # the reply came after the ack, not in it
    assert reply["blocks"][0]["text"]["text"] == "Done at last"


async def test_stopping_the_bot_lets_an_acknowledged_reply_finish(
    run_http_bot: RunBot, fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier
) -> None:
    def slow(ctx: Context, args: Args) -> Reply:
        time.sleep(0.5)
        return Reply(command="slow", kind=ReplyKind.OK, title="Answered before the bot stopped")

    core = make_core(make_settings(), dossier)
    core.commands["slow"] = Command(
        name="slow", summary={"en": "slow"}, usage="/slow", examples=(), run=slow
    )
    async with run_http_bot(core=core) as slack:
        answer = await slack.command("/slow")
        assert fake.hook_posts == []  # acknowledged, still working when the stop comes
    assert answer.status == 200
    assert [p["blocks"][0]["text"]["text"] for p in fake.hook_posts] == [
        "Answered before the bot stopped"
    ]


async def test_umbrella_command_runs_any_command(run_http_bot: RunBot, fake: FakeSlack) -> None:
    async with run_http_bot() as slack:
        await slack.command("/dispute", "positions anthropic")
        await slack.command("/dispute", "")
        answers = [await fake.hook_post(1), await fake.hook_post(2)]
    titles = sorted(answer["blocks"][0]["text"]["text"] for answer in answers)
    assert titles == ["Where Anthropic stands", "dispute-bot commands"]


async def test_renamed_commands_answer_under_their_new_name(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    renames = {"quote": "/afp-quote", "dispute": "afp"}
    async with run_http_bot(slack_commands=renames) as slack:
        renamed = await slack.command("/afp-quote", "amodei")
        umbrella = await slack.command("/afp", "quote amodei")
        old = await slack.command("/quote", "amodei")
        first, second = await fake.hook_post(1), await fake.hook_post(2)
    assert (renamed.status, umbrella.status) == (200, 200)
    assert first["blocks"][0]["text"]["text"] == "Quotes by Dario Amodei"
    assert second["blocks"][0]["text"]["text"] == "Quotes by Dario Amodei"
    assert old.status == 404  # the old name is no longer registered
    assert len(fake.hook_posts) == 2


async def test_help_shows_each_command_as_it_is_typed_in_this_slack(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    """Renamed, turned off (reached through the umbrella) or umbrella-only: /help's usage
    lines and examples are what the reader can type here."""
    renames = {"quote": "/AFP-Quote", "timeline": "", "dispute": "afp"}
    async with run_http_bot(slack_commands=renames) as slack:
        await slack.command("/afp", "help quote")
        one = await fake.hook_post(1)
        await slack.command("/help")
        every = await fake.hook_post(2)
    detail = texts(one)
    assert "/afp-quote [speaker] [keywords] [page N]" in detail
    assert "/afp-quote trump woke" in detail and "/afp-quote pentagone" in detail
    assert "/quote " not in detail.replace("/afp-quote ", "")  # no name that is not here
    listed = texts(every)
    assert "/afp timeline" in listed and "/afp list" in listed and "/afp-quote" in listed
    assert "/help [command]" in listed  # not renamed: its own name


async def test_public_visibility_answers_in_channel_without_share_button(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot(reply_visibility="public") as slack:
        await slack.command("/quote")
        reply = await fake.hook_post()
    assert reply["response_type"] == "in_channel"
    assert "dispute_share" not in buttons(reply)
    assert buttons(reply)["dispute_page_next"] == "/quote page 2"


async def test_handler_error_answers_a_short_apology_and_logs_the_traceback(
    run_http_bot: RunBot,
    fake: FakeSlack,
    make_settings: MakeSettings,
    dossier: Dossier,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(ctx: Context, args: Args) -> Reply:
        raise RuntimeError("index out of sync with the seeds")

    core = make_core(make_settings(), dossier)
    core.commands["broken"] = Command(
        name="broken", summary={"en": "broken"}, usage="/broken", examples=(), run=broken
    )
    caplog.set_level(logging.ERROR)
    async with run_http_bot(core=core) as slack:
        answer = await slack.command("/broken", "anything")
        reply = await fake.hook_post()
    assert answer.status == 200
    seen = texts(reply)
    assert "Sorry, something went wrong while answering /broken" in seen
    assert "Traceback" not in seen and "index out of sync" not in seen
    failures = [r for r in caplog.records if r.exc_info]
    assert failures and "index out of sync" in str(failures[0].exc_info[1])  # type: ignore[index]


async def test_a_failing_command_in_a_mention_apologises_in_the_thread(
    run_http_bot: RunBot, fake: FakeSlack, make_settings: MakeSettings, dossier: Dossier
) -> None:
    def broken(ctx: Context, args: Args) -> Reply:
        raise KeyError("afp-2026-03-01")

    core = make_core(make_settings(), dossier)
    core.commands["broken"] = Command(
        name="broken", summary={"en": "broken"}, usage="/broken", examples=(), run=broken
    )
    mention = fixture("app_mention.json")
    mention["event"]["text"] = "<@U0DISPUTEBOT> broken please"
    async with run_http_bot(core=core) as slack:
        await slack.event(mention)
        call = await fake.api_call("chat.postMessage")
    assert call.params["thread_ts"] == "1772197405.000200"
    seen = texts(call.params)
    assert "Sorry, something went wrong while answering /broken" in seen
    assert "KeyError" not in seen and "afp-2026-03-01" not in seen


async def test_reply_delivery_retries_a_rate_limited_response_url(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    fake.fail_next("hooks", Canned(status=429, text="rate_limited", headers={"Retry-After": "0"}))
    async with run_http_bot() as slack:
        await slack.command("/quote", "hegseth")
        reply = await fake.hook_post()
    assert fake.attempts["hooks"] == 2
    assert reply["blocks"][0]["text"]["text"] == "Quotes by Pete Hegseth"


# -- signatures ------------------------------------------------------------------------------


async def test_slacks_documented_signature_example_passes_verification(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    vector = fixture("signature_vector.json")
    assert (
        sign(vector["signing_secret"], vector["timestamp"], vector["body"]) == vector["signature"]
    )
    stamp = dt.datetime.fromtimestamp(int(vector["timestamp"]) + 30, dt.UTC)
    secret = Secret(vector["signing_secret"])
    async with run_http_bot(slack_signing_secret=secret) as slack:
        with time_machine.travel(stamp, tick=True):
            accepted = await slack.post(
                vector["body"], timestamp=vector["timestamp"], signature=vector["signature"]
            )
            tampered = await slack.post(
                vector["body"].replace("roadrunner", "coyote"),
                timestamp=vector["timestamp"],
                signature=vector["signature"],
            )
    # Verified, then routed: /webhook-collect is not one of ours, so Bolt answers 404.
    assert accepted.status == 404
    assert tampered.status == 401
    assert fake.hook_posts == []


async def test_forged_signature_is_rejected(run_http_bot: RunBot, fake: FakeSlack) -> None:
    async with run_http_bot() as slack:
        body, _ = slack.command_body("/quote", "trump")
        forged = await slack.post(body, secret="not-the-signing-secret")
        unsigned = await slack.post(body, signature="v0=")
    assert (forged.status, unsigned.status) == (401, 401)
    await asyncio.sleep(0.2)
    assert fake.hook_posts == []


async def test_stale_timestamp_is_rejected_even_when_correctly_signed(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot() as slack:
        body, _ = slack.command_body("/quote", "trump")
        stale = str(int(time.time()) - 6 * 60)
        answer = await slack.post(body, timestamp=stale, secret=SIGNING_SECRET)
    assert answer.status == 401
    await asyncio.sleep(0.2)
    assert fake.hook_posts == []


async def test_events_url_verification_challenge_is_answered(run_http_bot: RunBot) -> None:
    challenge = fixture("url_verification.json")
    async with run_http_bot() as slack:
        answer = await slack.event(challenge)
    assert answer.status == 200
    assert challenge["challenge"] in answer.body


# -- buttons ---------------------------------------------------------------------------------


async def test_next_button_replaces_the_private_message_with_page_two(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    payload = fixture("block_actions_ephemeral.json")
    payload["response_url"] = fake.response_url("actions")
    payload["actions"][0].update(value="/quote page 2")  # the timeline is one page now
    async with run_http_bot() as slack:
        answer = await slack.action(payload)
        page_two = await fake.hook_post()
    assert answer.status == 200
    assert page_two["replace_original"] is True
    assert "Page 2 of 4" in texts(page_two)
    assert buttons(page_two) == {
        "dispute_page_previous": "/quote page 1",
        "dispute_page_next": "/quote page 3",
        "dispute_share": "/quote page 2",
    }


async def test_share_button_posts_publicly_then_removes_the_private_copy(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    payload = fixture("block_actions_ephemeral.json")
    payload["response_url"] = fake.response_url("actions")
    payload["actions"][0].update(
        action_id="dispute_share",
        value="/quote hegseth",
        text={"type": "plain_text", "text": "Share in channel", "emoji": True},
    )
    async with run_http_bot() as slack:
        await slack.action(payload)
        public, cleanup = await fake.hook_post(1), await fake.hook_post(2)
    assert public["response_type"] == "in_channel"
    assert public["replace_original"] is False
    assert public["blocks"][0]["text"]["text"] == "Quotes by Pete Hegseth"
    assert "dispute_share" not in buttons(public)
    assert cleanup == {"delete_original": True}


async def test_did_you_mean_button_runs_the_suggestion(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot() as slack:
        await slack.command("/dispute", "qoute trump")
        unknown = await fake.hook_post(1)
        suggestion = buttons(unknown)
        assert suggestion == {"dispute_suggest_0": "/quote trump"}  # what followed kept
        payload = fixture("block_actions_ephemeral.json")
        payload["response_url"] = fake.response_url("actions")
        payload["actions"][0].update(action_id="dispute_suggest_0", value="/quote trump")
        await slack.action(payload)
        answered = await fake.hook_post(2)
    assert answered["replace_original"] is True
    assert answered["blocks"][0]["text"]["text"] == "Quotes by Donald Trump"


# -- mentions and direct messages --------------------------------------------------------------


async def test_mention_is_answered_in_a_thread(run_http_bot: RunBot, fake: FakeSlack) -> None:
    async with run_http_bot() as slack:
        answer = await slack.event(fixture("app_mention.json"))
        call = await fake.api_call("chat.postMessage")
    assert answer.status == 200
    assert call.params["channel"] == "C0DESK42"
    assert call.params["thread_ts"] == "1772197405.000200"
    assert call.authorization == "Bearer xoxb-1111-2222-fakebottoken"
    assert call.params["blocks"][0]["text"]["text"] == "Quotes by Pete Hegseth"


async def test_direct_message_is_answered_in_a_thread(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    async with run_http_bot() as slack:
        await slack.event(fixture("message_im.json"))
        call = await fake.api_call("chat.postMessage")
    assert call.params["channel"] == "D0REPORTERDM"
    assert call.params["thread_ts"] == "1772197511.000300"
    assert call.params["blocks"][0]["text"]["text"] == "Where Anthropic stands"


async def test_the_bots_own_messages_are_not_answered(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    own = fixture("message_im.json")
    own["event"].update(user="U0DISPUTEBOT", bot_id="B0DISPUTEBOT", subtype="bot_message")
    own["event_id"] = "Ev0OWNMSG001"
    async with run_http_bot() as slack:
        await slack.event(own)
        await slack.event(fixture("message_im.json"))
        await fake.api_call("chat.postMessage")
        await asyncio.sleep(0.2)
    assert len(fake.calls_to("chat.postMessage")) == 1  # only the person's message


async def test_a_mention_that_pings_the_channel_is_echoed_inert(
    run_http_bot: RunBot, fake: FakeSlack
) -> None:
    mention = fixture("app_mention.json")
    mention["event"]["text"] = "<@U0DISPUTEBOT> quote <!channel> &lt;!here&gt; <@U0BOSS>"
    async with run_http_bot() as slack:
        await slack.event(mention)
        call = await fake.api_call("chat.postMessage")
    seen = texts(call.params)
    assert "<!channel>" not in seen and "<!here>" not in seen and "<@U0BOSS>" not in seen
    assert "&lt;!channel&gt;" in seen
