"""The quote of the day rotates per channel: no quote repeats before every one was shown."""

from __future__ import annotations

import datetime as dt

import time_machine
from hypothesis import given
from hypothesis import strategies as st

from bot.corpus.model import Basis, Precision, Quote, Text, When
from bot.digest.rotation import pick_quote
from bot.dossier import Dossier
from tests.digest.conftest import MakeReplica, paris
from tests.digest.fake_chat import FakeChat, Posted


def quote_of(post: Posted, dossier: Dossier) -> str:
    """The id of the quote of the day a posted digest shows."""
    [item] = [i for i in post.body["items"] if i["title"].startswith("Quote of the day")]
    [quote] = [q for q in dossier.corpus.quotes if q.text == item["quote"]]
    return quote.id


async def test_every_quote_once_before_any_repeats(
    make_replica: MakeReplica, chat: FakeChat, dossier: Dossier
) -> None:
    quotes = {q.id for q in dossier.corpus.quotes}
    days = len(quotes) + 3
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica()
        assert bot.ask("/digest subscribe 08:00 paris", channel="C1").ok
        assert bot.ask("/digest subscribe 08:00 paris", channel="C2").ok
        await bot.start()
        start = dt.date(2026, 3, 2)
        for offset in range(days):
            day = start + dt.timedelta(days=offset)
            traveller.move_to(paris(day.year, day.month, day.day, 8, 0, 1))
            await bot.sweep()
            await bot.settled()
    for channel in ("C1", "C2"):
        shown = [quote_of(p, dossier) for p in chat.posts_to(channel)]
        assert len(shown) == days
        assert set(shown[: len(quotes)]) == quotes  # a full round, no repeat
        assert len(set(shown[len(quotes) :])) == 3  # the next round starts fresh
    first = [quote_of(p, dossier) for p in chat.posts_to("C1")]
    second = [quote_of(p, dossier) for p in chat.posts_to("C2")]
    assert first != second  # each channel has its own order


def make_quote(number: int) -> Quote:
    return Quote(
        id=f"q{number}",
        speaker="someone",
        text=f"quote {number}",
        translation=f"quote {number}",
        when=When(date=dt.date(2026, 2, 27), precision=Precision.DAY, basis=Basis.REPORTED),
        where=Text(en="here", fr="ici"),
        articles=(),
        added=dt.date(2026, 2, 28),
    )


@given(
    first=st.integers(min_value=1, max_value=12),
    added=st.lists(st.integers(min_value=0, max_value=30), max_size=4),
    seed=st.text(max_size=8),
)
def test_no_repeat_within_a_round_even_as_quotes_are_added(
    first: int, added: list[int], seed: str
) -> None:
    """Quotes added to the dossier mid-round join it; none repeats before all were shown."""
    quotes = [make_quote(n) for n in range(first)]
    shown: set[str] = set()
    rotation_round = 0
    additions = sorted(added)
    for day in range(40):
        while additions and additions[0] == day:
            additions.pop(0)
            quotes.append(make_quote(len(quotes)))
        pick = pick_quote(quotes, shown=frozenset(shown), round=rotation_round, seed=seed)
        assert pick is not None
        if pick.round != rotation_round:
            assert shown >= {q.id for q in quotes}  # a new round only once all were shown
            rotation_round, shown = pick.round, set()
        assert pick.quote.id not in shown
        shown.add(pick.quote.id)


def test_no_quotes_no_quote_of_the_day() -> None:
    assert pick_quote([], shown=frozenset(), round=0, seed="slack:C1") is None


@given(size=st.integers(min_value=1, max_value=300), seed=st.text(max_size=8))
def test_a_round_shows_each_quote_once_whatever_the_dossier_size(size: int, seed: str) -> None:
    """The keyed order is a true shuffle at every size (powers of two and their neighbours too)."""
    quotes = [make_quote(n) for n in range(size)]
    shown: list[str] = []
    for _ in range(size):
        pick = pick_quote(quotes, shown=frozenset(shown), round=4, seed=seed)
        assert pick is not None and pick.round == 4
        shown.append(pick.quote.id)
    assert sorted(shown) == sorted(q.id for q in quotes)
    after = pick_quote(quotes, shown=frozenset(shown), round=4, seed=seed)
    assert after is not None and after.round == 5


def test_a_replica_picks_the_same_quote_and_rounds_and_channels_differ() -> None:
    quotes = [make_quote(n) for n in range(50)]

    def round_of(seed: str, number: int) -> list[str]:
        shown: list[str] = []
        for _ in range(len(quotes)):
            pick = pick_quote(quotes, shown=frozenset(shown), round=number, seed=seed)
            assert pick is not None
            shown.append(pick.quote.id)
        return shown

    assert round_of("slack:C1", 0) == round_of("slack:C1", 0)  # a retry, another replica
    assert round_of("slack:C1", 0) != round_of("slack:C2", 0)  # each channel its own order
    assert round_of("slack:C1", 0) != round_of("slack:C1", 1)  # each round a new order
