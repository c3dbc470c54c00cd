"""The one module that imports rapidfuzz: the scorers matching uses, on folded strings.

rapidfuzz 3 applies no processor by default; none is passed here either, so callers fold
their strings first (`bot.matching.folding.fold`) and nothing relies on a processor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rapidfuzz import fuzz, process

Scorer = Literal["ratio", "weighted", "partial"]
_SCORERS = {"ratio": fuzz.ratio, "weighted": fuzz.WRatio, "partial": fuzz.partial_ratio}
Scored = tuple[str, float, int]  # (choice, score 0-100, position in the choices)


def closest(
    query: str, choices: Sequence[str], *, cutoff: float, scorer: Scorer = "ratio"
) -> Scored | None:
    """The best choice scoring at least `cutoff`, or None."""
    found = process.extractOne(
        query, choices, scorer=_SCORERS[scorer], processor=None, score_cutoff=cutoff
    )
    return (found[0], float(found[1]), found[2]) if found else None


def close(
    query: str,
    choices: Sequence[str],
    *,
    cutoff: float | None = None,
    scorer: Scorer = "ratio",
    limit: int | None = None,
) -> list[Scored]:
    """The choices scoring at least `cutoff`, best first (at most `limit` of them)."""
    found = process.extract(
        query, choices, scorer=_SCORERS[scorer], processor=None, score_cutoff=cutoff, limit=limit
    )
    return [(choice, float(score), index) for choice, score, index in found]
