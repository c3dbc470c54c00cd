"""A large dossier, kept ready-built between starts: twenty seconds of parsing become one.

The snapshot is a pickle of the validated Dossier, named by its folder's name and a hash of
every file in the folder, the folder's path and the bot's version, so any edit builds a new
one; each dossier of a deployment keeps its own. It is written only when building took long,
so small dossiers never leave a file behind, and a snapshot that cannot be read is ignored
and rebuilt. Where no snapshot was ever kept for a dossier (the usual small one), a start
neither hashes its folder nor imports hashlib or pickle.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from pathlib import Path

from bot import __version__
from bot.corpus import load_corpus
from bot.dossier import Dossier

log = logging.getLogger("dispute_bot.snapshot")

FORMAT = 6  # 2: Corpus.drafts; 3: Dossier pickles its indexes only; 4: dates with their
# basis; 5: Corpus.id; 6: the date frame of queries
WORTH_KEEPING_AFTER = 1.0  # seconds of building


def fingerprint(seeds: Path) -> str:
    """A hash of everything the dossier is built from."""
    import hashlib

    digest = hashlib.sha256(
        f"{FORMAT}:{__version__}:{sys.version_info[:2]}:{seeds.resolve()}".encode()
    )
    for path in sorted(p for p in seeds.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(seeds)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_dossier(seeds: Path, snapshot_dir: Path | None) -> Dossier:
    """The dossier in `seeds`: from its snapshot when one matches, else built (and kept).

    Raises CorpusError when the folder is broken."""
    if snapshot_dir is None:
        return Dossier(load_corpus(seeds))
    path: Path | None = None
    if snapshot_dir.is_dir() and any(snapshot_dir.glob(_pattern(seeds))):
        path = _snapshot_path(seeds, snapshot_dir)
    if path is not None and path.exists():
        import pickle

        try:
            with path.open("rb") as file:
                found = pickle.load(file)  # a file this bot wrote itself
            if isinstance(found, Dossier):
                log.info("dossier loaded from its snapshot %s", path)
                return found
        except Exception as exc:  # a truncated or foreign file: build afresh
            log.warning("ignoring the unreadable snapshot %s: %s", path, exc)
    started = time.perf_counter()
    dossier = Dossier(load_corpus(seeds))
    if time.perf_counter() - started >= WORTH_KEEPING_AFTER:
        _keep(dossier, path or _snapshot_path(seeds, snapshot_dir), _pattern(seeds))
    return dossier


def _label(seeds: Path) -> str:
    """The folder's name as a file name can hold it (dossier names are already such)."""
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in seeds.resolve().name)


def _pattern(seeds: Path) -> str:
    return f"dossier-{_label(seeds)}.*.pickle"


def _snapshot_path(seeds: Path, snapshot_dir: Path) -> Path:
    return snapshot_dir / f"dossier-{_label(seeds)}.{fingerprint(seeds)[:32]}.pickle"


def _keep(dossier: Dossier, path: Path, pattern: str) -> None:
    """Write the snapshot atomically and drop this dossier's older ones; a failure only costs
    the next start."""
    import pickle
    import tempfile  # only when a slow build is worth keeping: not on every start

    written: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as file:
            written = file.name
            pickle.dump(dossier, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(written, path)
    except Exception as exc:  # never a reason not to start
        log.warning("cannot keep a snapshot of the dossier in %s: %s", path.parent, exc)
        if written is not None:
            with contextlib.suppress(OSError):
                os.unlink(written)
        return
    for old in path.parent.glob(pattern):
        if old != path:
            with contextlib.suppress(OSError):
                old.unlink()
    log.info("kept a snapshot of the dossier in %s", path)
