"""A draft saved into a seeds folder passes `corpus check` and is served only once accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import check_corpus, load_corpus
from tests.draft.conftest import Run
from tests.draft.review import ARTICLE, QUOTE, accept, entry_block, quotes_by_hegseth, without_mark


@pytest.fixture
def drafted(run: Run, seeds_copy: Path) -> Path:
    article = seeds_copy / "articles" / "2026-03-02-hegseth-ne-recule-pas.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    output = seeds_copy / "2026-03-02-hegseth-ne-recule-pas.draft.yaml"
    result = run("draft", str(article), "--seeds", str(seeds_copy), "--output", str(output))
    assert result.returncode == 0, result.stderr
    return output


def test_a_saved_draft_passes_corpus_check_as_it_is(run: Run, drafted: Path) -> None:
    result = run("corpus", "check", str(drafted.parent))
    assert result.returncode == 0, result.stderr
    assert "drafted record(s) await review" in result.stdout
    text = drafted.read_text(encoding="utf-8")
    assert f'text: "{QUOTE}"' in text
    assert "speaker: hegseth" in text  # the dossier's own actor, by id
    # "lundi" before the article of Monday 2 March, with the words and the rule that read
    # it: once accepted, `corpus check` reads them again (test below).
    assert 'said_on: {date: "2026-03-02", phrase: "lundi", rule: weekday}' in text
    assert "speech verb after the quote" in text  # the rule that fired, for the reviewer


def test_a_drafted_quote_is_not_served_until_accepted(drafted: Path) -> None:
    seeds = drafted.parent
    assert QUOTE not in quotes_by_hegseth(seeds)
    corpus = load_corpus(seeds)
    assert corpus.drafts > 0
    assert all(q.id not in {"hegseth-nous-ne-reculerons-pas-devant"} for q in corpus.quotes)

    accept(drafted, "articles", "2026-03-02-hegseth-ne-recule-pas")
    accept(drafted, "quotes", "hegseth-nous-ne-reculerons-pas-devant")
    assert check_corpus(seeds) == []
    assert QUOTE in quotes_by_hegseth(seeds)
    assert load_corpus(seeds).drafts == corpus.drafts - 2


def test_an_accepted_quote_cannot_keep_a_todo_or_a_drafted_article(drafted: Path) -> None:
    seeds = drafted.parent
    text = drafted.read_text(encoding="utf-8")
    block = entry_block(text, "hegseth-nous-ne-reculerons-pas-devant")
    drafted.write_text(text.replace(block, without_mark(block)), encoding="utf-8")
    problems = "\n".join(check_corpus(seeds))
    assert "still has a TODO to fill in" in problems
    assert "'2026-03-02-hegseth-ne-recule-pas' is still a draft: accept it first" in problems
