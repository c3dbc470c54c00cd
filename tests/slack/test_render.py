"""Block Kit output: valid for Slack's own models, inside every limit, and never able to ping."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block

from bot.config import Settings, load_settings
from bot.core import Core
from bot.dossier import Dossier
from bot.platforms.slack.mrkdwn import clip, escape, slack_length, unescape
from bot.platforms.slack.render import build_message, render_message
from bot.reply import Field, Item, Layout, Page, Reply, ReplyKind, Source
from tests.slack.conftest import make_core

CROWD_PINGS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U024BE7LH>",
    "<@U024BE7LH|bob>",
    "<!subteam^SAZ94GDB8|@engineers>",
    "<!here|here>",
    "<#C0DESK42>",
    "<https://evil.example/login|Click to verify>",
]


def visible_texts(message: dict[str, Any]) -> list[str]:
    """Every text Slack would show: the fallback and every `text` inside the blocks."""
    found = [message["text"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message["blocks"])
    return found


def assert_valid_for_slack(message: dict[str, Any]) -> None:
    """Slack's block models accept every block unchanged, and every documented limit holds."""
    assert message["text"].strip(), "a fallback text for notifications and screen readers"
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        assert parsed.to_dict() == block  # to_dict() runs slack_sdk's validators
        if block["type"] == "header":
            assert slack_length(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert 1 <= slack_length(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(slack_length(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
            assert all(slack_length(e["text"]) <= 3000 for e in block["elements"])
        if block["type"] == "actions":
            for button in block["elements"]:
                assert slack_length(button["text"]["text"]) <= 75
                assert len(button["value"]) <= 2000
    assert slack_length(message["text"]) <= 3000


def assert_cannot_ping(message: dict[str, Any]) -> None:
    for text in visible_texts(message):
        assert "<" not in text, text
        assert "@channel" not in text and "@here" not in text and "@everyone" not in text


@pytest.fixture(scope="module")
def core(dossier: Dossier) -> Core:
    return make_core(load_settings(environ={}), dossier)


def every_line(core: Core) -> list[str]:
    """Every example of every command, every page of the paged ones, help on each command."""
    lines = [example for command in core.commands.values() for example in command.examples]
    lines += [f"/help {name}" for name in core.commands]
    lines += ["/qoute trump", "/quote zzzz", "/positions nobody at all", "/help nothing"]
    for base in ("/timeline", "/quote", "/positions", "/sources"):
        first = core.handle_line(base)
        count = first.page.count if first.page else 1
        lines += [f"{base} page {n}" for n in range(1, count + 1)]
    return lines


@pytest.mark.parametrize("locale", ["en", "fr"])
def test_every_command_renders_valid_block_kit_within_limits(core: Core, locale: str) -> None:
    lines = every_line(core)
    assert len(lines) > 30
    for line in lines:
        reply = core.handle_line(line, platform="slack", locale=locale)
        message = build_message(reply, share_line=line)
        assert_valid_for_slack(message)
        assert_cannot_ping(message)
        assert message["blocks"][0]["type"] == "header"


def test_the_longest_real_reply_is_complete(core: Core) -> None:
    """The digest is the longest reply: nothing in it is clipped or dropped."""
    reply = core.handle_line("/digest", platform="slack")
    message = build_message(reply, share_line="/digest")
    assert_valid_for_slack(message)
    text = "\n".join(visible_texts(message))
    assert "…" not in text
    for item in reply.items:
        assert escape(item.title) in text
    assert "Where things stand" in text and "Key dates" in text


def test_paging_buttons_rerun_the_neighbouring_pages(core: Core) -> None:
    reply = core.handle_line("/quote page 2", platform="slack")
    message = build_message(reply, share_line="/quote page 2")
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in actions["elements"]] == [
        ("dispute_page_previous", "/quote page 1", "◀ Previous"),
        ("dispute_page_next", "/quote page 3", "Next ▶"),
        ("dispute_share", "/quote page 2", "Share in channel"),
    ]
    assert {"type": "mrkdwn", "text": "Page 2 of 4", "verbatim": True} in [
        e for b in message["blocks"] if b["type"] == "context" for e in b["elements"]
    ]


def test_french_buttons_and_page_label(core: Core) -> None:
    reply = core.handle_line("/quote", platform="slack", locale="fr")
    message = render_message(reply, share_button=True)
    labels = [
        b["text"]["text"]
        for blk in message["blocks"]
        if blk["type"] == "actions"
        for b in blk["elements"]
    ]
    assert labels == ["Suivant ▶", "Partager dans le canal"]
    assert "Page 1 sur 4" in visible_texts(message)


def test_render_message_shares_the_page_shown(core: Core) -> None:
    reply = core.handle_line("/quote page 2", platform="slack")
    plain = render_message(reply)
    shared = render_message(reply, share_button=True)
    values = {
        b["action_id"]: b["value"]
        for blk in shared["blocks"]
        if blk["type"] == "actions"
        for b in blk["elements"]
    }
    assert values["dispute_share"] == "/quote page 2"
    assert "dispute_share" not in str(plain)


def test_errors_get_no_share_button_and_a_warning(core: Core) -> None:
    reply = Reply(command="quote", kind=ReplyKind.ERROR, title="/quote", text="Sorry.")
    message = build_message(reply, share_line="/quote trump")
    assert [b["type"] for b in message["blocks"]] == ["header", "section"]
    assert message["blocks"][1]["text"]["text"] == ":warning: Sorry."


def _huge_reply(settings: Settings) -> Reply:
    long = "Le Pentagone & Anthropic <négocient> " * 400  # 14 000 characters
    source = Source(article_id="a", title="T" * 500, date="2026-02-28", credit="AFP")
    items = tuple(
        Item(
            title=f"Item {n} " + "x" * 400,
            body=long,
            quote=long,
            translation=long,
            fields=tuple(Field(name=f"Field {k}", value=long) for k in range(25))
            + tuple(Field(name=f"Note {k}", value=long, inline=False) for k in range(3)),
            sources=(source,) * 40,
        )
        for n in range(60)
    )
    return Reply(
        command="timeline",
        kind=ReplyKind.OK,
        title="A title far longer than any header may be " * 10,
        text=long,
        items=items,
        page=Page(number=2, count=99, previous="/timeline page 1", next="/timeline page 3"),
        sources=tuple(Source(article_id=f"s{n}", title=long, date="2026") for n in range(30)),
        footer=long,
        locale=settings.locale,
    )


def test_an_oversized_reply_is_clipped_into_slacks_limits() -> None:
    reply = _huge_reply(load_settings(environ={}))
    message = build_message(reply, share_line="/timeline page 2")
    assert_valid_for_slack(message)
    assert len(message["blocks"]) >= 48  # full, but not over
    notes = [e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert any(n.startswith("+") for n in notes)  # the items that did not fit are counted
    assert message["blocks"][-1]["type"] == "actions"  # the buttons always survive


def test_an_oversized_item_is_cut_without_breaking_an_entity() -> None:
    reply = _huge_reply(load_settings(environ={}))
    message = build_message(reply, share_line=None)
    for text in visible_texts(message):
        if text.endswith("…"):
            head = text[:-1]
            last = head.rfind("&")
            assert last == -1 or head[last:].startswith(("&amp;", "&lt;", "&gt;")), head[-8:]


@pytest.mark.parametrize("ping", CROWD_PINGS)
def test_corpus_text_never_pings_or_links(ping: str) -> None:
    source = Source(article_id="a", title=f"Title {ping}", date="2026-02-28", credit=ping)
    reply = Reply(
        command="quote",
        kind=ReplyKind.EMPTY,
        title=f"Quotes by {ping}",
        text=f"No quote matches {ping} @channel @here @everyone.",
        items=(
            Item(
                title=ping,
                body=f"body {ping}",
                quote=f"quote {ping}\n{ping}",
                translation=ping,
                fields=(Field(name=ping, value=ping), Field(name="x", value=ping, inline=False)),
                sources=(source,),
            ),
        ),
        suggestions=(f"/quote {ping}",),
        sources=(source,),
        footer=ping,
    )
    message = build_message(reply, share_line=None)
    assert_valid_for_slack(message)
    assert_cannot_ping(message)
    shown = "\n".join(visible_texts(message))
    assert escape(ping) in shown  # still readable, as typed


@pytest.mark.parametrize("ping", CROWD_PINGS)
def test_user_input_echoed_back_never_pings(core: Core, ping: str) -> None:
    for line in (f"/quote {ping}", f"/timeline {ping}", f"/{ping}", f"/help {ping}"):
        message = build_message(core.handle_line(line, platform="slack"), share_line=line)
        assert_valid_for_slack(message)
        assert_cannot_ping(message)


@given(st.text())
def test_escape_leaves_no_control_character_and_round_trips(text: str) -> None:
    assume("\u2060" not in text)
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped).replace("\u2060", "") == text


@given(st.text(), st.integers(min_value=2, max_value=300))
def test_clip_respects_the_limit_as_slack_counts(text: str, limit: int) -> None:
    clipped = clip(escape(text), limit)
    assert slack_length(clipped) <= limit
    if slack_length(escape(text)) <= limit:
        assert clipped == escape(text)


def test_the_whole_timeline_is_one_message_of_lines_with_notes(core: Core) -> None:
    for locale in ("en", "fr"):
        reply = core.handle_line("/timeline", platform="slack", locale=locale)
        message = render_message(reply, share_button=True)
        assert_valid_for_slack(message)
        text = "\n".join(visible_texts(message))
        assert "…" not in text  # nothing clipped
        for item in reply.items:
            assert f"*{escape(item.title)}* — {escape(item.body)} [" in text
        notes = [
            e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]
        ]
        assert any(
            n.startswith("[1] AFP, 2026-02-25: ") and "\n[2] AFP, 2026-02-28: " in n for n in notes
        )


def test_a_reply_of_many_long_lines_stays_within_slack_limits() -> None:
    items = tuple(Item(title=f"Day {n}", body="word " * 200, cites=(1, 2)) for n in range(1, 400))
    reply = Reply(
        command="timeline",
        kind=ReplyKind.OK,
        title="Timeline",
        items=items,
        sources=(Source(article_id="a", title="A", date="2026-02-25"),),
        layout=Layout.LINES,
    )
    message = render_message(reply)
    assert_valid_for_slack(message)
    text = "\n".join(visible_texts(message))
    assert "[1] AFP, 2026-02-25: A" in text
    assert re.search(r"^\+\d+ …$", text, re.MULTILINE)  # what does not fit is counted
