"""The one matching module: the typo table, months, folding and keyword correction."""

from __future__ import annotations

import pytest

from bot.core import Core
from bot.matching.folding import fold, words
from bot.matching.keywords import TextIndex
from bot.matching.months import resolve_month
from bot.matching.names import NameIndex

# What people type for a speaker, and whom it must resolve to.
SPEAKER_TYPOS = [
    ("trump", "trump"),
    ("trunp", "trump"),
    ("Trmp", "trump"),
    ("TRUMP", "trump"),
    ("Donald", "trump"),
    ("donald trump", "trump"),
    ("donlad", "trump"),
    ("hegseth", "hegseth"),
    ("hegset", "hegseth"),
    ("Hegsteh", "hegseth"),
    ("pete hegset", "hegseth"),
    ("amodei", "amodei"),
    ("amodéi", "amodei"),
    ("Amodeï", "amodei"),
    ("amodi", "amodei"),
    ("dario", "amodei"),
    ("Dário", "amodei"),
    ("anthropic", "anthropic"),
    ("antropic", "anthropic"),
    ("porte-parole", "anthropic-spokesperson"),
    ("porte parole", "anthropic-spokesperson"),
    ("responsable américain", "us-official"),
    ("syndicats", "tech-unions"),
]


@pytest.mark.parametrize(("typed", "expected"), SPEAKER_TYPOS)
def test_speaker_typos_resolve(core: Core, typed: str, expected: str) -> None:
    span = core.dossier.speakers.find(words(typed))
    assert span is not None, typed
    assert span.match.target == expected


@pytest.mark.parametrize("typed", ["woke", "surveillance", "guerres", "zzzz", "ia", "the"])
def test_keywords_are_not_taken_for_speakers(core: Core, typed: str) -> None:
    assert core.dossier.speakers.find(words(typed)) is None


def test_a_name_followed_by_keywords_takes_only_the_name(core: Core) -> None:
    span = core.dossier.speakers.find(words("donald trump woke"))
    assert span is not None
    assert (span.match.target, span.start, span.end) == ("trump", 0, 2)


@pytest.mark.parametrize(
    ("typed", "month"),
    [
        ("février", 2),
        ("fevrier", 2),
        ("Février", 2),
        ("feb", 2),
        ("february", 2),
        ("febuary", 2),
        ("fébrier", 2),
        ("juin", 6),
        ("june", 6),
        ("août", 8),
        ("aout", 8),
        ("décembre", 12),
        ("ultimatum", None),
        ("hegseth", None),
        ("27", None),
    ],
)
def test_month_names_in_both_languages(typed: str, month: int | None) -> None:
    assert resolve_month(typed) == month


def test_fold_removes_case_accents_ligatures_and_punctuation() -> None:
    assert fold("Égoïsme, CŒUR d’Anthropic!") == "egoisme coeur d anthropic"
    assert fold(fold("Égoïsme")) == fold("Égoïsme")


def test_keyword_search_forgives_typos_and_accents() -> None:
    index = TextIndex(["la surveillance de masse", "les armes autonomes", "une erreur désastreuse"])
    assert [h.doc for h in index.search("survelliance")] == [0]
    assert [h.doc for h in index.search("desastreuse")] == [2]
    assert [h.doc for h in index.search("arme")] == [1]  # a prefix of "armes"
    assert index.search("xylophone") == []


def test_documents_matching_more_words_rank_first() -> None:
    index = TextIndex(["armes", "armes autonomes mortelles", "autonomes"])
    assert index.search("armes autonomes")[0].doc == 1


def test_autocomplete_offers_names_as_they_are_typed(core: Core) -> None:
    assert core.complete("speaker", "tru")[0].name == "Donald Trump"
    assert core.complete("speaker", "hegs")[0].name == "Pete Hegseth"
    assert core.complete("speaker", "amod")[0].name == "Dario Amodei"
    assert core.complete("actor", "penta")[0].name == "Department of Defense (Pentagon)"
    assert core.complete("issue", "surv")[0].name == "Mass surveillance"
    choices = core.complete("speaker", "")
    assert 1 < len(choices) <= 25
    assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in choices)
    assert "2026-02-27" in [c.value for c in core.complete("date", "2026-02")]
    # a date is offered no more precisely than the dossier knows it (iso_at)
    assert [c.value for c in core.complete("date", "20")][:3] == ["2021", "2025-06", "2026"]


def test_suggestions_name_the_closest(core: Core) -> None:
    index: NameIndex = core.dossier.speakers
    assert index.suggest("trumpet")[0].target == "trump"


def test_a_word_closer_to_the_quotes_than_to_a_name_stays_a_keyword() -> None:
    names = NameIndex([("Marie", "marie"), ("Trump", "trump")])
    text = TextIndex(["la mairie de Paris", "une erreur désastreuse"])
    assert names.find(["mairie"]) is not None  # alone, it looks like Marie
    assert names.find(["mairie"], keywords=text) is None  # but it is a word of the quotes
    span = names.find(["marie", "mairie"], keywords=text)
    assert span is not None and (span.match.target, span.start) == ("marie", 0)
    span = names.find(["trunp", "erreur"], keywords=text)
    assert span is not None and span.match.target == "trump"


def test_a_swap_of_two_letters_is_one_slip() -> None:
    index = TextIndex(["une entreprise woke", "nous ne travaillerons plus, we will not work"])
    assert index.rank("woek") == [0]  # a swap: woke, not work (a letter changed)
    assert index.rank("musk") == []  # four letters: only a swap is forgiven, not must
    assert index.rank("entrepirse") == [0]


def test_an_exact_hit_is_never_joined_by_a_look_alike() -> None:
    index = TextIndex(
        ["l'utilisation des armes autonomes", "notre grande armée", "un contrat", "contraindre"]
    )
    assert index.rank("armes") == [0]
    assert index.rank("armée") == [1]
    assert index.rank("contrat") == [2]
    assert index.rank("arme") == [0, 1]  # its plural first, then a word it begins
    assert index.rank("armse")[0] == 0  # no exact hit: corrected, the swap first


def test_every_word_keeps_only_documents_holding_them_all() -> None:
    index = TextIndex(["armes autonomes", "armes", "autonomes mortelles", "bris de glace"])
    assert index.rank("armes autonomes", every_word=True) == [0]
    assert index.rank("armes xylophone", every_word=True) == []
    # A slip that makes another word of the text is corrected when nothing holds them all.
    index = TextIndex(["la voiture rouge", "un rogue", "la voiture"])
    assert index.rank("rogue voiture", every_word=True) == [0]


def test_names_are_found_word_by_word(core: Core) -> None:
    actors = core.dossier.actors

    def named(typed: str) -> list[str]:
        return [span.match.target for span in actors.find_all(words(typed))]

    assert named("ministre de la Défense") == ["hegseth"]  # four words
    assert named("ministère de la Défense") == ["pentagon"]  # not the minister
    assert named("secrétaire à la Défense") == ["hegseth"]  # Secretary of Defense, in French
    assert named("donald j. trump") == ["trump"]
    assert named("président des états-unis") == ["trump"]  # his role
    assert named("trump et hegseth") == ["trump", "hegseth"]
    assert named("Department of War") == []  # Department of Defense is not it


def test_a_word_only_one_actors_names_hold_names_them(core: Core) -> None:
    actors = core.dossier.actors

    def part(typed: str) -> str | None:
        span = actors.find_part(words(typed))
        return span.match.target if span else None

    assert part("ministre") == "hegseth"
    assert part("le président") == "trump"
    assert part("responsable") == "us-official"
    assert part("chief executive") == "amodei"
    assert part("CEO") == "amodei"
    assert part("microsoft") == "tech-unions"
    # "le dirigeant quadragénaire" is Amodei, but the quotes say "nos dirigeants": /quote
    # takes the word as a word of the quotes (tests/relevance, `/quote dirigeant`).
    assert part("dirigeant") == "amodei"
    assert part("defense") is None  # Hegseth's and the Pentagon's
    assert part("ministre surveillance") is None  # every word must be the same speaker's
