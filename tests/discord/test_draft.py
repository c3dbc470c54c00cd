"""/draft on Discord, through discord.py's CommandTree: an admin attaches an article and gets
the summary and the draft as a file, in a multipart follow-up after "thinking…"."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_core
from bot.config import Settings
from bot.dossier import Dossier
from bot.draft import nlp
from tests.discord.conftest import NOW, SEEDS, Bot, running
from tests.draft.review import ARTICLE, QUOTE, save_beside, served_only_once_accepted
from tests.fakes.discord import (
    ALL_PERMISSIONS,
    EPHEMERAL,
    LOADING,
    MANAGE_CHANNELS,
    USER_ID,
    Answer,
    FakeDiscord,
)

NAME = "2026-03-02-hegseth-ne-recule-pas.txt"
DRAFT_NAME = "2026-03-02-hegseth-ne-recule-pas.draft.yaml"
READER = ALL_PERMISSIONS & ~MANAGE_CHANNELS


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    """The recorded interactions' user is one of the bot's operators (`discord_operators`)."""
    return make_settings(discord_operators=(USER_ID,))


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


async def draft(bot: Bot, data: bytes, **given: Any) -> tuple[Answer, Answer]:
    """Run /draft with `data` attached as NAME: (the first answer, the follow-up)."""
    attachment = bot.fake.files.attach(data, filename=NAME, size=given.pop("size", None))
    interaction = await bot.fake.invoke("draft", article=attachment, **given)
    first = await bot.fake.next_answer(interaction)
    follow_up = await bot.fake.wait_for(
        lambda: next((a for a in bot.fake.answers_to(interaction) if a.kind == "followup"), None),
        timeout=60,  # the first draft may load spaCy's model
    )
    return first, follow_up


def description(answer: Answer) -> str:
    return "\n".join(e.get("description", "") for e in answer.data["embeds"])


async def test_an_admins_article_comes_back_as_a_draft_file(bot: Bot, seeds_copy: Path) -> None:
    first, follow_up = await draft(bot, ARTICLE.encode())
    assert first.kind == "callback" and first.type == 5  # "thinking…" at once
    assert first.at < 1.0
    assert first.message is not None and first.message["flags"] & (LOADING | EPHEMERAL)
    assert follow_up.message is not None and follow_up.message["flags"] & EPHEMERAL
    assert "1 quote, 0 new actors, 3 events." in description(follow_up)
    assert follow_up.data["allowed_mentions"] == {"parse": []}
    [sent] = follow_up.files
    assert sent.filename == DRAFT_NAME
    [listed] = follow_up.message["attachments"]
    assert (listed["filename"], listed["size"]) == (DRAFT_NAME, len(sent.data))
    assert not follow_up.message["components"]  # no Share button: a draft is the admin's
    assert f'text: "{QUOTE}"' in sent.text and "speaker: hegseth" in sent.text
    saved = save_beside(seeds_copy, (NAME, ARTICLE.encode()), (DRAFT_NAME, sent.text))
    served_only_once_accepted(saved)


@pytest.mark.parametrize("permissions", [READER, ALL_PERMISSIONS])
async def test_a_member_who_is_not_an_operator_is_refused_unread(
    fake: FakeDiscord,
    make_settings: Callable[..., Settings],
    dossier: Dossier,
    permissions: int,
) -> None:
    """Even a member who manages the server: /draft costs the whole deployment's time."""
    settings = make_settings(discord_operators=("1234567890",))  # someone else
    core = build_core(settings, dossier=dossier, clock=lambda: NOW)
    async with running(fake, core, settings) as bot:
        attachment = bot.fake.files.attach(ARTICLE.encode(), filename=NAME)
        interaction = await bot.fake.invoke("draft", article=attachment, permissions=permissions)
        answer = await bot.fake.next_answer(interaction)
    assert answer.type == 4
    assert "Only the operators of this bot can use /draft." in description(answer)
    assert bot.fake.files.fetched == []


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\x00\x01\x02PK\x03\x04", f"{NAME} is a binary file, not an article's text."),
        (b"Pete Hegseth promet de ne pas reculer\n", f"{NAME}: the first line must be"),
        ("date 2026-03-02 Été\ncafé".encode("latin-1"), f"{NAME} is not UTF-8 text (byte 16)"),
    ],
)
async def test_a_bad_file_gets_one_line(bot: Bot, data: bytes, said: str) -> None:
    _, follow_up = await draft(bot, data)
    assert said in description(follow_up).replace("\\", "")
    assert follow_up.files == []


async def test_a_file_over_the_limit_is_not_fetched(bot: Bot) -> None:
    _, follow_up = await draft(bot, ARTICLE.encode(), size=5_000_000)
    assert "is 5000 KB: an article for /draft can be 200 KB at most." in description(follow_up)
    assert bot.fake.files.fetched == []


async def test_draft_is_synced_for_managers_with_an_attachment_option(bot: Bot) -> None:
    registered = bot.fake.registered("draft")
    [option] = registered["options"]
    assert (option["name"], option["type"], option["required"]) == ("article", 11, True)
    assert registered["default_member_permissions"] == str(MANAGE_CHANNELS)
    assert registered["dm_permission"] is False


async def test_drafting_works_on_rules_alone_without_spacy(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # as in the bot's image: no `draft` extra
    monkeypatch.setattr(nlp, "_LOADED", {})
    _, follow_up = await draft(bot, ARTICLE.encode())
    [sent] = follow_up.files
    assert "Read with: rules only: spaCy is not installed" in sent.text
    assert f'text: "{QUOTE}"' in sent.text and "speaker: hegseth" in sent.text
