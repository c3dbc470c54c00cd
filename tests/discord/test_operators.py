"""/reload on Discord, through discord.py's CommandTree: only the users `discord_operators`
lists; managing the server (or every permission) is not enough, and an empty list means
nobody."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.app import build_core
from bot.config import Settings
from tests.discord.conftest import NOW, SEEDS, running
from tests.fakes.discord import ALL_PERMISSIONS, USER_ID, FakeDiscord

REFUSED = "Only the operators of this bot can use /reload."


def said(data: dict[str, object]) -> str:
    embeds = data.get("embeds") or []
    assert isinstance(embeds, list)
    return "\n".join(str(e.get("title", "")) + "\n" + str(e.get("description", "")) for e in embeds)


@pytest.mark.parametrize(
    ("operators", "refused"),
    [((), True), (("1234567890",), True), ((USER_ID,), False)],
)
async def test_only_a_listed_operator_reloads_whatever_their_permissions(
    fake: FakeDiscord,
    make_settings: Callable[..., Settings],
    operators: tuple[str, ...],
    refused: bool,
) -> None:
    settings = make_settings(discord_operators=operators, seeds=SEEDS)
    core = build_core(settings, clock=lambda: NOW, eager=True)
    async with running(fake, core, settings) as bot:
        _, answer = await bot.ask("reload", permissions=ALL_PERMISSIONS)
    shown = said(answer.data)
    assert (REFUSED in shown) is refused
    assert ("Dossier reloaded" in shown) is not refused
