"""Fixtures for running the bot for real: a writable dossier, settings for it, a movable clock."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import DisputeBot
from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.core import Core
from bot.ops.readiness import READINESS

SEEDS = PROJECT_ROOT / "seeds"
RELOAD_DAY = dt.datetime(2026, 3, 10, 15, 0, tzinfo=dt.UTC)

# A new article and a quote from it, written as a second dossier file: what an editor adds.
NEW_ARTICLE = (
    "date 2026-03-09 Trump revient à la charge contre Anthropic\n\n"
    'Donald Trump a de nouveau qualifié Anthropic de "menace pour notre armée" lundi.\n'
)
NEW_RECORDS = textwrap.dedent(
    """\
    articles:
      - id: test-2026-03-09
        file: articles/2026-03-09-test.txt
    quotes:
      - id: trump-threat-to-army
        speaker: trump
        text: "menace pour notre armée"
        translation: "a threat to our army"
        said_on: {date: 2026-03-09, phrase: lundi, rule: weekday}
        where: {en: "to reporters", fr: "devant la presse"}
        articles: [test-2026-03-09]
    """
)


@dataclass
class Clock:
    now: dt.datetime = RELOAD_DAY

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped dossier."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


def add_new_records(seeds: Path) -> None:
    (seeds / "articles" / "2026-03-09-test.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    (seeds / "zz-additions.yaml").write_text(NEW_RECORDS, encoding="utf-8")


def ops_settings(seeds: Path, **env: str) -> Settings:
    environ: Mapping[str, str] = {
        "DISPUTE_BOT_SEEDS": str(seeds),
        "HEALTH_PORT": "0",
        "DISPUTE_BOT_HEALTH_HOST": "127.0.0.1",
        "DISPUTE_BOT_WATCH_SEEDS": "false",
        **env,
    }
    return load_settings(environ=environ)


@pytest.fixture
def settings(seeds_copy: Path) -> Settings:
    return ops_settings(seeds_copy)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def bot(settings: Settings, clock: Clock) -> DisputeBot:
    return DisputeBot(settings, clock=clock)


@pytest.fixture
def core(bot: DisputeBot) -> Core:
    return bot.core


@pytest.fixture(autouse=True)
def fresh_readiness() -> Iterator[None]:
    READINESS.reset()
    yield
    READINESS.reset()
