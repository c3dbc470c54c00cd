"""Fixtures for the core: the shipped dossier, a Core on a fixed clock, and `ask`."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.app import build_core
from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.core import Core
from bot.reply import Reply

SEEDS = PROJECT_ROOT / "seeds"
# A fixed "now" two days after Trump's order, so day counts in the digest are known.
NOW = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture(scope="session")
def core(settings: Settings) -> Core:
    return build_core(settings, clock=lambda: NOW)


@pytest.fixture(scope="session")
def ask(core: Core) -> Callable[..., Reply]:
    def ask(line: str, locale: str | None = None) -> Reply:
        return core.handle_line(line, locale=locale)

    return ask


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped dossier, to break on purpose."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target
