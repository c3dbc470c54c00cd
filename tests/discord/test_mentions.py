"""No message the bot sends can ping anyone, whatever the user typed or the corpus holds.

Besides these cases, the `fake` fixture checks after every Discord test that each message
the bot posted or edited carried `allowed_mentions: {"parse": []}`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from bot.app import build_core
from bot.config import PROJECT_ROOT
from bot.core import Args, Command, Context, Core
from bot.reply import Reply, ReplyKind
from tests.discord.conftest import NOW, Bot, running
from tests.fakes.discord import FakeDiscord

CROWD = "@everyone @here <@&1290573849201748035> <@1190482737451409418>"


async def test_a_user_typing_everyone_is_shown_the_text_and_nobody_is_pinged(bot: Bot) -> None:
    _, answer = await bot.ask("quote", keywords="@everyone @here")
    data = answer.data
    assert data["allowed_mentions"] == {"parse": []}
    assert "@everyone" in data["embeds"][0]["description"]  # echoed in an embed: never a ping
    assert "@everyone" not in (data.get("content") or "")


async def test_corpus_text_holding_mentions_never_pings(
    fake: FakeDiscord, make_settings: Any, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(PROJECT_ROOT / "seeds", seeds)
    dossier = seeds / "dispute.yaml"
    text = dossier.read_text(encoding="utf-8")
    standing = "with a six-month transition."
    assert standing in text
    dossier.write_text(text.replace(standing, f"with a six-month transition. {CROWD}", 1), "utf-8")
    settings = make_settings(seeds=seeds)
    core = build_core(settings, clock=lambda: NOW)
    async with running(fake, core, settings) as bot:
        _, answer = await bot.ask("digest")
        shared = await fake.next_answer(await fake.click(answer.message or {}, "dbot:share"))
    for data in (answer.data, shared.data):
        assert data["allowed_mentions"] == {"parse": []}
        values = " ".join(f["value"] for f in data["embeds"][0]["fields"])
        assert "@everyone" in values and "<@&1290573849201748035>" in values
        assert not data.get("content")


async def test_plain_content_neutralises_crowd_mentions_as_well(
    fake: FakeDiscord, core: Core, settings: Any
) -> None:
    def shout(ctx: Context, args: Args) -> Reply:
        return Reply(command="shout", kind=ReplyKind.ERROR, title="/shout", text=f"oops {CROWD}")

    core.commands["shout"] = Command(
        name="shout", summary={"en": "Test-only."}, usage="/shout", examples=(), run=shout
    )
    async with running(fake, core, settings):
        answer = await fake.next_answer(await fake.invoke("shout"))
    content = answer.data["content"]
    assert "@everyone" not in content and "@here" not in content
    assert "@\u200beveryone" in content  # still readable, inert
    assert answer.data["allowed_mentions"] == {"parse": []}
