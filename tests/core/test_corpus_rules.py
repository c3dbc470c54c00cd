"""The provenance rules (bot/corpus/rules.py): a dossier that says more than its articles fails.

Each test breaks a copy of the shipped dossier the way the audit found it broken, and the
check must name the file and line of the record at fault, with what to do about it.
"""

from __future__ import annotations

from pathlib import Path

from bot.corpus import check_corpus

from .test_corpus import _break, _line_of


def _only(seeds: Path) -> str:
    problems = check_corpus(seeds)
    assert len(problems) == 1, problems
    return problems[0]


def test_a_stance_must_cite_words_that_name_its_issue(seeds_copy: Path) -> None:
    # The audit's "denies" for the Pentagon on surveillance: its sentence names no surveillance.
    _break(
        seeds_copy,
        "  # Fully autonomous weapons\n",
        "  - actor: pentagon\n"
        "    issue: mass-surveillance\n"
        "    stance: denies\n"
        "    summary: {en: Says it will act within the law., fr: Dit respecter la loi.}\n"
        "    evidence:\n"
        "      - article: afp-2026-02-28\n"
        "        sentence: \"Le ministère de la Défense assure qu'il entend se servir des "
        "modèles d'IA dans le respect de la loi.\"\n"
        "        kind: narration\n"
        '        translation: "The Department of Defense says it will use AI lawfully."\n'
        "  # Fully autonomous weapons\n",
    )
    line = _line_of(seeds_copy, "- actor: pentagon\n    issue: mass-surveillance".split("\n")[0])
    problem = _only(seeds_copy)
    assert problem.startswith(f"dispute.yaml:{line}: position pentagon/mass-surveillance: ")
    assert "name the issue (surveillance, surveillance de masse" in problem


def test_an_alias_the_articles_never_use_must_be_declared(seeds_copy: Path) -> None:
    _break(
        seeds_copy, "aliases: [menaces, liste,", "aliases: [Defense Production Act, menaces, liste,"
    )
    line = _line_of(seeds_copy, "aliases: [Defense Production Act")
    assert _only(seeds_copy) == (
        f"dispute.yaml:{line}: issue 'sanctions': alias 'Defense Production Act' occurs in no "
        "article: declare it as the English form of the article's words (translations: "
        "{Defense Production Act: <their words>}) or as a search term"
    )


def test_a_translation_must_translate_words_an_article_has(seeds_copy: Path) -> None:
    _break(
        seeds_copy,
        "supply risk: risque pour les approvisionnements}",
        "supply chain risk: risque de la chaîne}",
    )
    line = _line_of(seeds_copy, "supply chain risk: risque de la chaîne")
    assert _only(seeds_copy) == (
        f"dispute.yaml:{line}: issue 'sanctions': 'supply chain risk' translates "
        "'risque de la chaîne', which occurs in no article"
    )


def test_a_date_without_the_words_it_was_read_from_is_refused(seeds_copy: Path) -> None:
    # The audit's Amodei quotes "said on 26 February": no day in their sentences.
    _break(
        seeds_copy,
        '    translation: "Using these systems',
        '    said_on: 2026-02-26\n    translation: "Using these systems',
    )
    line = _line_of(seeds_copy, "said_on: 2026-02-26")
    problem = _only(seeds_copy)
    assert problem.startswith(f"dispute.yaml:{line}: quote: 'said_on' must say where it was read")
    assert "or leave it out when the text gives no date" in problem


def test_an_inferred_date_is_read_again_and_must_agree(seeds_copy: Path) -> None:
    _break(
        seeds_copy,
        'date: {date: 2026-02-27, phrase: "vendredi", rule: weekday}\n    order: 3',
        'date: {date: 2026-02-26, phrase: "vendredi", rule: weekday}\n    order: 3',
    )
    line = _line_of(seeds_copy, 'date: {date: 2026-02-26, phrase: "vendredi"')
    assert (
        f"dispute.yaml:{line}: event 'supply-risk-listing': 'vendredi' reads 2026-02-27 "
        "(weekday: last vendredi on or before 2026-02-28), not 2026-02-26"
    ) in check_corpus(seeds_copy)


def test_the_rule_named_must_be_the_one_that_reads_the_words(seeds_copy: Path) -> None:
    _break(seeds_copy, 'phrase: "en juin", rule: month}', 'phrase: "en juin", rule: weekday}')
    line = _line_of(seeds_copy, 'phrase: "en juin", rule: weekday}')
    assert _only(seeds_copy) == (
        f"dispute.yaml:{line}: event 'government-contract': 'en juin' is read by the rule "
        "'month', not 'weekday'"
    )


def test_the_words_must_be_in_the_records_own_sentence(seeds_copy: Path) -> None:
    # Hegseth's accusation: no day in its sentence, whatever day one would like to give it.
    _break(
        seeds_copy,
        "  - id: hegseth-accuses-betrayal\n",
        '  - id: hegseth-accuses-betrayal\n    date: {date: 2026-02-27, phrase: "vendredi", '
        "rule: weekday}\n",
    )
    line = _line_of(seeds_copy, "  - id: hegseth-accuses-betrayal") + 1
    problems = check_corpus(seeds_copy)
    assert (
        f"dispute.yaml:{line}: event 'hegseth-accuses-betrayal': 'vendredi' is not in its own "
        "sentence" in problems
    )


def test_a_day_shared_with_another_record_must_be_its_day(seeds_copy: Path) -> None:
    _break(
        seeds_copy,
        "date: {date: 2026-02-27, via: trump-orders-stop}",
        "date: {date: 2026-02-28, via: trump-orders-stop}",
    )
    line = _line_of(seeds_copy, "date: {date: 2026-02-28, via: trump-orders-stop}")
    problems = check_corpus(seeds_copy)
    assert (
        f"dispute.yaml:{line}: event 'transition-announced': dated as 'trump-orders-stop', "
        "which is dated 2026-02-27, not 2026-02-28"
    ) in problems


def test_a_computed_date_is_no_event(seeds_copy: Path) -> None:
    # The audit's "transition-ends": about August 2026 is our arithmetic on "six mois".
    _break(
        seeds_copy,
        "  - id: anthropic-no-comment\n",
        "  - id: transition-ends\n"
        "    date: {date: 2026-08, qualifier: about}\n"
        "    actors: [pentagon]\n"
        "    summary: {en: End of the transition., fr: Fin de la transition.}\n"
        "    evidence:\n"
        "      - article: afp-2026-02-28\n"
        '        sentence: "une période de transition de six mois allait s\'ouvrir"\n'
        "        kind: narration\n"
        "  - id: anthropic-no-comment\n",
    )
    line = _line_of(seeds_copy, "date: {date: 2026-08, qualifier: about}")
    problem = _only(seeds_copy)
    assert problem.startswith(f"dispute.yaml:{line}: event date: give the words the date was read")
    assert "is no event: put 'period' on the record that gives the length" in problem


def test_a_period_ends_where_its_length_counts_to(seeds_copy: Path) -> None:
    _break(
        seeds_copy,
        'period: {phrase: "six mois", months: 6, ends: 2026-08}',
        'period: {phrase: "six mois", months: 6, ends: 2026-09}',
    )
    line = _line_of(seeds_copy, "ends: 2026-09}")
    assert _only(seeds_copy) == (
        f"dispute.yaml:{line}: event 'transition-announced': 'six mois' from 2026-02-27 ends "
        "about 2026-08, not 2026-09"
    )
    _break(seeds_copy, "months: 6, ends: 2026-09", "months: 3, ends: 2026-05")
    assert _only(seeds_copy).endswith("'six mois' is not 3 months")


def test_narration_a_position_shows_needs_its_translation(seeds_copy: Path) -> None:
    _break(
        seeds_copy,
        '        translation: "The Department of Defense says it intends to use the AI models '
        'within the law."\n',
        "",
    )
    line = _line_of(seeds_copy, "  - actor: pentagon") + 6  # its `evidence:` key
    problem = _only(seeds_copy)
    assert problem.startswith(
        f"dispute.yaml:{line}: position pentagon/usage-restrictions: narration needs its "
        "English 'translation'"
    )


def test_evidence_says_whether_it_is_narration_or_quotation(seeds_copy: Path) -> None:
    _break(
        seeds_copy,
        "    sentence: \"Contactée par l'AFP, Anthropic n'a pas donné suite dans l'immédiat.\"\n"
        "        kind: narration\n",
        "    sentence: \"Contactée par l'AFP, Anthropic n'a pas donné suite dans l'immédiat.\"\n",
    )
    problem = _only(seeds_copy)
    assert problem.endswith("event evidence: missing 'kind'")


def test_same_day_events_carry_an_explicit_order(seeds_copy: Path) -> None:
    _break(
        seeds_copy,
        "    order: 2\n    actors: [hegseth, anthropic, pentagon]",
        "    actors: [hegseth, anthropic, pentagon]",
    )
    line = _line_of(seeds_copy, "  - id: ultimatum\n".rstrip("\n"))
    assert _only(seeds_copy) == (
        f"dispute.yaml:{line}: event 'ultimatum': 2026-02-24 is also the day of "
        "hegseth-amodei-meeting: give each a different 'order' (1, 2, ...), the text's order first"
    )


def test_a_fragment_of_a_longer_quote_says_so(seeds_copy: Path) -> None:
    _break(seeds_copy, "    part_of: trump-order\n", "")
    line = _line_of(seeds_copy, 'text: "cesser immédiatement toute utilisation"')
    assert _only(seeds_copy) == (
        f"dispute.yaml:{line}: quote 'trump-cease-all-use': its words are part of "
        "'trump-order': declare part_of: trump-order"
    )


def test_a_position_cites_only_its_actor_or_who_speaks_for_it(seeds_copy: Path) -> None:
    _break(
        seeds_copy,
        "    speaks_for: {actor: anthropic, as: {en: chief executive, fr: patron}}\n",
        "",
    )
    problems = check_corpus(seeds_copy)
    assert any(
        "position anthropic/mass-surveillance: 'amodei-domestic-surveillance' is by 'amodei', "
        "who does not speak for 'anthropic' (speaks_for)" in p
        for p in problems
    ), problems


def test_a_tag_is_a_word_of_its_evidence(seeds_copy: Path) -> None:
    _break(seeds_copy, "    tags: [Truth Social, cesser", "    tags: [ban, Truth Social, cesser")
    line = _line_of(seeds_copy, "tags: [ban, Truth Social")
    assert _only(seeds_copy).startswith(
        f"dispute.yaml:{line}: event 'trump-orders-stop': tag 'ban' is not in its evidence"
    )


def test_drafts_are_left_to_the_review_that_accepts_them(seeds_copy: Path) -> None:
    """A drafted record is checked for form, not for provenance, until a person accepts it."""
    _break(
        seeds_copy,
        "  - id: google\n",
        "  - id: microsoft\n    name: Microsoft\n    kind: organisation\n"
        "    role: {en: Tech company, fr: Entreprise}\n    aliases: [Microsoft Corp]\n"
        "    draft: {sentence: a sentence}\n  - id: google\n",
    )
    assert check_corpus(seeds_copy) == []
    _break(seeds_copy, "    draft: {sentence: a sentence}\n", "")
    assert "alias 'Microsoft Corp' occurs in no article" in _only(seeds_copy)
