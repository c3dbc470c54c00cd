"""Seeds and config that try to leave their folder or break the reader: refused with file:line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import DisputeBot
from bot.config import load_settings
from bot.corpus import check_corpus, load_corpus
from bot.errors import ConfigError, CorpusError

DEEP_LINE = 101  # the 101st level: the document is the 1st, `k1:` (line 2) the 2nd
DEEP = "quotes:\n" + "".join(" " * n + f"k{n}:\n" for n in range(1, 1000)) + " " * 1000 + "x: 1\n"
DEEP_FLOW = "quotes: " + "[" * 1000 + "]" * 1000 + "\n"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=60
    )


def point_article_at(seeds: Path, target: str) -> None:
    dossier = seeds / "dispute.yaml"
    text = dossier.read_text(encoding="utf-8")
    old = "file: articles/2026-02-28-trump-drops-anthropic.txt"
    assert old in text
    dossier.write_text(text.replace(old, f"file: {target}"), encoding="utf-8")


def article_line(seeds: Path, target: str) -> int:
    lines = (seeds / "dispute.yaml").read_text(encoding="utf-8").splitlines()
    return lines.index(f"    file: {target}") + 1


@pytest.fixture
def outside(seeds_copy: Path) -> Path:
    """A secret beside the seeds folder, written like an article so only the path is wrong."""
    folder = seeds_copy.parent / "outside"
    folder.mkdir()
    secret = folder / "secret.txt"
    original = seeds_copy / "articles" / "2026-02-28-trump-drops-anthropic.txt"
    secret.write_text(original.read_text(encoding="utf-8"), encoding="utf-8")
    return secret


def test_an_article_path_leaving_the_seeds_folder_is_refused(
    seeds_copy: Path, outside: Path
) -> None:
    point_article_at(seeds_copy, "../outside/secret.txt")
    line = article_line(seeds_copy, "../outside/secret.txt")
    expected = f"dispute.yaml:{line}: article 'afp-2026-02-28': ../outside/secret.txt is outside"
    assert any(p.startswith(expected) for p in check_corpus(seeds_copy)), check_corpus(seeds_copy)
    with pytest.raises(CorpusError, match=re.escape(expected)):
        load_corpus(seeds_copy)  # start-up


def test_an_article_symlink_leaving_the_seeds_folder_is_refused_by_corpus_check(
    seeds_copy: Path, outside: Path
) -> None:
    os.symlink(outside, seeds_copy / "articles" / "linked.txt")
    point_article_at(seeds_copy, "articles/linked.txt")
    line = article_line(seeds_copy, "articles/linked.txt")
    result = cli("corpus", "check", str(seeds_copy))
    assert result.returncode == 1
    assert f"dispute.yaml:{line}: article 'afp-2026-02-28': articles/linked.txt is outside" in (
        result.stderr
    )


def test_a_symlink_inside_the_seeds_folder_still_reads(seeds_copy: Path) -> None:
    os.symlink(
        seeds_copy / "articles" / "2026-02-28-trump-drops-anthropic.txt",
        seeds_copy / "articles" / "linked.txt",
    )
    point_article_at(seeds_copy, "articles/linked.txt")
    assert check_corpus(seeds_copy) == []


@pytest.mark.parametrize("text", [DEEP, DEEP_FLOW], ids=["block", "flow"])
def test_yaml_nested_a_thousand_levels_is_reported_with_file_and_line(
    seeds_copy: Path, text: str
) -> None:
    (seeds_copy / "deep.yaml").write_text(text, encoding="utf-8")
    line = DEEP_LINE if text is DEEP else 1
    expected = f"deep.yaml:{line}: too deeply nested (more than 100 levels)"
    assert check_corpus(seeds_copy) == [expected]
    result = cli("--seeds", str(seeds_copy), "ask", "/quote trump")  # start-up
    assert result.returncode == 2
    assert expected in result.stderr and "RecursionError" not in result.stderr


def test_a_reload_of_a_deeply_nested_file_is_refused_with_file_and_line(seeds_copy: Path) -> None:
    bot = DisputeBot(load_settings(environ={"DISPUTE_BOT_SEEDS": str(seeds_copy)}))
    core = bot.core
    (seeds_copy / "deep.yaml").write_text(DEEP, encoding="utf-8")
    result = bot.reload()
    assert not result.ok
    assert result.problems == (f"deep.yaml:{DEEP_LINE}: too deeply nested (more than 100 levels)",)
    assert core.handle_line("/quote trump").ok  # the dossier in use is kept


def test_a_dossier_file_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte(
    seeds_copy: Path,
) -> None:
    dossier = seeds_copy / "dispute.yaml"
    raw = dossier.read_bytes().replace(b"Truth Social", b"Truth Soci\xe9l", 1)
    dossier.write_bytes(raw)
    line = raw[: raw.index(b"\xe9")].count(b"\n") + 1
    assert check_corpus(seeds_copy) == [f"dispute.yaml:{line}: not UTF-8 text (byte 0xe9)"]


def test_an_article_that_is_not_utf8_is_reported_at_the_line_of_the_bad_byte(
    seeds_copy: Path,
) -> None:
    article = seeds_copy / "articles" / "2026-02-28-trump-drops-anthropic.txt"
    lines = article.read_bytes().split(b"\n")
    lines[3] += b" \xff"
    article.write_bytes(b"\n".join(lines))
    problems = check_corpus(seeds_copy)
    assert "articles/2026-02-28-trump-drops-anthropic.txt:4: not UTF-8 text (byte 0xff)" in problems


def test_a_config_file_nested_too_deep_or_not_utf8_names_the_file_and_line(
    tmp_path: Path,
) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("locale: en\nslack_commands:\n" + DEEP.replace("quotes:\n", ""), "utf-8")
    with pytest.raises(ConfigError, match=r"deep\.yaml:102: too deeply nested"):
        load_settings(deep, environ={})
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("locale: en\n# café\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin\.yaml:2: not UTF-8 text \(byte 0xe9\)"):
        load_settings(latin, environ={})
