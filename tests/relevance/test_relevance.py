"""The query half of issue 12's relevance table, on every platform.

Each case of cases.yaml marked `half: relevance` (date and period queries, speakers,
keywords and suggestions, the timeline's first page, the console's paging, bad input) is
typed into the real Core (after the lines of its `session`, in one console session), every
page is rendered for the console, Slack and Discord, and the answer must be what the case
says, in every rendering, each within its platform's limits (tests/relevance/harness.py).
The dossier half's cases run in test_dossier_cases.py, through the same harness.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.corpus.model import Corpus
from tests.relevance.harness import case_id, load_cases, run

RELEVANCE_CASES = load_cases("relevance")


@pytest.mark.parametrize("case", RELEVANCE_CASES, ids=case_id)
def test_the_answer_is_what_the_case_says(
    case: dict[str, Any], settings: Settings, corpus: Corpus, tmp_path: Path
) -> None:
    wrong = run(settings, case, corpus, tmp_path)
    assert not wrong, "\n".join(wrong)


def test_this_half_is_not_empty() -> None:
    """The table's split is checked in test_dossier_cases.py; this half holds most of it."""
    assert len(RELEVANCE_CASES) >= 190
