"""SQLite read-only or full, for real: commands say the database is unavailable (in the
user's language) instead of apologising for a bug, and the sweep says so once in the log."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine
from sqlalchemy import event

from bot.reply import ReplyKind
from tests.digest.conftest import MakeReplica, paris
from tests.digest.fake_chat import FakeChat

UNAVAILABLE = {
    "en": "The digest's database is unavailable right now; try again later.",
    "fr": "La base de données du résumé est indisponible pour le moment ; réessayez plus tard.",
}


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """The folder and its files read-only, as a volume mounted read-only is. Root ignores file
    modes, so as root they are made immutable instead (or the test is skipped)."""
    paths = [folder, *folder.iterdir()]
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("as root, read-only needs chattr")
        done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i refused here: {done.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
        return
    modes = {path: path.stat().st_mode for path in paths}
    for path in paths:
        path.chmod(stat.S_IMODE(modes[path]) & ~0o222)
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def test_subscribe_on_a_read_only_database_says_it_is_unavailable(
    make_replica: MakeReplica, tmp_path: Path
) -> None:
    bot = make_replica()
    assert bot.ask("/digest subscribe 08:00 paris").ok  # the database exists and works
    with read_only(tmp_path):
        english = bot.ask("/digest subscribe 09:00 paris", channel="C2")
        french = bot.ask("/digest subscribe 09:00 paris", channel="C3", locale="fr")
    assert (english.kind, english.text) == (ReplyKind.ERROR, UNAVAILABLE["en"])
    assert (french.kind, french.text) == (ReplyKind.ERROR, UNAVAILABLE["fr"])
    assert bot.ask("/digest subscribe 09:00 paris", channel="C2").ok  # writable again


def test_subscribe_on_a_full_database_says_it_is_unavailable(make_replica: MakeReplica) -> None:
    bot = make_replica()
    assert bot.ask("/digest subscribe 08:00 paris").ok
    engine = bot.store.engine
    with engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()

    # The disk is full: SQLite may not grow the file past the pages it has now.
    @event.listens_for(engine, "connect")
    def disk_full(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()
    for number in range(1000):  # until the table's pages are full and a new one is needed
        reply = bot.ask("/digest subscribe 08:00 paris", channel=f"C{number:04d}")
        if not reply.ok:
            break
    assert (reply.kind, reply.text) == (ReplyKind.ERROR, UNAVAILABLE["en"])
    french = bot.ask("/digest subscribe 08:00 paris", channel="CFULL", locale="fr")
    assert (french.kind, french.text) == (ReplyKind.ERROR, UNAVAILABLE["fr"])


async def test_the_sweep_says_once_that_the_database_is_read_only_and_posts_after(
    make_replica: MakeReplica, chat: FakeChat, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica(real=True)
        for channel in ("C1", "C2", "C3"):
            assert bot.ask("/digest subscribe 08:00 paris", channel=channel).ok
        await bot.start()
        caplog.clear()
        caplog.set_level(logging.INFO)
        traveller.move_to(paris(2026, 3, 2, 8, 0, 1))
        with read_only(tmp_path):
            for _ in range(3):  # three sweeps while the volume is read-only
                await bot.sweep()
                await bot.settled()
            gc.collect()  # a task whose exception nobody read says so when collected
            await asyncio.sleep(0)
            assert chat.posts == []
        problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(problems) == 1, [r.getMessage() for r in problems]
        assert problems[0].getMessage().startswith("state database unavailable (")
        assert "Task exception was never retrieved" not in caplog.text

        await bot.sweep()  # writable again: each channel gets its digest, once
        await bot.settled()
    assert sorted(p.channel for p in chat.posts) == ["C1", "C2", "C3"]
    assert "state database answers again" in caplog.text
