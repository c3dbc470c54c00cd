"""`dispute-bot draft` run as a person runs it: both seed articles, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.draft.conftest import ARTICLES, SEEDS, Run


@pytest.mark.parametrize("article", ARTICLES, ids=lambda p: p.stem)
def test_drafts_each_seed_article_as_seeds_yaml(run: Run, article: Path) -> None:
    result = run("draft", str(article), "--rules-only")
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    assert set(data) <= {"articles", "actors", "quotes", "events"}
    assert data["articles"][0]["file"] == f"articles/{article.name}"
    assert data["quotes"], "each seed article has quotes"
    assert all("draft" in record for section in data.values() for record in section)
    assert "quotes," in result.stderr and "events" in result.stderr  # the summary line


def test_the_second_seed_article_names_its_speakers_by_dossier_id(run: Run) -> None:
    result = run(
        "draft", str(SEEDS / "articles/2026-02-28-trump-drops-anthropic.txt"), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    quotes = {q["text"]: q for q in json.loads(result.stdout)["quotes"]}
    trump = quotes[
        "Leur égoïsme met en danger des vies américaines, nos troupes et la sécurité nationale"
    ]
    assert (trump["actor"], trump["speaker"]) == ("trump", "Donald Trump")
    assert quotes["rejeter les demandes du Pentagone"]["actor"] == "tech-unions"
    assert quotes["cesser immédiatement toute utilisation"]["said_on"] == "2026-02-27"


def test_several_articles_give_one_seeds_file(run: Run) -> None:
    result = run("draft", *map(str, ARTICLES), "--rules-only")
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    assert [a["file"] for a in data["articles"]] == [f"articles/{p.name}" for p in ARTICLES]
    ids = [r["id"] for section in data.values() for r in section]
    assert len(ids) == len(set(ids))


def _bad(tmp_path: Path, name: str, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("blank.txt", b"  \n\n", "the file is empty"),
        (
            "nodate.txt",
            b"Un titre\nLe corps de l'article.",
            "first line must be 'date YYYY-MM-DD Title'",
        ),
        ("baddate.txt", b"date 2026-02-30 Titre\nCorps.", "not a real date"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "a binary file"),
        ("latin1.txt", "date 2026-02-25 Été\nCorps é".encode("latin-1"), "not UTF-8 text"),
        ("titleonly.txt", b"date 2026-02-25 Titre seul\n", "no text"),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(
    run: Run, tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    result = run("draft", _bad(tmp_path, name, content))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and says in lines[0] and name in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_unreadable_paths_get_one_line_and_exit_2(run: Run, tmp_path: Path) -> None:
    for path in (tmp_path / "missing.txt", tmp_path):
        result = run("draft", str(path))
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and str(path) in lines[0], result.stderr


def test_nothing_is_written_without_output_and_output_never_overwrites(
    run: Run, seeds_copy: Path
) -> None:
    before = sorted(p.name for p in seeds_copy.rglob("*"))
    assert (
        run(
            "draft",
            str(seeds_copy / "articles" / ARTICLES[0].name),
            "--seeds",
            str(seeds_copy),
            "--rules-only",
        ).returncode
        == 0
    )
    assert sorted(p.name for p in seeds_copy.rglob("*")) == before
    dossier = seeds_copy / "dispute.yaml"
    original = dossier.read_bytes()
    result = run("draft", str(ARTICLES[0]), "--output", str(dossier))
    assert result.returncode == 2 and "already exists" in result.stderr
    assert dossier.read_bytes() == original
