"""A draft saved into a seeds folder passes `corpus check` and is served only once accepted."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.core import Core
from bot.corpus import check_corpus, load_corpus
from tests.draft.conftest import Run

ARTICLE = "\n\n".join(
    (
        "date 2026-03-02 Anthropic : Pete Hegseth promet de ne pas reculer",
        "Le ministre de la Défense, Pete Hegseth, a défendu lundi sa décision d'inscrire "
        "Anthropic sur la liste des risques d'approvisionnement.",
        '"Nous ne reculerons pas devant une entreprise qui refuse de servir son pays", '
        "a déclaré lundi Pete Hegseth devant la presse.",
        "Une audience est prévue le 16 mars devant un tribunal fédéral, selon une source "
        "judiciaire.\n",
    )
).replace("\n\n", "\n", 1)
QUOTE = "Nous ne reculerons pas devant une entreprise qui refuse de servir son pays"


def _quotes_by_hegseth(seeds: Path) -> str:
    settings = dataclasses.replace(load_settings(environ={}), seeds=seeds, snapshot_dir=None)
    reply = Core(settings).handle_line("/quote hegseth reculerons")
    return "\n".join(item.quote or "" for item in reply.items)


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
    assert QUOTE not in _quotes_by_hegseth(seeds)
    corpus = load_corpus(seeds)
    assert corpus.drafts > 0
    assert all(q.id not in {"hegseth-nous-ne-reculerons-pas-devant"} for q in corpus.quotes)

    _accept(drafted, "articles", "2026-03-02-hegseth-ne-recule-pas")
    _accept(drafted, "quotes", "hegseth-nous-ne-reculerons-pas-devant")
    assert check_corpus(seeds) == []
    assert QUOTE in _quotes_by_hegseth(seeds)
    assert load_corpus(seeds).drafts == corpus.drafts - 2


def test_an_accepted_quote_cannot_keep_a_todo_or_a_drafted_article(drafted: Path) -> None:
    seeds = drafted.parent
    text = drafted.read_text(encoding="utf-8")
    block = _block(text, "hegseth-nous-ne-reculerons-pas-devant")
    drafted.write_text(text.replace(block, _without_mark(block)), encoding="utf-8")
    problems = "\n".join(check_corpus(seeds))
    assert "still has a TODO to fill in" in problems
    assert "'2026-03-02-hegseth-ne-recule-pas' is still a draft: accept it first" in problems


def _block(text: str, ident: str) -> str:
    match = re.search(rf"  - id: {re.escape(ident)}\n(?:    .*\n|      .*\n)+", text)
    assert match, ident
    return match[0]


def _without_mark(block: str) -> str:
    return re.sub(r"    draft:\n(?:      .*\n)+", "", block)


def _accept(path: Path, section: str, ident: str) -> None:
    """What a reviewer does: fill in the TODOs, then delete the `draft:` mark."""
    text = path.read_text(encoding="utf-8")
    block = _block(text, ident)
    accepted = (
        _without_mark(block)
        .replace('"TODO: English translation"', '"We will not back down"')
        .replace('"TODO: who published it"', '"AFP"')
    )
    path.write_text(text.replace(block, accepted), encoding="utf-8")
    assert section in text
