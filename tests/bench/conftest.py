"""A synthetic dossier of 5,000 quotes in the real seeds format, and a Core serving it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from msgspec import structs

from bench.generate import SynthDossier, generate, write_seeds
from bench.queries import Query, QueryMaker
from bot.app import build_core
from bot.config import load_settings
from bot.core import Core

SIZE = 5_000


@pytest.fixture(scope="session")
def synthetic() -> SynthDossier:
    return generate(SIZE, seed=7)


@pytest.fixture(scope="session")
def synthetic_seeds(synthetic: SynthDossier, tmp_path_factory: pytest.TempPathFactory) -> Path:
    seeds = tmp_path_factory.mktemp("synthetic") / "seeds"
    write_seeds(synthetic, seeds)
    return seeds


@pytest.fixture(scope="session")
def big_core(synthetic_seeds: Path) -> Core:
    settings = structs.replace(load_settings(environ={}), seeds=synthetic_seeds)
    return build_core(settings, clock=lambda: dt.datetime(2026, 10, 1, tzinfo=dt.UTC))


@pytest.fixture(scope="session")
def queries(synthetic: SynthDossier) -> list[Query]:
    return QueryMaker(synthetic).make(300, seed=11)
