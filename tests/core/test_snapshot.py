"""A large dossier is kept ready-built between starts, and any edit of the seeds rebuilds it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot import snapshot
from bot.snapshot import load_dossier


def test_a_small_dossier_leaves_no_snapshot(seeds_copy: Path, tmp_path: Path) -> None:
    kept = tmp_path / "snapshots"
    dossier = load_dossier(seeds_copy, kept)
    assert len(dossier.corpus.quotes) == 18
    assert not kept.exists()


@pytest.fixture
def always_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat the shipped dossier as one that takes long to build."""
    monkeypatch.setattr(snapshot, "WORTH_KEEPING_AFTER", 0.0)


@pytest.mark.usefixtures("always_keep")
def test_the_snapshot_is_reused_until_a_seeds_file_changes(
    seeds_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kept = tmp_path / "snapshots"
    built = load_dossier(seeds_copy, kept)
    first = list(kept.glob("dossier-*.pickle"))
    assert len(first) == 1
    caplog.set_level(logging.INFO, logger="dispute_bot.snapshot")
    again = load_dossier(seeds_copy, kept)
    assert "dossier loaded from its snapshot" in caplog.text
    assert again.corpus == built.corpus  # every record read back as it was built
    assert again.speakers.find(["trunp"]) == built.speakers.find(["trunp"])
    assert again.quote_text.rank("woke") == built.quote_text.rank("woke")

    dossier_file = seeds_copy / "dispute.yaml"
    text = dossier_file.read_text(encoding="utf-8")
    dossier_file.write_text(text.replace('translation: "betrayal"', 'translation: "treason"'))
    edited = load_dossier(seeds_copy, kept)
    assert edited.corpus.quote_by_id["hegseth-betrayal"].translation == "treason"
    second = list(kept.glob("dossier-*.pickle"))
    assert len(second) == 1 and second != first  # the stale one is gone


@pytest.mark.usefixtures("always_keep")
def test_an_unreadable_snapshot_is_rebuilt(seeds_copy: Path, tmp_path: Path) -> None:
    kept = tmp_path / "snapshots"
    load_dossier(seeds_copy, kept)
    (path,) = kept.glob("dossier-*.pickle")
    path.write_bytes(b"not a pickle")
    dossier = load_dossier(seeds_copy, kept)
    assert len(dossier.corpus.quotes) == 18
    assert path.read_bytes() != b"not a pickle"


@pytest.mark.usefixtures("always_keep")
def test_an_unwritable_snapshot_folder_only_warns(
    seeds_copy: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    dossier = load_dossier(seeds_copy, blocker / "snapshots")
    assert len(dossier.corpus.quotes) == 18
    assert "cannot keep a snapshot" in caplog.text
