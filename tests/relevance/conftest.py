"""Fixtures of the relevance table's two harnesses: the default settings and the dossier."""

from __future__ import annotations

import pytest

from bot.config import Settings, load_settings
from bot.corpus import load_corpus
from bot.corpus.model import Corpus


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture(scope="module")
def corpus(settings: Settings) -> Corpus:
    return load_corpus(settings.seeds)
