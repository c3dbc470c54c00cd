"""Month names, French and English, forgiving accents and typos."""

from __future__ import annotations

from bot.matching.folding import fold
from bot.matching.names import NameIndex

_MONTHS = {
    1: ("janvier", "january", "jan", "janv"),
    2: ("fevrier", "february", "feb", "fev", "fevr"),
    3: ("mars", "march", "mar"),
    4: ("avril", "april", "apr", "avr"),
    5: ("mai", "may"),
    6: ("juin", "june", "jun"),
    7: ("juillet", "july", "jul", "juil"),
    8: ("aout", "august", "aug"),
    9: ("septembre", "september", "sep", "sept"),
    10: ("octobre", "october", "oct"),
    11: ("novembre", "november", "nov"),
    12: ("decembre", "december", "dec"),
}
# Month words of four letters or fewer must be typed exactly: `tout` is not `août`.
_MONTH_INDEX = NameIndex(
    ((name, str(number)) for number, names in _MONTHS.items() for name in names),
    shortest_slip=5,
)


def resolve_month(word: str) -> int | None:
    """Month number for a French or English month name, forgiving accents and typos."""
    folded = fold(word)
    if len(folded) < 3 or folded.isdigit():
        return None
    match = _MONTH_INDEX.resolve(folded, resemblance=False)
    return int(match.target) if match else None
