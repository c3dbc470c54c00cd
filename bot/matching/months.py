"""Month names as queries type them, forgiving accents and typos (the names: bot/months.py)."""

from __future__ import annotations

from bot.matching.folding import fold
from bot.matching.names import NameIndex
from bot.months import MONTH_ABBREVIATIONS, MONTH_NAMES

# Month words of four letters or fewer must be typed exactly: `tout` is not `août`.
_MONTH_INDEX = NameIndex(
    (
        (name, str(number))
        for number in MONTH_NAMES
        for name in (*MONTH_NAMES[number], *MONTH_ABBREVIATIONS.get(number, ()))
    ),
    shortest_slip=5,
)


def resolve_month(word: str) -> int | None:
    """Month number for a French or English month name, forgiving accents and typos."""
    folded = fold(word)
    if len(folded) < 3 or folded.isdigit():
        return None
    match = _MONTH_INDEX.resolve(folded, resemblance=False)
    return int(match.target) if match else None
