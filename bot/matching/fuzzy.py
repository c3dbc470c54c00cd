"""The one module that imports rapidfuzz: the scorers matching uses, on folded strings.

rapidfuzz 3 applies no processor by default; none is passed here either, so callers fold
their strings first (`bot.matching.folding.fold`) and nothing relies on a processor.

Typed words are corrected by counting edits (`within_edits`), as optimal string alignment
does: a letter dropped, added or changed, or two neighbouring letters swapped, is one edit
each (`woek` is one edit from `woke`; by `fuzz.ratio` it is as far as `work`). Whole names
and suggestions are still compared by `fuzz` ratios (`closest`, `close`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

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


Edited = tuple[str, int, int]  # (choice, edits, position in the choices)


def edits_allowed(length: int, *, shortest: int = 4) -> int:
    """How many slips a typed word of `length` letters may have and still be corrected: none
    below `shortest` (a short word is too near too many others), one up to seven letters,
    two from eight."""
    if length < shortest:
        return 0
    return 1 if length <= 7 else 2


def edits(first: str, second: str) -> int:
    """Edits between two words, a swap of neighbouring letters counting one."""
    return int(OSA.distance(first, second))


def within_edits(
    query: str, choices: Sequence[str], *, most: int, limit: int | None = None
) -> list[Edited]:
    """The choices at most `most` edits from `query`, fewest first (then in choice order)."""
    if most <= 0:
        return []
    found = process.extract(
        query, choices, scorer=OSA.distance, processor=None, score_cutoff=most, limit=limit
    )
    return [(choice, int(distance), index) for choice, distance, index in found]


def ratio(first: str, second: str) -> float:
    """How alike two words are, 0-100 (`fuzz.ratio`): what ranks words the same edits away."""
    return float(fuzz.ratio(first, second))


def similarity(query: str, choice: str, distance: int) -> float:
    """`distance` edits as a likeness in (0, 1]: 1 for the same word."""
    return 1 - distance / max(len(query), len(choice), 1)
