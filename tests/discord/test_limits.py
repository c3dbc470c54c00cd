"""The longest answers reach Discord within its limits (the fake refuses what Discord would)."""

from __future__ import annotations

from typing import Any

from bot.core import Args, Command, Context, Core
from bot.platforms.discord.render import embed_size
from bot.reply import Field, Item, Page, Reply, ReplyKind, Source
from tests.discord.conftest import Bot, running
from tests.fakes.discord import (
    EPHEMERAL,
    FakeDiscord,
    Sent,
    _message_problems,
    mention_violations,
)


def huge(ctx: Context, args: Args) -> Reply:
    item = Item(
        title="Very long title " * 30,
        body="A body that goes on. " * 200,
        quote="« " + "verbatim words " * 300 + "»",
        translation="translated words " * 150,
        fields=tuple(Field(name=f"Field {n} " * 40, value="value " * 400) for n in range(6)),
    )
    return Reply(
        command="huge",
        kind=ReplyKind.OK,
        title="A title far longer than Discord allows " * 10,
        text="A lead paragraph. " * 400,
        items=(item,) * 10,
        sources=tuple(
            Source(article_id=str(n), title="A source title " * 20, date="2026-02-28")
            for n in range(30)
        ),
        page=Page(number=1, count=2, next="/huge page 2"),
        locale=ctx.locale,
    )


async def test_the_largest_possible_answer_is_cut_to_fit_and_accepted(
    fake: FakeDiscord, core: Core, settings: Any
) -> None:
    core.commands["huge"] = Command(
        name="huge", summary={"en": "Test-only: too much."}, usage="/huge", examples=(), run=huge
    )
    async with running(fake, core, settings):
        answer = await fake.next_answer(await fake.invoke("huge"))
    assert answer.type == 4 and answer.data["flags"] & EPHEMERAL
    assert _message_problems(answer.data) == []  # and the fake accepted it (fixture checks)
    [embed] = answer.data["embeds"]
    assert embed_size(embed) <= 6000
    assert len(embed["fields"]) == 10  # ten items, each folded into one field
    assert embed["title"].endswith("…")


async def test_walking_every_page_of_all_quotes_stays_within_limits(bot: Bot) -> None:
    fake = bot.fake
    _, answer = await bot.ask("quote")
    message = answer.message
    pages = 1
    while message is not None:
        nexts = [
            b
            for row in message["components"]
            for b in row["components"]
            if b["label"].startswith("Next") and not b["disabled"]
        ]
        if not nexts:
            break
        answer = await fake.next_answer(await fake.click(message, nexts[0]["custom_id"]))
        assert answer.type == 7
        message, pages = answer.message, pages + 1
    assert pages == 4
    assert fake.rejected == []


def test_the_fakes_checks_can_fail() -> None:
    """The fake's validation and mention audit are real checks, not rubber stamps."""
    too_long = {"content": "x" * 2001, "embeds": [{"title": "t" * 257}], "components": []}
    problems = _message_problems(too_long)
    assert any(p.startswith("content") for p in problems)
    assert any(p.startswith("embeds.0.title") for p in problems)
    fake = FakeDiscord(token="t")
    fake.requests.append(Sent("POST", "/channels/1/messages", {}, {"content": "@everyone"}, None))
    assert len(mention_violations(fake)) == 1
