"""The dossier-and-rendering half of issue 12's relevance table, on every platform.

Each case of cases.yaml marked `half: dossier` (provenance, narration, positions,
organisations, French, the digest, same-day order, fragments) is typed into the real Core,
every page is rendered for the console, Slack and Discord, and the answer must be what the
case says, in every rendering. The other half's cases run in that half's harness.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings
from bot.corpus.model import Corpus
from tests.relevance.harness import CASES, case_id, known_ids, load_cases, run

HALVES = ("dossier", "relevance")

DOSSIER_CASES = load_cases("dossier")


@pytest.mark.parametrize("case", DOSSIER_CASES, ids=case_id)
def test_the_answer_is_what_the_case_says(
    case: dict[str, Any], settings: Settings, corpus: Corpus, tmp_path: Path
) -> None:
    wrong = run(settings, case, corpus, tmp_path)
    assert not wrong, "\n".join(wrong)


def test_every_case_names_records_the_dossier_has(corpus: Corpus) -> None:
    """What a case expects first or next exists (rule R16): the table and the data agree."""
    ids = known_ids(corpus)
    cases = load_cases("dossier") + load_cases("relevance")
    missing = [
        f"case {c['number']} {c['line']!r}: {ident}"
        for c in cases
        for ident in [c.get("expect"), *c.get("then", [])]
        if ident is not None and not str(ident).startswith("text:") and ident not in ids
    ]
    assert not missing, missing


def test_the_halves_split_the_table() -> None:
    """Every case of the table belongs to one half, so each is run by a harness, and this
    half is not empty: a case with another `half` (a typo) would never be run."""
    every = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    unrun = [f"{n}: {c['line']!r}" for n, c in enumerate(every) if c.get("half") not in HALVES]
    assert not unrun, unrun
    assert len(load_cases("dossier")) + len(load_cases("relevance")) == len(every)
    assert len(DOSSIER_CASES) >= 60
