"""The quote of the day: each channel sees every quote once before any repeats.

The order within a round is a keyed permutation of the dossier's quotes, keyed by channel
and round, so channels differ and a retry or a replica taking over picks the same quote.
The permutation is computed one position at a time (a small Feistel network over the quote
numbers), so a pick costs the same at 20 or 100,000 quotes: the channel's next position is
the number of quotes it has seen this round. Quotes added to the dossier mid-round join it:
the permutation then changes, and the walk skips the quotes already shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.corpus.model import Quote

_FEISTEL_ROUNDS = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class Pick:
    quote: Quote
    round: int  # the rotation round the quote is shown in


@dataclass(frozen=True, slots=True, kw_only=True)
class Permutation:
    """A bijection of range(size) keyed by `key`: `at(position)` is the number there."""

    size: int
    key: bytes

    @property
    def _half_bits(self) -> int:
        return max(1, ((self.size - 1).bit_length() + 1) // 2)

    def _scramble(self, number: int) -> int:
        """A keyed bijection of range(4 ** half_bits), a superset of range(size)."""
        bits = self._half_bits
        mask = (1 << bits) - 1
        left, right = number >> bits, number & mask
        for step in range(_FEISTEL_ROUNDS):
            digest = hashlib.blake2b(
                right.to_bytes(8, "big") + bytes((step,)), digest_size=8, key=self.key
            ).digest()
            left, right = right, left ^ (int.from_bytes(digest, "big") & mask)
        return (left << bits) | right

    def at(self, position: int) -> int:
        """The number at `position`: scrambled until it falls in range (cycle walking)."""
        number = self._scramble(position)
        while number >= self.size:  # at most 4x the size, so ~2 steps on average
            number = self._scramble(number)
        return number


def permutation(size: int, *, seed: str, round: int) -> Permutation:
    key = hashlib.sha256(f"{seed}|{round}".encode()).digest()
    return Permutation(size=size, key=key)


def pick_quote(
    quotes: Sequence[Quote], *, shown: frozenset[str], round: int, seed: str
) -> Pick | None:
    """The next quote for a channel that has seen `shown` in round `round`; None if no quotes.

    Walks the round's order from position `len(shown)`: on an unchanged dossier the first
    position looked at holds a quote not shown yet. A new round starts only once every quote
    of the dossier was shown.
    """
    size = len(quotes)
    if not size:
        return None
    order = permutation(size, seed=seed, round=round)
    start = len(shown)
    for step in range(size):
        quote = quotes[order.at((start + step) % size)]
        if quote.id not in shown:
            return Pick(quote=quote, round=round)
    first = permutation(size, seed=seed, round=round + 1).at(0)
    return Pick(quote=quotes[first], round=round + 1)
