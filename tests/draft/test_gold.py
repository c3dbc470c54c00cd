"""Regression floors on the gold sets: the figures docs/PERFORMANCE.md reports, minus a margin.

The full report (every figure, both with and without spaCy) is `make bench-draft`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.draft_score import Score, gold_from_dossier, gold_from_json, score
from bot.corpus import Corpus
from bot.draft import draft_file
from tests.draft.conftest import GOLD, HELDOUT, SEEDS


def _figures(folder: Path, language: str) -> dict[str, float]:
    total = Score()
    for gold in sorted(folder.glob("*.gold.json")):
        draft = draft_file(gold.with_name(gold.name.removesuffix(".gold.json") + ".txt"))
        if draft.article.language == language:
            total.add(score(draft, gold_from_json(gold)))
    assert total.gold_quotes > 0
    return total.figures()


@pytest.mark.parametrize(
    ("folder", "language", "f1", "speaker", "said_on", "events"),
    [
        (HELDOUT, "fr", 0.90, 0.90, 0.90, 0.80),  # the targets on unseen French
        (HELDOUT, "en", 0.85, 0.85, 0.90, 0.75),
        (GOLD, "fr", 0.95, 0.95, 0.90, 0.95),
        (GOLD, "en", 0.95, 0.95, 0.85, 0.95),
    ],
    ids=["heldout-fr", "heldout-en", "development-fr", "development-en"],
)
def test_gold_figures_stay_above_their_floor(
    folder: Path, language: str, f1: float, speaker: float, said_on: float, events: float
) -> None:
    figures = _figures(folder, language)
    assert figures["f1"] >= f1, figures
    assert figures["speaker_accuracy"] >= speaker, figures
    assert figures["said_on_accuracy"] >= said_on, figures
    assert figures["event_date_recall"] >= events, figures


def test_seed_articles_against_the_hand_curated_dossier(dossier: Corpus) -> None:
    total = Score()
    for article in dossier.articles:
        draft = draft_file(SEEDS / article.path, dossier.actors)
        total.add(score(draft, gold_from_dossier(dossier, article.id)))
    figures = total.figures()
    assert figures["f1"] >= 0.90 and figures["speaker_accuracy"] >= 0.90, figures
    assert figures["event_date_recall"] >= 0.70, figures
