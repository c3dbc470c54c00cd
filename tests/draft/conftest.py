"""Fixtures for drafting: the shipped dossier, a writable copy of it, and the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.corpus import Corpus, load_corpus

SEEDS = PROJECT_ROOT / "seeds"
ARTICLES = sorted((SEEDS / "articles").glob("*.txt"))
GOLD = Path(__file__).parent / "gold"
HELDOUT = Path(__file__).parent / "heldout"
UNSEEN = Path(__file__).parent / "unseen"  # set 3: scored by `make bench-draft` only
UNSEEN4 = Path(__file__).parent / "unseen4"  # set 4: likewise, and never drafted here
UNSEEN5 = Path(__file__).parent / "unseen5"  # set 5: likewise, and never drafted here
UNSEEN6 = Path(__file__).parent / "unseen6"  # set 6: likewise, and never drafted here

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def dossier() -> Corpus:
    return load_corpus(SEEDS)


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture
def run() -> Run:
    """`dispute-bot ARGS…` in a fresh process, as a person runs it."""

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DISPUTE_BOT_")}
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            cwd=cwd,
        )

    return run
