"""Counts read as grammar wants: 1 day, 2 days; 0 jour, 1 jour, 2 jours (French keeps 0 and 1
in the singular), in the catalogue and where people read them: the digest's key dates and
news, and what /reload answers.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bot.app import build_core
from bot.config import Settings, load_settings
from bot.corpus import load_corpus
from bot.corpus.model import Corpus
from bot.i18n import t
from bot.reload import ReloadResult
from handlers.reload import render_result

# The start of each sentence for n = 0 / 1 / 2 / 21.
FORMS = {
    ("en", "digest.days_since"): "0 days since / 1 day since / 2 days since / 21 days since",
    ("fr", "digest.days_since"): "0 jour depuis / 1 jour depuis / 2 jours depuis / 21 jours",
    ("en", "digest.in_days"): "In 0 days / In 1 day: / In 2 days / In 21 days",
    ("fr", "digest.in_days"): "Dans 0 jour : / Dans 1 jour : / Dans 2 jours / Dans 21 jours",
    ("en", "digest.passed"): "Passed 0 days / Passed 1 day ago / Passed 2 days / Passed 21 days",
    ("fr", "digest.passed"): "Échu il y a 0 jour : / Échu il y a 1 jour : / Échu il y a 2 jours "
    "/ Échu il y a 21 jours",
    ("en", "count.quotes"): "0 quotes / 1 quote / 2 quotes / 21 quotes",
    ("fr", "count.quotes"): "0 citation / 1 citation / 2 citations / 21 citations",
}


@pytest.mark.parametrize(
    ("locale", "key", "expected"),
    [(locale, key, expected) for (locale, key), expected in FORMS.items()],
)
def test_plural_forms_for_0_1_2_and_21(locale: str, key: str, expected: str) -> None:
    said = [t(locale, key, n=n, what="x", date="d") for n in (0, 1, 2, 21)]
    for sentence, start in zip(said, expected.split(" / "), strict=True):
        assert sentence.startswith(start), said
        assert not sentence.startswith(start + "s")  # "1 quote", not "1 quotes"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture(scope="module")
def corpus(settings: Settings) -> Corpus:
    return load_corpus(settings.seeds)


def key_dates(settings: Settings, day: dt.date, locale: str) -> list[str]:
    core = build_core(settings, clock=lambda: dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC))
    digest = core.handle_line("/digest", locale=locale)
    return digest.items[2].body.splitlines()


def test_the_day_after_the_ultimatum_the_digest_says_one_day(settings: Settings) -> None:
    english = key_dates(settings, dt.date(2026, 2, 28), "en")
    assert any(line.startswith("• 1 day since: Donald Trump orders") for line in english)
    assert any(line.startswith("• Passed 1 day ago: The ultimatum expires") for line in english)
    assert any(line.startswith("• 4 days since: Hegseth gives Anthropic") for line in english)
    french = key_dates(settings, dt.date(2026, 2, 28), "fr")
    assert any(line.startswith("• 1 jour depuis : ") for line in french)
    assert any(line.startswith("• Échu il y a 1 jour : ") for line in french)
    assert any(line.startswith("• 4 jours depuis : ") for line in french)


def test_the_day_before_a_deadline_the_digest_says_in_one_day(settings: Settings) -> None:
    english = key_dates(settings, dt.date(2026, 2, 26), "en")
    assert any(line.startswith("• In 1 day: The ultimatum expires") for line in english)
    french = key_dates(settings, dt.date(2026, 2, 26), "fr")
    assert any(line.startswith("• Dans 1 jour : L'ultimatum expire") for line in french)


def test_no_count_runs_to_a_computed_end_or_below_zero(settings: Settings) -> None:
    """The six months' end is our count from "six mois" (about August 2026): never "In 153
    days" before it, never "Passed -16 days ago" in August, never "Passed 15 days" after."""
    for day in (dt.date(2026, 3, 1), dt.date(2026, 8, 15), dt.date(2026, 9, 15)):
        for locale, end in (("en", "about August 2026"), ("fr", "vers août 2026")):
            lines = key_dates(settings, day, locale)
            transition = [line for line in lines if "six" in line and end in line]
            assert len(transition) == 1, (day, locale, lines)
            assert not re.search(r"\d+ (days?|jours?)\b", transition[0]), transition
            assert not any(re.search(r"-\d", line) for line in lines), lines


def test_a_reload_refused_for_one_problem_says_so_in_the_singular(corpus: Corpus) -> None:
    one = ReloadResult(ok=False, trigger="command", problems=("a.yaml:1: bad",), corpus=corpus)
    assert render_result(one, "en").text.startswith("The seeds folder has 1 problem; ")
    assert render_result(one, "en").text.endswith("Fix it and reload again.")
    assert render_result(one, "fr").text.startswith("Le dossier de sources a 1 problème ; ")
    assert render_result(one, "fr").text.endswith("Corrigez-le puis rechargez.")
    eleven = tuple(f"a.yaml:{n}: bad" for n in range(1, 12))
    cut = ReloadResult(ok=False, trigger="command", problems=eleven, corpus=corpus)
    assert render_result(cut, "en").items[-1].body.startswith("…and 1 more: ")
    assert render_result(cut, "fr").items[-1].body.startswith("…et 1 autre : ")
    assert render_result(cut, "fr").text.startswith("Le dossier de sources a 11 problèmes ; ")


def test_a_reload_counts_what_it_serves_in_the_singular_and_plural(corpus: Corpus) -> None:
    served = ReloadResult(ok=True, trigger="command", corpus=corpus, new_quotes=("q",))
    text = render_result(served, "en").text
    assert "articles, 18 quotes and " in text
    assert "New since the previous load: 0 articles, 1 quote, 0 events;" in text
    french = render_result(served, "fr").text
    assert "Nouveau depuis le chargement précédent : 0 article, 1 citation, 0 événement ;" in french
