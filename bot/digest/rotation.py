"""The quote of the day: each channel sees every quote once before any repeats.

The order within a round is a stable shuffle keyed by channel and round, so channels differ,
a retry or a replica taking over picks the same quote, and quotes added to the dossier join
the current round.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.corpus.model import Quote


@dataclass(frozen=True, slots=True, kw_only=True)
class Pick:
    quote: Quote
    round: int  # the rotation round the quote is shown in


def pick_quote(
    quotes: Sequence[Quote], *, shown: frozenset[str], round: int, seed: str
) -> Pick | None:
    """The next quote for a channel that has seen `shown` in round `round`; None if no quotes."""
    if not quotes:
        return None
    remaining = [q for q in quotes if q.id not in shown]
    if not remaining:
        round, remaining = round + 1, list(quotes)

    def order(quote: Quote) -> bytes:
        return hashlib.sha256(f"{seed}|{round}|{quote.id}".encode()).digest()

    return Pick(quote=min(remaining, key=order), round=round)
