"""Huge numbers and huge words get a short, clear answer at once, never an error."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core import MAX_PAGE, Args
from bot.matching.folding import MAX_QUERY_CHARS, MAX_WORD_CHARS, words
from bot.reply import Reply, ReplyKind

Ask = Callable[..., Reply]


@pytest.mark.parametrize("line", ["/timeline page ", "/quote trump page ", "/timeline p"])
def test_a_page_number_of_thousands_of_digits_is_a_clear_answer(ask: Ask, line: str) -> None:
    reply = ask(line + "9" * 4_400)
    assert reply.kind is ReplyKind.USAGE  # no ValueError, no apology
    assert reply.text == "That is too long to search: 500 characters at most, please."


@pytest.mark.parametrize("digits", ["9" * 400, "123456789"])
def test_a_page_number_past_the_last_page_shows_the_last(ask: Ask, digits: str) -> None:
    reply = ask(f"/quote page {digits}")
    assert reply.kind is ReplyKind.OK and reply.page is not None
    assert reply.page.number == reply.page.count == 4
    assert reply.text == f"Page {MAX_PAGE} does not exist; here is page 4, the last."


def test_leading_zeros_do_not_make_a_page_number_huge(ask: Ask) -> None:
    reply = ask("/quote page " + "0" * 300 + "2")
    assert reply.page is not None and reply.page.number == 2


def test_digits_that_only_look_like_a_number_are_words() -> None:
    assert Args.parse("trump page ²") == Args(text="trump page ²", page=1)
    assert Args.parse("trump page ٣") == Args(text="trump page ٣", page=1)


@pytest.mark.parametrize(
    "line",
    ["/quote " + "a" * 900_000, "/quote trump " + "x" * 900_000, "/timeline " + "ab " * 300_000],
)
def test_a_huge_query_is_refused_briefly(ask: Ask, line: str) -> None:
    """Refused before it is searched; how fast: bench/measure_huge_input.py."""
    reply = ask(line)
    assert reply.kind is ReplyKind.USAGE
    assert reply.text == "That is too long to search: 500 characters at most, please."
    assert len(reply.title) + len(reply.text) < 100


def test_a_long_word_within_the_limit_is_answered(ask: Ask) -> None:
    """Searched, and nothing found (how fast: bench/measure_huge_input.py)."""
    word = "w" * (MAX_QUERY_CHARS - 10)
    reply = ask(f"/quote {word}")
    assert reply.kind is ReplyKind.EMPTY
    assert all(len(w) <= MAX_WORD_CHARS for w in words(word + " trump"))


def test_an_unknown_command_of_a_million_letters_is_named_briefly(ask: Ask) -> None:
    reply = ask("/" + "y" * 1_000_000)
    assert reply.kind is ReplyKind.USAGE
    assert len(reply.title) <= 41 and reply.title.endswith("…")
    assert len(reply.text) < 150
