"""The shipped dossier is complete and verbatim; broken dossiers are refused with file:line."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.corpus import check_corpus, load_corpus
from bot.corpus.loader import fold_for_verbatim
from bot.corpus.model import Basis, Precision
from bot.errors import CorpusError
from bot.matching.folding import fold

from .conftest import SEEDS


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    return load_corpus(SEEDS)


def test_shipped_dossier_has_no_problem() -> None:
    assert check_corpus(SEEDS) == []


def test_every_quotation_in_the_articles_is_in_the_dossier(corpus) -> None:  # type: ignore[no-untyped-def]
    quoted = [fold(q.text) for q in corpus.quotes]
    evidence = [fold(e.sentence) for event in corpus.events for e in event.evidence]
    missing, named = [], []
    for article in corpus.articles:
        body = fold_for_verbatim(article.body)
        for span in re.findall(r'"([^"]+)"', body):
            if any(fold(span) in q for q in quoted):
                continue
            (named if any(fold(span) in e for e in evidence) else missing).append(span)
    assert missing == []
    # The one quoted phrase that is no one's words: the list's name, in a sentence with no
    # speaker ("… la liste des sociétés qui présentent "un risque pour les approvisionnements"").
    assert named == ["un risque pour les approvisionnements"]
    # Section headings quote words that stand in full quotes ("Egoïsme", "S'unir").
    assert len(corpus.quotes) == 18


def test_quotes_say_how_they_are_dated(corpus) -> None:  # type: ignore[no-untyped-def]
    by_id = corpus.quote_by_id
    order = by_id["trump-order"]
    assert order.speaker == "trump"
    assert (order.said_on, order.when.basis) == (dt.date(2026, 2, 27), Basis.INFERRED)
    assert (order.when.phrase, order.when.rule, order.when.via) == (
        "vendredi",
        "weekday",
        "trump-orders-stop",
    )
    assert order.where.en == "on his platform Truth Social"
    assert by_id["trump-cease-all-use"].part_of == "trump-order"
    # No day in the text: reported on the day of the dispatch, and nothing more.
    for ident in ("amodei-domestic-surveillance", "hegseth-betrayal", "official-nothing-to-do"):
        assert by_id[ident].when.basis is Basis.REPORTED, ident
    assert by_id["amodei-domestic-surveillance"].said_on == dt.date(2026, 2, 28)
    assert by_id["official-nothing-to-do"].said_on == dt.date(2026, 2, 25)
    assert by_id["amodei-guardrails"].where.en == "as reported by AFP"  # no "statement"
    constitution = by_id["constitution-dangerous-actions"]
    assert constitution.articles == ("afp-2026-02-25", "afp-2026-02-28")
    assert (constitution.precision, constitution.when.qualifier) == (Precision.YEAR, "early")
    assert constitution.when.basis is Basis.STATED  # "Début 2026"
    assert "official-supply-risk" not in by_id  # the list's name, not the official's words
    assert all(q.translation for q in corpus.quotes)


def test_relative_dates_are_resolved_from_each_article(corpus) -> None:  # type: ignore[no-untyped-def]
    events = {e.id: e for e in corpus.events}
    assert events["ultimatum"].date == dt.date(2026, 2, 24)  # "mardi 24 février"
    assert events["ultimatum"].when.basis is Basis.STATED
    assert events["anthropic-refuses"].date == dt.date(2026, 2, 26)  # "la veille" of Friday
    assert events["anthropic-refuses"].when.anchor == "trump-orders-stop"
    assert events["trump-orders-stop"].date == dt.date(2026, 2, 27)  # "vendredi"
    assert events["trump-orders-stop"].when.basis is Basis.INFERRED
    assert events["ultimatum-deadline"].time == "22:01 GMT"
    assert (events["government-contract"].date, events["government-contract"].precision) == (
        dt.date(2025, 6, 1),
        Precision.MONTH,
    )  # "en juin", the June before the article
    assert events["defense-production-law"].precision is Precision.YEAR
    assert events["defense-production-law"].date.year == 1950
    assert events["anthropic-founded"].date.year == 2021
    assert events["constitution-published"].qualifier == "early"  # "Début 2026"
    assert events["hegseth-accuses-betrayal"].when.basis is Basis.REPORTED
    assert [e.date for e in corpus.events] == sorted(e.date for e in corpus.events)


def test_six_months_is_a_period_on_its_announcement_not_an_event(corpus) -> None:  # type: ignore[no-untyped-def]
    events = {e.id: e for e in corpus.events}
    assert "transition-ends" not in events
    period = events["transition-announced"].period
    assert period is not None
    assert (period.phrase, period.months, period.ends) == ("six mois", 6, dt.date(2026, 8, 1))


def test_same_day_events_keep_the_order_the_text_gives(corpus) -> None:  # type: ignore[no-untyped-def]
    friday = [e.id for e in corpus.events if e.date == dt.date(2026, 2, 27)]
    assert friday[:2] == ["trump-orders-stop", "transition-announced"]  # the order set it up
    tuesday = [e.id for e in corpus.events if e.date == dt.date(2026, 2, 24)]
    assert tuesday == ["hegseth-amodei-meeting", "ultimatum"]  # "intervient après une rencontre"


def _break(seeds: Path, old: str, new: str) -> None:
    path = seeds / "dispute.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(seeds: Path, needle: str) -> int:
    lines = (seeds / "dispute.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if needle in line)


def test_a_quote_not_in_its_article_is_refused_with_its_line(seeds_copy: Path) -> None:
    _break(seeds_copy, "de gauche radicale et woke", "de gauche radicale et très woke")
    line = _line_of(seeds_copy, "très woke")
    problems = check_corpus(seeds_copy)
    assert len(problems) == 1
    assert problems[0].startswith(f"dispute.yaml:{line}: quote: quote is not verbatim in ")


def test_every_problem_is_listed_at_once(seeds_copy: Path) -> None:
    _break(seeds_copy, "speaker: hegseth", "speaker: hegsethh")
    _break(seeds_copy, "date: {date: 2026-02-26,", "date: {date: 2026-02-30,")
    _break(seeds_copy, "- id: trump-woke", "- id: trump-order")
    _break(seeds_copy, "sentence: \"Contactée par l'AFP", "sentence: \"Contacté par l'AFP")
    _break(
        seeds_copy,
        "    issue: sanctions\n    stance: imposes",
        "    issue: sanction\n    stance: cheers",
    )
    problems = "\n".join(check_corpus(seeds_copy))
    assert (
        f"dispute.yaml:{_line_of(seeds_copy, 'hegsethh')}: quote: unknown speaker 'hegsethh'"
        in problems
    )
    assert "is not a real date: '2026-02-30'" in problems
    assert "duplicate quote id 'trump-order' (first at dispute.yaml:" in problems
    assert "evidence sentence is not verbatim" in problems
    assert "position: unknown issue 'sanction'" in problems
    assert "stance 'cheers' must be one of" in problems
    assert len(problems.splitlines()) >= 6


def test_unknown_keys_and_missing_fields_are_named(seeds_copy: Path) -> None:
    _break(seeds_copy, '    translation: "betrayal"', '    translatoin: "betrayal"')
    problems = check_corpus(seeds_copy)
    assert any("unknown key 'translatoin'" in p for p in problems)
    assert any("missing 'translation'" in p for p in problems)


def test_invalid_yaml_names_the_line(seeds_copy: Path) -> None:
    _break(seeds_copy, "  - id: trump-woke\n", "  - id: trump-woke\n   bad: [indent\n")
    problems = check_corpus(seeds_copy)
    assert len(problems) == 1
    assert re.match(r"dispute\.yaml:\d+: invalid YAML", problems[0])


def test_an_article_with_a_bad_first_line_is_refused(seeds_copy: Path) -> None:
    article = next((seeds_copy / "articles").iterdir())
    article.write_text("Untitled\n" + article.read_text(encoding="utf-8"), encoding="utf-8")
    problems = check_corpus(seeds_copy)
    assert f"articles/{article.name}:1: first line must be 'date YYYY-MM-DD Title'" in problems


def test_load_raises_with_every_problem(seeds_copy: Path) -> None:
    _break(seeds_copy, "speaker: trump", "speaker: nobody")
    with pytest.raises(CorpusError) as caught:
        load_corpus(seeds_copy)
    assert "unknown speaker 'nobody'" in str(caught.value)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60
    )


def test_corpus_check_command_lists_problems_and_exits_1(seeds_copy: Path) -> None:
    _break(seeds_copy, "speaker: trump", "speaker: nobody")
    _break(seeds_copy, "date: {date: 2026-02-26,", "date: {date: 2026-13-01,")
    result = _cli("corpus", "check", str(seeds_copy))
    assert result.returncode == 1
    assert "unknown speaker 'nobody'" in result.stderr
    assert "not a real date: '2026-13-01'" in result.stderr
    assert "2 problem(s)" in result.stderr


def test_corpus_check_passes_on_the_shipped_dossier() -> None:
    result = _cli("corpus", "check")
    assert result.returncode == 0, result.stderr
    assert "18 quotes (all verbatim)" in result.stdout


def test_startup_stops_on_a_broken_dossier_with_file_and_line(seeds_copy: Path) -> None:
    _break(seeds_copy, "speaker: trump", "speaker: nobody")
    result = _cli("--seeds", str(seeds_copy), "ask", "/quote trump")
    assert result.returncode == 2
    assert re.search(r"dispute\.yaml:\d+: quote: unknown speaker 'nobody'", result.stderr)
    assert "Traceback" not in result.stderr


MINI_ARTICLE = """date 2025-05-02 La mairie et le club se disputent le stade

Le maire a déclaré jeudi : "Le stade restera public". Le club répond : "Nous partirons en 2027".
"""
MINI_DOSSIER = """
dossier:
  title: {en: Town hall vs football club, fr: La mairie contre le club}
  summary: {en: A stadium dispute., fr: Un différend sur le stade.}
articles:
  - id: gazette-1
    file: articles/stade.txt
    credit: Gazette
actors:
  - id: maire
    name: {en: the mayor, fr: le maire}
    kind: person
    role: {en: Mayor, fr: Maire}
    aliases: [maire]
    translations: {mayor: maire}
  - {id: club, name: Le club, kind: organisation, role: {en: Club, fr: Club}, aliases: [club]}
issues:
  - {id: stade, name: {en: The stadium, fr: Le stade}, summary: {en: Who owns it., fr: À qui.}}
quotes:
  - id: maire-public
    speaker: maire
    text: "Le stade restera public"
    translation: "The stadium will stay public"
    said_on: {date: 2025-05-01, phrase: jeudi, rule: weekday}
    where: {en: press conference, fr: conférence de presse}
    articles: [gazette-1]
events:
  - id: declaration
    date: {date: 2025-05-01, phrase: jeudi, rule: weekday}
    actors: [maire]
    summary: {en: The mayor speaks., fr: Le maire parle.}
    evidence:
      - {article: gazette-1, sentence: "Le maire a déclaré jeudi", kind: narration}
positions:
  - actor: maire
    issue: stade
    stance: opposes
    summary: {en: Keeps it public., fr: Le garde public.}
    quotes: [maire-public]
"""


def test_another_dispute_is_another_seeds_folder(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "stade.txt").write_text(MINI_ARTICLE, encoding="utf-8")
    (tmp_path / "dossier.yaml").write_text(MINI_DOSSIER, encoding="utf-8")
    assert check_corpus(tmp_path) == []
    result = _cli("--seeds", str(tmp_path), "ask", "/quote mayor")
    assert result.returncode == 0, result.stderr
    assert "Le stade restera public" in result.stdout
    assert "1 May 2025 (inferred from “jeudi”)" in result.stdout  # the Thursday before
    assert "Gazette, 2025-05-02" in result.stdout


def test_a_list_used_as_a_key_is_a_problem_not_a_crash(seeds_copy: Path) -> None:
    path = seeds_copy / "dispute.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, "? [a, b]", ": c", ""]), encoding="utf-8")
    problems = check_corpus(seeds_copy)
    message = "invalid YAML: a key must be plain text, not a list or mapping"
    assert problems == [f"dispute.yaml:{len(lines) + 1}: {message}"]
