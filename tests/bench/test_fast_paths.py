"""The speed-ups behind the benchmark answer exactly as the plain definitions they replace.

Loading 100,000 quotes fast takes a libyaml event reader, str-method folding and compact
postings; searching them fast takes a letter sieve before rapidfuzz. Each is checked here
against the straightforward version, on the shipped seeds, on crafted edge cases and on
Hypothesis' examples: a user must never see a different answer because the bot got faster.
"""

from __future__ import annotations

import gc
import math
import os
import re
import shutil
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.generate import SynthDossier
from bot.config import PROJECT_ROOT
from bot.corpus import check_corpus, load_corpus
from bot.corpus.bulk import cycles_collected_after
from bot.corpus.loader import fold_for_verbatim
from bot.corpus.yaml_reader import LineLoader, load_lined_yaml
from bot.matching import keywords
from bot.matching.folding import content_words, fold, words
from bot.matching.keywords import TextIndex

# The plain definitions the fast code replaced.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def plain_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.split(r"[^0-9a-z]+", text)).strip()


def plain_fold_for_verbatim(text: str) -> str:
    text = re.sub(r"[«»“”„‟″]", '"', text)
    text = re.sub(r"[’‘‚‛′`]", "'", text)
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))
    text = re.sub(r" (?=[,.;:!?)\]])", "", text)
    text = re.sub(r"(?<=[(\['\"]) ", "", text)
    return text.strip()


def plain_search(
    index: TextIndex,
    documents: list[str],
    query: str,
    within: set[int] | None,
    every_word: bool = False,
    order: list[int] | None = None,
    eager: bool = False,
    short: bool = False,
) -> list[tuple[int, float, int]]:
    """Dict-of-dicts postings, each posting weighed one by one, one sort key per hit.

    With `every_word`, documents holding every word; when none does, the same with each
    word also corrected as a typing slip (four-letter ones by any slip when a longer word
    is held as typed)."""
    postings: dict[str, dict[int, int]] = defaultdict(dict)
    for doc, text in enumerate(documents):
        for word in words(text):
            postings[word][doc] = postings[word].get(doc, 0) + 1
    idf = {w: math.log(1 + max(len(documents), 1) / len(p)) for w, p in postings.items()}
    scores: dict[int, float] = defaultdict(float)
    matched: dict[int, int] = defaultdict(int)
    typed = list(dict.fromkeys(content_words(query)))
    for word in typed:
        best: dict[int, float] = {}
        for term, weight in index.corrections(word, eager=eager, short=short):
            gain = weight * (keywords.CLOSENESS + idf[term])
            for doc, count in postings[term].items():
                if within is not None and doc not in within:
                    continue
                value = gain * (1 + math.log(count))
                if value > best.get(doc, 0.0):
                    best[doc] = value
        for doc, value in best.items():
            scores[doc] += value
            matched[doc] += 1
    ranked = [
        (d, s, matched[d]) for d, s in scores.items() if not every_word or matched[d] == len(typed)
    ]
    if every_word and not ranked and not eager:
        short = any(len(w) > 4 and index.holds(w) for w in typed)
        return plain_search(index, documents, query, within, every_word, order, True, short)
    place = order or list(range(len(documents)))
    return sorted(ranked, key=lambda h: (-h[2], -h[1], place[h[0]], h[0]))


TEXT = st.text(
    alphabet=st.sampled_from(list("aeiouéèêàçôœæßİ\u0301\u034f Ab1-'’«»,.;!?()\u00a0\t\n\u3000")),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_folding_matches_its_definition(text: str) -> None:
    assert fold(text) == plain_fold(text)


def test_folding_matches_its_definition_on_every_character() -> None:
    for code in range(0x20, 0x3000):
        text = f"a{chr(code)}b"
        assert fold(text) == plain_fold(text), hex(code)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_verbatim_folding_matches_its_definition(text: str) -> None:
    assert fold_for_verbatim(text) == plain_fold_for_verbatim(text)


WORDS = st.sampled_from(
    "surveillance survelliance armes arme autonomes trahison trump woke sécurité securite "
    "défense defense Défense erreur désastreuse le la de et".split()
)
DOCUMENTS = st.lists(st.lists(WORDS, max_size=12).map(" ".join), min_size=1, max_size=25)


@settings(max_examples=300, deadline=None)
@given(
    DOCUMENTS,
    st.lists(WORDS, min_size=1, max_size=3).map(" ".join),
    st.booleans(),
    st.booleans(),
    st.booleans(),
)
def test_keyword_search_ranks_as_its_definition(
    documents: list[str], query: str, filtered: bool, every_word: bool, reordered: bool
) -> None:
    index = TextIndex(documents)
    within = set(range(0, len(documents), 2)) if filtered else None
    order = list(reversed(range(len(documents)))) if reordered else None
    hits = index.search(query, within=within)
    assert [(h.doc, h.score, h.matched) for h in hits] == plain_search(
        index, documents, query, within
    )
    expected = plain_search(index, documents, query, within, every_word, order)
    ranked = index.rank(query, within=within, every_word=every_word, order=order)
    assert ranked == [doc for doc, _, _ in expected]


def test_the_sieve_leaves_spelling_corrections_unchanged(
    monkeypatch: pytest.MonkeyPatch, synthetic: SynthDossier
) -> None:
    """Above SIEVE_FROM_WORDS words, the letter sieve must not change what rapidfuzz picks."""
    documents = [f"{q.text} {q.translation}" for q in synthetic.quotes[:2000]]
    sieved = TextIndex(documents)
    assert len(sieved.vocabulary) >= keywords.SIEVE_FROM_WORDS
    monkeypatch.setattr(keywords, "SIEVE_FROM_WORDS", 10**9)
    unsieved = TextIndex(documents)
    assert sieved._sieves and not unsieved._sieves
    words = list(sieved.vocabulary)[::37]
    typed = [w[:2] + w[3:] for w in words if len(w) > 5] + [w[::-1] for w in words]
    for word in words + typed + ["trunp", "securite", "gouvernment", "zzzz", "a" * 30]:
        assert sieved.corrections(word) == unsieved.corrections(word), word


YAML_CASES = [
    "",
    "# a comment only\n",
    "a: 1\nb: [1, 2.5, true, null, ~, '', x]\nc: {d: e}\n",
    "a: 1\na: 2\n",  # duplicate key
    "a: &x 1\nb: *x\n",  # anchors
    "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",  # merge key
    "a: !!str 1\n",
    "---\na: 1\n---\nb: 2\n",  # two documents
    "a: [1, 2\n",  # unclosed
    "a: b: c\n",
    "\ufeffa: 1\n",
    "a: 'it''s'\nb: \"\\u00e9\\n\"\n",
    "date: 2026-02-25\nmonth: 2026-02\nyear: 2026\n",
    "? [a, b]\n: c\n",
    "a: |\n  line1\n  line2\nb: >-\n  folded\n  text\n",
    "a: 0x1F\nb: 1_000\nc: .inf\nd: -.5\ne: yes\nf: Off\n",
    "= : 1\n",
    "a: \x07\n",
    "role: \t\n",  # libyaml accepts a tab here, PyYAML does not
    ">#'\n",
    "{é*a'? } ",
    "[~? `  ]",
    "1: one\ntrue: t\n",
    "summary: Pourquoi ? Parce que.\nlist: [a, b]\n",
]


def _outcome(load: Any, text: str) -> tuple[Any, ...]:
    try:
        return ("ok", _with_lines(load(text)))
    except (yaml.YAMLError, TypeError) as exc:  # TypeError: a list or mapping as a key
        return ("error", type(exc).__name__, str(exc))


def _with_lines(data: Any) -> Any:
    if isinstance(data, dict):
        lines = getattr(data, "key_lines", None)
        return (getattr(data, "line", None), lines, {k: _with_lines(v) for k, v in data.items()})
    if isinstance(data, list):
        return [_with_lines(v) for v in data]
    return (type(data).__name__, data)


def _exact(text: str) -> Any:
    return yaml.load(text, Loader=LineLoader)


@pytest.mark.parametrize("text", YAML_CASES)
def test_fast_yaml_reads_as_pyyaml_does(text: str) -> None:
    assert _outcome(load_lined_yaml, text) == _outcome(_exact, text)


YAMLISH = st.lists(
    st.sampled_from(
        [
            *(":", ": ", "- ", " ", "\n", "\n  ", "\n- ", "[", "]", "{", "}", ", ", "'", '"'),
            *("#", "a", "b1", "x y", "1", "\t", "? ", "&a ", "*a", "!!str ", "|", ">", "é"),
            *("~", "true", "0x1", ".5", "<<", "=", "\u00a0", "\ufeff", "...", "---", "%"),
        ]
    ),
    max_size=14,
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(YAMLISH)
def test_fast_yaml_reads_random_text_as_pyyaml_does(text: str) -> None:
    assert _outcome(load_lined_yaml, text) == _outcome(_exact, text)


def test_the_shipped_seeds_read_the_same_either_way() -> None:
    text = (PROJECT_ROOT / "seeds" / "dispute.yaml").read_text(encoding="utf-8")
    assert _outcome(load_lined_yaml, text) == _outcome(_exact, text)


def test_a_fault_deep_in_a_large_dossier_names_its_line(
    synthetic_seeds: Path, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    # Hard links: a symlink to a folder outside the seeds is refused like any path leaving it.
    shutil.copytree(synthetic_seeds / "articles", seeds / "articles", copy_function=os.link)
    lines = (synthetic_seeds / "dispute.yaml").read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines) if line == "    speaker: trump" and n > 20_000)
    lines[at] = "    speaker: trumpp"
    (seeds / "dispute.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert check_corpus(seeds) == [f"dispute.yaml:{at + 1}: quote: unknown speaker 'trumpp'"]


def test_loading_leaves_garbage_collection_as_it_found_it(synthetic_seeds: Path) -> None:
    assert gc.isenabled()
    with cycles_collected_after():
        assert not gc.isenabled()
        load_corpus(PROJECT_ROOT / "seeds")
        assert not gc.isenabled()  # a nested build does not resume it early
    assert gc.isenabled()
    gc.disable()
    try:
        load_corpus(PROJECT_ROOT / "seeds")
        assert not gc.isenabled()  # nor turn it on for a program that keeps it off
    finally:
        gc.enable()
