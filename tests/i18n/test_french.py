"""French reads as French: names in French, "de" elided or contracted with them, and only
with them; typography's space before a colon."""

from __future__ import annotations

import pytest

from bot.app import build_core
from bot.config import load_settings
from bot.i18n import t


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("/quote anthropic", "Citations d'Anthropic"),
        ("/quote trump", "Citations de Donald Trump"),
        ("/positions pentagone", "Position du ministère de la Défense (Pentagone)"),
        ("/positions syndicats", "Position des syndicats d'Amazon, de Microsoft et de Google"),
        ("/positions employés", "Position des employés de Google et d'OpenAI"),
        ("/positions responsable américain", "Position du responsable américain (non nommé)"),
    ],
)
def test_titles_name_actors_in_french_with_elision(line: str, title: str) -> None:
    core = build_core(load_settings(environ={"DISPUTE_BOT_LOCALE": "fr"}))
    assert core.handle_line(line).title == title


def test_only_an_actors_name_contracts() -> None:
    assert t("fr", "quote.title_speaker", speaker="les employés") == "Citations des employés"
    assert t("fr", "quote.title_speaker", speaker="Hegseth") == "Citations de Hegseth"
    # A file's name is not a name to elide: "Lecture de article.txt", as it is.
    assert t("fr", "draft.working", name="article.txt") == "Lecture de article.txt…"
    assert t("fr", "label", name="Citation du jour", value="x") == "Citation du jour : x"
    assert t("en", "label", name="Quote of the day", value="x") == "Quote of the day: x"
