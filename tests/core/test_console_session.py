"""The console's session: `next`, `suivant`, `previous`, `page 2` continue the last answer."""

from __future__ import annotations

from bot.core import Core
from bot.platforms.console import Session
from bot.reply import ReplyKind


def test_next_and_page_words_continue_the_last_answer(core: Core) -> None:
    session = Session(core)
    first = session.answer("/quote")
    assert first.page is not None and first.page.count == 4
    for line, number in (("next", 2), ("suivant", 3), ("previous", 2), ("page 4", 4), ("p1", 1)):
        reply = session.answer(line)
        assert reply.kind is ReplyKind.OK, line
        assert reply.page is not None and reply.page.number == number, line
        assert reply.title == first.title
    assert session.answer("page deux").page == session.answer("/quote page 2").page


def test_past_either_end_it_says_so_and_keeps_the_answer(core: Core) -> None:
    session = Session(core)
    session.answer("/quote trump")  # one page
    reply = session.answer("next")
    assert reply.kind is ReplyKind.USAGE
    assert reply.text == "That was the last page (1 of 1)."
    assert session.answer("précédent").text == "That was the first page."
    assert session.answer("page 1").kind is ReplyKind.OK  # the answer itself, again


def test_nothing_to_continue_before_a_first_answer(core: Core) -> None:
    reply = Session(core).answer("suivant")
    assert reply.kind is ReplyKind.USAGE
    assert "/help" in reply.text


def test_a_command_is_never_taken_for_a_page_word(core: Core) -> None:
    session = Session(core)
    session.answer("/quote")
    assert session.answer("/quote pete").title == "Quotes by Pete Hegseth"
    assert session.answer("pete").title == "/pete"  # an unknown command, not "p" + "ete"
