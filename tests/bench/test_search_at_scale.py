"""At 5,000 quotes, /quote still finds what people mean: typos, missing accents, names.

The queries come from the benchmark's generator: each names a speaker and/or one to three
words of one quote, often typed wrong, and knows which quote it means. Timings are the
benchmark's business (`make bench`), not the tests'.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate import SynthDossier, generate, write_seeds
from bench.queries import TOP, Query
from bot.core import Core
from bot.corpus import check_corpus
from bot.reply import ReplyKind
from tests.bench.conftest import SIZE


def _top_ids(core: Core, line: str) -> list[str]:
    id_of_text = {q.text: q.id for q in core.dossier.corpus.quotes}
    reply = core.handle_line(line)
    return [id_of_text[item.quote] for item in reply.items if item.quote]


def test_the_synthetic_dossier_passes_the_corpus_check(synthetic_seeds: Path) -> None:
    assert check_corpus(synthetic_seeds) == []
    assert len(list((synthetic_seeds / "articles").glob("*.txt"))) == SIZE // 10


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    write_seeds(generate(300, seed=3), tmp_path / "a")
    write_seeds(generate(300, seed=3), tmp_path / "b")
    write_seeds(generate(300, seed=4), tmp_path / "c")
    first = (tmp_path / "a" / "dispute.yaml").read_bytes()
    assert first == (tmp_path / "b" / "dispute.yaml").read_bytes()
    assert first != (tmp_path / "c" / "dispute.yaml").read_bytes()
    articles = sorted(p.name for p in (tmp_path / "a" / "articles").iterdir())
    assert articles == sorted(p.name for p in (tmp_path / "b" / "articles").iterdir())
    assert (tmp_path / "a" / "articles" / articles[0]).read_text().startswith("date 2024-01-01 ")


def test_generated_queries_find_their_quote_in_the_top_five(
    big_core: Core, queries: list[Query]
) -> None:
    misses = [q for q in queries if q.answer not in _top_ids(big_core, f"/quote {q.text}")[:TOP]]
    assert len(queries) == 300
    assert sum(q.typos > 0 for q in queries) > 100  # the sample does have typos
    assert len(misses) / len(queries) <= 0.05, misses[:5]


def test_queries_with_typos_still_find_their_quote(big_core: Core, queries: list[Query]) -> None:
    typed_wrong = [q for q in queries if q.typos][:60]
    found = [q for q in typed_wrong if q.answer in _top_ids(big_core, f"/quote {q.text}")]
    assert len(found) >= 0.9 * len(typed_wrong)


@pytest.mark.parametrize(
    ("typed", "speaker"),
    [
        ("trunp", "Donald Trump"),
        ("Donald", "Donald Trump"),
        ("hegset", "Pete Hegseth"),
        ("amodéi", "Dario Amodei"),
        ("dario", "Dario Amodei"),
    ],
)
def test_misspelt_speakers_resolve_among_hundreds(
    big_core: Core, synthetic: SynthDossier, typed: str, speaker: str
) -> None:
    reply = big_core.handle_line(f"/quote {typed}")
    assert reply.kind is ReplyKind.OK
    assert reply.title == f"Quotes by {speaker}"
    assert len(synthetic.actors) > 50
    assert all(item.title.startswith(f"{speaker}, ") for item in reply.items)


def test_a_speaker_and_a_word_of_the_quote_put_it_first(
    big_core: Core, synthetic: SynthDossier
) -> None:
    quote = next(q for q in synthetic.quotes if q.speaker == "trump" and len(q.text) > 120)
    rare = max(
        (w.strip(".,").lower() for w in quote.text.split() if len(w) > 7),
        key=lambda w: -sum(w in q.text.lower() for q in synthetic.quotes[:2000]),
    )
    assert quote.id in _top_ids(big_core, f"/quote trunp {rare}")[:TOP]


def test_autocomplete_offers_the_name_being_typed(big_core: Core) -> None:
    assert big_core.complete("speaker", "tru")[0].name == "Donald Trump"
    assert big_core.complete("speaker", "hegs")[0].name == "Pete Hegseth"
    assert len(big_core.complete("speaker", "")) == 25
