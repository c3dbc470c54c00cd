"""Previous/Next edit the answer in place; Share posts it to the channel for everyone."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from bot.core import Args, Command, Context, Core, Option, paginate
from bot.platforms.discord.custom_ids import PAGE_PREFIX
from bot.reply import Item, Reply
from tests.discord.conftest import Bot, running
from tests.fakes.discord import EPHEMERAL, FakeDiscord


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A message's buttons by label."""
    return {b["label"]: b for row in message["components"] for b in row["components"]}


def footer(message: dict[str, Any]) -> str:
    return str(message["embeds"][0].get("footer", {}).get("text", ""))


async def test_next_and_previous_edit_the_answer_in_place(bot: Bot) -> None:
    fake = bot.fake
    _, first = await bot.ask("quote")
    message = first.message
    assert message is not None and footer(message).startswith("Page 1 of 4")
    assert buttons(message)["◀ Previous"]["disabled"] is True
    assert buttons(message)["Next ▶"]["custom_id"] == PAGE_PREFIX + "/quote page 2"

    click = await fake.click(message, buttons(message)["Next ▶"]["custom_id"])
    update = await fake.next_answer(click)
    assert update.type == 7  # UPDATE_MESSAGE: the same message, edited
    assert update.message is not None and update.message["id"] == message["id"]
    assert footer(update.message).startswith("Page 2 of 4")
    assert (
        update.message["embeds"][0]["fields"][0]["name"]
        != message["embeds"][0]["fields"][0]["name"]
    )
    now = buttons(update.message)
    assert now["◀ Previous"]["disabled"] is False
    assert now["◀ Previous"]["custom_id"] == PAGE_PREFIX + "/quote page 1"
    assert "Share in channel" in now  # still the caller's own answer, still shareable

    back = await fake.click(update.message, now["◀ Previous"]["custom_id"])
    again = await fake.next_answer(back)
    assert again.message is not None and footer(again.message).startswith("Page 1 of 4")
    assert again.data["allowed_mentions"] == {"parse": []}


async def test_share_posts_the_same_answer_publicly_without_a_share_button(bot: Bot) -> None:
    fake = bot.fake
    _, first = await bot.ask("quote", speaker="Donald Trump")
    private = first.message
    assert private is not None and private["flags"] & EPHEMERAL

    click = await fake.click(private, "dbot:share")
    shared = await fake.next_answer(click)
    assert shared.type == 4  # a new message in the channel
    assert shared.message is not None and not shared.message["flags"] & EPHEMERAL
    assert shared.message["embeds"][0]["title"] == private["embeds"][0]["title"]
    assert shared.message["embeds"][0]["fields"] == private["embeds"][0]["fields"]
    assert "Share in channel" not in buttons(shared.message)
    assert shared.data["allowed_mentions"] == {"parse": []}


async def test_paging_a_shared_answer_edits_it_for_everyone(bot: Bot) -> None:
    fake = bot.fake
    _, first = await bot.ask("quote")
    assert first.message is not None
    shared = await fake.next_answer(await fake.click(first.message, "dbot:share"))
    assert shared.message is not None
    public = shared.message
    turned = await fake.next_answer(
        await fake.click(public, buttons(public)["Next ▶"]["custom_id"])
    )
    assert turned.type == 7 and turned.message is not None
    assert turned.message["id"] == public["id"]
    assert footer(turned.message).startswith("Page 2 of 4")
    assert "Share in channel" not in buttons(turned.message)


def _long_list(ctx: Context, args: Args) -> Reply:
    items = [Item(title=f"Item {n}", body=args.text) for n in range(1, 13)]
    return paginate(ctx, command="longlist", args=args, items=items, title="A long list")


@pytest.fixture
def long_list_core(core: Core) -> Core:
    core.commands["longlist"] = Command(
        name="longlist",
        summary={"en": "Test-only: twelve items over three pages."},
        usage="/longlist [words]",
        examples=(),
        options=(
            Option(name="words", description={"en": "Any words"}),
            Option(name="page", description={"en": "Page"}, kind="page"),
        ),
        run=_long_list,
    )
    return core


async def test_a_long_command_line_travels_in_a_short_custom_id(
    fake: FakeDiscord, long_list_core: Core, settings: Any
) -> None:
    words = "word " * 19 + "last"  # 99 characters: the page line no longer fits in 100
    async with running(fake, long_list_core, settings) as bot:
        _, first = await bot.ask("longlist", words=words)
        assert first.message is not None
        next_id = buttons(first.message)["Next ▶"]["custom_id"]
        assert len(next_id) <= 100 and next_id.startswith(PAGE_PREFIX + "#")
        turned = await fake.next_answer(await fake.click(first.message, next_id))
    assert turned.type == 7 and turned.message is not None
    assert footer(turned.message).startswith("Page 2 of 3")
    assert turned.message["embeds"][0]["fields"][0]["name"] == "Item 6"


async def test_a_button_from_before_a_restart_says_it_expired(bot: Bot) -> None:
    fake = bot.fake
    old = fake.add_message(
        {
            "embeds": [{"title": "A long list", "footer": {"text": "Page 1 of 3"}}],
            "components": [
                {
                    "type": 1,
                    "components": [
                        {
                            "type": 2,
                            "style": 2,
                            "label": "Next ▶",
                            "custom_id": PAGE_PREFIX + "#0123456789abcdef01234567",
                        }
                    ],
                }
            ],
        },
        flags=EPHEMERAL,
    )
    answer = await fake.next_answer(
        await fake.click(old, PAGE_PREFIX + "#0123456789abcdef01234567", locale="fr")
    )
    assert answer.type == 4 and answer.data["flags"] & EPHEMERAL
    assert "expiré" in answer.data["content"]
    assert fake.messages[old["id"]]["embeds"][0]["title"] == "A long list"  # left as it was


async def test_a_slow_page_defers_the_click_then_edits_the_message(
    fake: FakeDiscord, core: Core, settings: Any
) -> None:
    gate = threading.Event()

    def slow_pages(ctx: Context, args: Args) -> Reply:
        if args.page > 1:
            gate.wait(5)
        items = [Item(title=f"Entry {n}") for n in range(1, 11)]
        return paginate(ctx, command="slowpages", args=args, items=items, title="Slow pages")

    core.commands["slowpages"] = Command(
        name="slowpages",
        summary={"en": "Test-only: page 2 takes a while."},
        usage="/slowpages",
        examples=(),
        options=(Option(name="page", description={"en": "Page"}, kind="page"),),
        run=slow_pages,
    )
    # A first command from a channel makes the state database's tables: not this one's time.
    core.handle_line("/help", platform="discord", channel="1", team="2")
    async with running(fake, core, settings, defer_after=0.05):
        first = await fake.next_answer(await fake.invoke("slowpages"))
        assert first.type == 4 and first.message is not None
        click = await fake.click(first.message, buttons(first.message)["Next ▶"]["custom_id"])
        deferred = await fake.next_answer(click)
        assert deferred.type == 6  # DEFERRED_UPDATE_MESSAGE: "working on it", message unchanged
        gate.set()
        edit = await fake.next_answer(click, kind="edit")
    assert edit.message is not None and edit.message["id"] == first.message["id"]
    assert footer(edit.message).startswith("Page 2 of 2")
    assert edit.body["allowed_mentions"] == {"parse": []}
