"""Slow commands defer then follow up; failing ones apologise privately and log a traceback."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from bot.app import build_core
from bot.core import Args, Command, Context, Core
from bot.i18n import t
from bot.reply import Item, Reply, ReplyKind
from tests.discord.conftest import running
from tests.fakes.discord import EPHEMERAL, LOADING, FakeDiscord


def add_command(core: Core, name: str, run: Any) -> None:
    """A test-only command, registered on this Core like any handler."""
    core.commands[name] = Command(
        name=name, summary={"en": f"Test-only /{name}."}, usage=f"/{name}", examples=(), run=run
    )


def boom(ctx: Context, args: Args) -> Reply:
    raise RuntimeError("kaboom: internal detail the user must not see")


@pytest.mark.parametrize("visibility", ["ephemeral", "public"])
async def test_a_slow_command_is_deferred_then_followed_up(
    fake: FakeDiscord, core: Core, make_settings: Any, visibility: str
) -> None:
    gate = threading.Event()

    def slow(ctx: Context, args: Args) -> Reply:
        gate.wait(5)
        return Reply(
            command="slow", kind=ReplyKind.OK, title="Done at last", items=(Item(title="One"),)
        )

    settings = make_settings(reply_visibility=visibility)
    core = build_core(settings, dossier=core.dossier, clock=core.clock)
    add_command(core, "slow", slow)
    async with running(fake, core, settings, defer_after=0.05):
        interaction = await fake.invoke("slow")
        deferred = await fake.next_answer(interaction)
        assert deferred.type == 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: "thinking…"
        assert deferred.at < 1.0
        assert deferred.message is not None and deferred.message["flags"] & LOADING
        assert bool(deferred.data.get("flags", 0) & EPHEMERAL) == (visibility == "ephemeral")
        gate.set()
        followup = await fake.next_answer(interaction, kind="followup")
    sent = fake.requests[-1]
    assert sent.method == "POST" and sent.path.startswith(f"/webhooks/{fake.application_id}/")
    assert followup.body["embeds"][0]["title"] == "Done at last"
    assert followup.message is not None and followup.message["id"] == deferred.message["id"]
    assert not followup.message["flags"] & LOADING
    assert fake.rejected == []


async def test_a_failing_handler_answers_a_short_private_apology_and_logs_the_traceback(
    fake: FakeDiscord, core: Core, make_settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    add_command(core, "boom", boom)
    caplog.set_level(logging.INFO)
    # Even when replies are public, an apology is for the caller alone.
    async with running(fake, core, make_settings(reply_visibility="public")):
        interaction = await fake.invoke("boom")
        answer = await fake.next_answer(interaction)
    assert answer.type == 4 and answer.data["flags"] & EPHEMERAL
    assert answer.data["content"] == t("en", "error", command="boom")
    assert answer.data.get("embeds") in (None, [])
    assert "kaboom" not in str(answer.body) and "Traceback" not in str(answer.body)
    failures = [r for r in caplog.records if r.exc_info and isinstance(r.exc_info[1], RuntimeError)]
    assert failures, "the handler's exception must be logged with its traceback"
    assert "kaboom" in caplog.text and "Traceback" in caplog.text


async def test_a_french_user_is_apologised_to_in_french(
    fake: FakeDiscord, core: Core, settings: Any
) -> None:
    add_command(core, "boom", boom)
    async with running(fake, core, settings):
        answer = await fake.next_answer(await fake.invoke("boom", locale="fr"))
    assert answer.data["content"] == t("fr", "error", command="boom")


async def test_a_slow_failure_after_a_public_defer_still_apologises_privately(
    fake: FakeDiscord, core: Core, make_settings: Any
) -> None:
    gate = threading.Event()

    def slow_boom(ctx: Context, args: Args) -> Reply:
        gate.wait(5)
        raise RuntimeError("kaboom")

    add_command(core, "slowboom", slow_boom)
    async with running(fake, core, make_settings(reply_visibility="public"), defer_after=0.05):
        interaction = await fake.invoke("slowboom")
        deferred = await fake.next_answer(interaction)
        assert deferred.type == 5 and not deferred.data.get("flags", 0) & EPHEMERAL
        gate.set()
        removed = await fake.next_answer(interaction, kind="delete")
        apology = await fake.next_answer(interaction, kind="followup")
    assert deferred.message is not None and removed.message is not None
    assert removed.message["id"] == deferred.message["id"]  # the public "thinking…" is gone
    assert apology.message is not None and apology.message["flags"] & EPHEMERAL
    assert apology.body["content"] == t("en", "error", command="slowboom")


async def test_a_failure_in_the_discord_layer_itself_is_caught_the_same_way(
    fake: FakeDiscord, core: Core, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    def not_a_reply(ctx: Context, args: Args) -> Reply:
        return "a handler bug: not a Reply"  # type: ignore[return-value]

    add_command(core, "broken", not_a_reply)
    async with running(fake, core, settings):
        answer = await fake.next_answer(await fake.invoke("broken"))
    assert answer.type == 4 and answer.data["flags"] & EPHEMERAL
    assert answer.data["content"] == t("en", "error", command="broken")
    assert any(r.name == "dispute_bot.discord" and r.exc_info for r in caplog.records)
