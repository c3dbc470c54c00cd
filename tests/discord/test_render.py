"""Rendering a Reply for Discord: one embed within every limit, buttons, never a ping."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Core
from bot.platforms.discord.custom_ids import (
    PAGE_PREFIX,
    LineCache,
    line_from_custom_id,
    page_custom_id,
)
from bot.platforms.discord.render import (
    CONTENT_LIMIT,
    EMBED_TOTAL_LIMIT,
    embed_size,
    escape_markdown,
    render_message,
    units,
)
from bot.reply import Field, Item, Layout, Page, Reply, ReplyKind, Source
from tests.fakes.discord import _message_problems


def assert_within_discord_limits(body: dict[str, Any]) -> None:
    """Every limit Discord enforces on a message body (checked as the fake Discord does)."""
    assert _message_problems(body) == []
    assert body["allowed_mentions"] == {"parse": []}
    assert units(body["content"]) <= CONTENT_LIMIT
    for embed in body["embeds"]:
        assert units(embed["title"]) <= 256
        assert units(embed.get("description", "")) <= 4096
        assert len(embed.get("fields", [])) <= 25
        for field in embed.get("fields", []):
            assert 1 <= units(field["name"]) <= 256 and 1 <= units(field["value"]) <= 1024
        assert units(embed.get("footer", {}).get("text", "")) <= 2048
    assert sum(embed_size(e) for e in body["embeds"]) <= EMBED_TOTAL_LIMIT


LINES = [
    "/timeline",
    "/timeline Pete Hegseth",
    "/timeline février 2026",
    "/quote",
    "/quote trump",
    "/quote amodei surveillance",
    "/positions",
    "/positions anthropic",
    "/positions surveillance",
    "/digest",
    "/sources",
    "/help",
    "/help quote",
    "/quote nothing-at-all-matches-this",
    "/nosuchcommand",
]


@pytest.mark.parametrize("locale", ["en", "fr"])
@pytest.mark.parametrize("line", LINES)
def test_every_page_of_every_real_answer_fits_discord(
    offline_core: Core, line: str, locale: str
) -> None:
    reply = offline_core.handle_line(line, locale=locale)
    pages = [reply]
    while pages[-1].page is not None and pages[-1].page.next:
        pages.append(offline_core.handle_line(pages[-1].page.next, locale=locale))
    for page in pages:
        body = render_message(page, share_button=True)
        assert_within_discord_limits(body)
        assert body["embeds"][0]["title"] == page.title


def test_the_longest_real_answer_keeps_every_item_and_field(offline_core: Core) -> None:
    replies = [offline_core.handle_line(line) for line in LINES]
    longest = max(replies, key=lambda r: sum(len(i.body) + len(i.quote or "") for i in r.items))
    [embed] = render_message(longest)["embeds"]
    assert longest.layout is Layout.LINES  # the whole timeline, one line an event
    shown = embed.get("description", "") + "".join(f["value"] for f in embed.get("fields", []))
    for item in longest.items:
        assert f"**{escape_markdown(item.title)}** — {escape_markdown(item.body)}" in shown
    assert "…" not in shown
    assert embed_size(embed) <= EMBED_TOTAL_LIMIT


def test_a_huge_reply_is_cut_to_fit_and_says_so() -> None:
    items = tuple(
        Item(
            title="T" * 300,
            body="b" * 3000,
            quote="q" * 3000,
            translation="t" * 2000,
            fields=tuple(Field(name="n" * 300, value="v" * 2000) for _ in range(4)),
        )
        for _ in range(10)
    )
    reply = Reply(
        command="x",
        kind=ReplyKind.OK,
        title="A" * 400,
        text="L" * 5000,
        items=items,
        sources=tuple(
            Source(article_id=str(n), title="s" * 300, date="2026-02-28") for n in range(20)
        ),
        page=Page(number=2, count=9, previous="/x page 1", next="/x page 3"),
    )
    body = render_message(reply, share_button=True)
    assert_within_discord_limits(body)
    [embed] = body["embeds"]
    assert embed["title"].endswith("…") and embed["description"].endswith("…")
    assert len(embed["fields"]) == 10  # 50 fields do not fit: one folded field per item
    assert embed["footer"]["text"].startswith("Page 2 of 9")


def test_a_handler_error_is_a_short_plain_apology_without_buttons() -> None:
    reply = Reply(command="quote", kind=ReplyKind.ERROR, title="/quote", text="Sorry. " * 600)
    body = render_message(reply, share_button=True)
    assert body["embeds"] == [] and body["components"] == []
    assert units(body["content"]) == CONTENT_LIMIT and body["content"].endswith("…")


def test_buttons_follow_the_page_and_the_share_flag() -> None:
    page = Page(number=1, count=3, previous=None, next="/quote trump page 2")
    reply = Reply(command="quote", kind=ReplyKind.OK, title="Quotes", page=page, locale="fr")
    [row] = render_message(reply, share_button=True)["components"]
    labels = [(b["label"], b["disabled"], b["custom_id"]) for b in row["components"]]
    assert labels == [
        ("◀ Précédent", True, "dbot:off:previous"),
        ("Suivant ▶", False, PAGE_PREFIX + "/quote trump page 2"),
        ("Partager dans le canal", False, "dbot:share"),
    ]
    assert render_message(reply)["components"][0]["components"][-1]["custom_id"] != "dbot:share"
    single = Reply(command="digest", kind=ReplyKind.OK, title="Digest")
    assert render_message(single)["components"] == []


def test_markdown_in_user_text_is_shown_as_typed() -> None:
    reply = Reply(
        command="quote",
        kind=ReplyKind.EMPTY,
        title="Quotes",
        text="No quote matches “**[x](https://evil)**”.",
    )
    description = render_message(reply)["embeds"][0]["description"]
    assert description == "No quote matches “\\*\\*\\[x\\](https\\://evil)\\*\\*”."


def test_long_command_lines_get_a_short_key_and_come_back() -> None:
    cache = LineCache(max_lines=2)
    short = "/quote trump page 2"
    assert page_custom_id(short, cache=cache) == PAGE_PREFIX + short
    long_line = "/quote " + "mot " * 40 + "page 2"
    custom_id = page_custom_id(long_line, cache=cache)
    assert len(custom_id) <= 100
    assert line_from_custom_id(custom_id, cache=cache) == long_line
    page_custom_id(long_line + " 3", cache=cache)
    page_custom_id(long_line + " 4", cache=cache)  # the cache is bounded: the oldest goes
    assert line_from_custom_id(custom_id, cache=cache) is None


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=2000)
field_strategy = st.builds(Field, name=text, value=text, inline=st.booleans())
item_strategy = st.builds(
    Item,
    title=text,
    body=text,
    quote=st.none() | text,
    translation=st.none() | text,
    fields=st.lists(field_strategy, max_size=8).map(tuple),
)
reply_strategy = st.builds(
    Reply,
    command=st.just("quote"),
    kind=st.sampled_from(list(ReplyKind)),
    title=text,
    text=text,
    items=st.lists(item_strategy, max_size=10).map(tuple),
    footer=text,
    locale=st.sampled_from(["en", "fr"]),
    page=st.none()
    | st.builds(
        Page,
        number=st.integers(1, 5),
        count=st.integers(1, 5),
        previous=st.none() | text.map(lambda s: "/quote " + s),
        next=st.none() | text.map(lambda s: "/quote " + s),
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=reply_strategy, share=st.booleans())
def test_any_reply_renders_within_discords_limits(reply: Reply, share: bool) -> None:
    body = render_message(reply, share_button=share)
    assert_within_discord_limits(body)
    assert "@everyone" not in body["content"] and "@here" not in body["content"]


def test_a_reply_of_many_long_lines_stays_within_discord_limits() -> None:
    items = tuple(Item(title=f"Day {n}", body="mot " * 150, cites=(1,)) for n in range(1, 60))
    reply = Reply(
        command="timeline",
        kind=ReplyKind.OK,
        title="Timeline",
        text="Read as February 2026.",
        items=items,
        sources=(Source(article_id="a", title="A", date="2026-02-25"),),
        layout=Layout.LINES,
    )
    body = render_message(reply)
    assert_within_discord_limits(body)
    [embed] = body["embeds"]
    assert embed["description"].startswith("Read as February 2026.\n\n**Day 1** — mot")
    assert embed["footer"]["text"].endswith("[1] AFP, 2026-02-25: A")
