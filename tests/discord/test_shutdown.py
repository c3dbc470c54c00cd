"""SIGTERM to a real `dispute-bot serve` on Discord while replies are on their way: each one
already being answered reaches its user before the connection closes, an interaction
arriving after the signal is told briefly to try again, and the process exits cleanly."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from tests.discord.conftest import TOKEN
from tests.fakes.discord import Answer, FakeDiscord, Interaction
from tests.faults.bot_process import BotProcess

GRACE = 8
IN_FLIGHT = 4


def callback_of(fake: FakeDiscord, interaction: Interaction) -> Answer | None:
    return next((a for a in fake.answers_to(interaction) if a.kind == "callback"), None)


def shown(answer: Answer) -> str:
    data = answer.data
    embeds = data.get("embeds") or []
    return str(data.get("content") or "") + "".join(str(e) for e in embeds)


async def test_replies_in_flight_at_sigterm_are_delivered_before_the_connection_closes(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    bot = await BotProcess.spawn(
        tmp_path,
        DISCORD_TOKEN=TOKEN,
        DISCORD_API_URL=fake.api_url,
        DISCORD_GATEWAY_URL=fake.gateway_url,
        DISPUTE_BOT_SHUTDOWN_GRACE=str(GRACE),
    )
    try:
        await fake.wait_for(lambda: fake.ready_sessions() and fake.commands, timeout=30)
        fake.callback_delay = 1.5  # Discord is slow to take each answer: they are in flight
        asked = [await fake.invoke("quote", speaker="trump") for _ in range(IN_FLIGHT)]
        await bot.wait_for_log(r"served /quote", timeout=10)
        await asyncio.sleep(0.3)  # each answer is on its way to Discord
        bot.process.send_signal(signal.SIGTERM)
        await bot.wait_for_log(r"stopping the Discord client", timeout=10)
        fake.callback_delay = 0.0
        late = await fake.invoke("quote", speaker="trump")
        await asyncio.wait_for(bot.process.wait(), GRACE + 10)
    finally:
        await bot.kill()
    assert bot.process.returncode == 0, bot.text
    for interaction in asked:
        answer = callback_of(fake, interaction)
        assert answer is not None, bot.text
        assert "Donald Trump" in shown(answer)
    refused = callback_of(fake, late)
    assert refused is not None and "restarting: try again in a few seconds" in shown(refused)
    assert "cut short by the shutdown" not in bot.text
    assert "Session is closed" not in bot.text
