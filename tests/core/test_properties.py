"""Whatever a user types, the core answers with a reply and never raises."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import Core, Request
from bot.dates import DateError, read_when
from bot.matching.folding import fold, words
from bot.platforms.console import render_json, render_text
from bot.reply import ReplyKind

# Text a user might type: letters with accents, digits, punctuation, quotes, slashes, emoji.
typed = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80
) | st.lists(
    st.sampled_from(
        [
            "trump",
            "trunp",
            "27",
            "février",
            "feb",
            "2026",
            "page",
            "p2",
            "-1",
            "0",
            '"',
            "'",
            "/",
            "@everyone",
            "<!channel>",
            "é",
            "1950",
            "9999",
            "31",
            "30",
            "au",
            "to",
            "..",
            "",
        ]
    ),
    max_size=8,
).map(" ".join)
commands = st.sampled_from(["timeline", "quote", "positions", "digest", "sources", "help", "x"])


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(command=commands, args=typed, locale=st.sampled_from([None, "fr", "en-US", "zz"]))
def test_any_input_gets_a_reply(core: Core, command: str, args: str, locale: str | None) -> None:
    reply = core.handle(Request(command=command, args=args, locale=locale))
    assert reply.kind is not ReplyKind.ERROR
    assert reply.title
    render_text(reply)
    render_json(reply)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(line=typed)
def test_any_command_line_parses(core: Core, line: str) -> None:
    reply = core.handle_line(line)
    assert reply.kind is not ReplyKind.ERROR


@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=st.lists(typed, max_size=6))
def test_date_reading_says_why_or_gives_ordered_days(core: Core, tokens: list[str]) -> None:
    """Any words read as days in order and the words left, or fail with a reason to tell."""
    text = " ".join(tokens)
    try:
        when, rest = read_when(text, core.dossier.frame)
    except DateError as problem:
        assert problem.reason in (
            "not_a_date",
            "no_such_day",
            "weekday_mismatch",
            "days_without_month",
        )
        return
    assert len(rest) <= len(text.split()) + text.count("..")
    if when is not None:
        assert all(first <= last for first, last in when.spans)


@given(st.text())
def test_folding_is_stable(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    assert all(w == w.lower() and w.isascii() for w in words(text))


@pytest.mark.parametrize(
    ("text", "first_span"),
    [
        ("2001 fév", (dt.date(2001, 1, 1), dt.date(2001, 12, 31))),  # a year; `fév` left over
        ("27 février au 24 février", (dt.date(2026, 2, 24), dt.date(2026, 2, 27))),
    ],
)
def test_a_range_typed_oddly_still_runs_forwards(
    core: Core, text: str, first_span: tuple[dt.date, dt.date]
) -> None:
    """Found by the property above: "2001 fév" once ran from 2001 back to February 2000; a
    range typed end first is read as the days between, in each of the dossier's years."""
    when, _ = read_when(text, core.dossier.frame)
    assert when is not None
    assert all(first <= last for first, last in when.spans)
    assert first_span in when.spans
