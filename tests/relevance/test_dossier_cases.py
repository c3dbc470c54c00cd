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

from bot.config import Settings, load_settings
from bot.corpus import load_corpus
from tests.relevance.harness import ask, case_id, check, known_ids, load_cases

DOSSIER_CASES = load_cases("dossier")


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.mark.parametrize("case", DOSSIER_CASES, ids=case_id)
def test_the_answer_is_what_the_case_says(
    case: dict[str, Any], settings: Settings, tmp_path: Path
) -> None:
    answer = ask(settings, case, tmp_path)
    wrong = check(answer, case, answer_corpus(settings))
    assert not wrong, "\n".join([f"{case['line']!r} ({case['locale']}): {case['why']}", *wrong])


_CORPUS: dict[str, Any] = {}


def answer_corpus(settings: Settings) -> Any:
    if "corpus" not in _CORPUS:
        _CORPUS["corpus"] = load_corpus(settings.seeds)
    return _CORPUS["corpus"]


def test_every_case_names_records_the_dossier_has(settings: Settings) -> None:
    """What a case expects first or next exists (rule R16): the table and the data agree."""
    ids = known_ids(answer_corpus(settings))
    cases = load_cases("dossier") + load_cases("relevance")
    missing = [
        f"case {c['number']} {c['line']!r}: {ident}"
        for c in cases
        for ident in [c.get("expect"), *c.get("then", [])]
        if ident is not None and not str(ident).startswith("text:") and ident not in ids
    ]
    assert not missing, missing


def test_the_halves_split_the_table() -> None:
    """Every case belongs to one half, and this half is not empty."""
    assert len(DOSSIER_CASES) >= 60
    assert len(load_cases("dossier")) + len(load_cases("relevance")) == 258
