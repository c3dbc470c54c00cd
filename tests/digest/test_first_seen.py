"""What is new in a digest, said alike by every replica: the day each record was first seen
is kept in the shared state database, not worked out by each process from the day it started
or reloaded. Two replicas, each with its own engine, on one SQLite file and on PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
import time_machine

from bot.config import PROJECT_ROOT, Settings
from bot.dossier import Dossier
from bot.reload import date_new_records
from tests.digest.conftest import MakeReplica, digest_settings, paris, postgres_settings
from tests.digest.fake_chat import FakeChat
from tests.ops.conftest import add_new_records


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared(request: pytest.FixtureRequest, tmp_path: object) -> Settings:
    """The settings every replica runs with: one SQLite file, or one PostgreSQL schema."""
    if request.param == "sqlite":
        return digest_settings(tmp_path / "state.sqlite3")  # type: ignore[operator]
    return postgres_settings(request.getfixturevalue("postgres_url"))


async def test_a_record_a_reload_added_is_new_to_a_replica_started_after_it_too(
    make_replica: MakeReplica, chat: FakeChat, dossier: Dossier, shared: Settings
) -> None:
    full = dossier.corpus
    arrived = full.events[-1]  # added to the seeds on 3 March
    before = dataclasses.replace(full, events=full.events[:-1])
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        first = make_replica(settings=shared, dossiers=Dossier(before))
        assert first.ask("/digest subscribe 08:00 paris", channel="C1").ok
        await first.start()
        traveller.move_to(paris(2026, 3, 2, 8, 0, 1))
        await first.sweep()
        await first.settled()
        assert [p.channel for p in chat.posts] == ["C1"]  # its last digest: 2 March

        # 3 March: the first replica reloads the seeds, which gained an event...
        traveller.move_to(paris(2026, 3, 3, 15, 0))
        reloaded, _ = date_new_records(before, full, dt.date(2026, 3, 3))
        first.core.swap(Dossier(reloaded))
        # ...and on 4 March a second replica starts, reading the same seeds from scratch.
        traveller.move_to(paris(2026, 3, 4, 7, 0))
        second = make_replica(settings=shared, dossiers=Dossier(full))

        previews = [r.ask("/digest", channel="C1") for r in (second, first)]
        for preview in previews:  # what C1 is told is new does not depend on who answers
            news = preview.items[0]
            assert news.title == "New since 2 March 2026"
            assert arrived.summary.en in news.body
            assert f"event:{arrived.id}" in news.refs
        assert previews[0].items[0] == previews[1].items[0]

        # The digest the first replica posts on 4 March says so too; on the 5th, neither
        # replica calls it new any more.
        traveller.move_to(paris(2026, 3, 4, 8, 0, 1))
        await first.sweep()
        await first.settled()
        posted = chat.posts[-1].body["items"][0]
        assert posted["title"] == "New since 2 March 2026"
        assert arrived.summary.en in posted["body"]
        traveller.move_to(paris(2026, 3, 5, 7, 0))
        for replica in (first, second):
            quiet = replica.ask("/digest", channel="C1").items[0]
            assert quiet.body == "Nothing new since 4 March 2026."


class Process:
    """A bot process (tests/digest/preview_process.py) doing one step per line it reads."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc

    @classmethod
    async def spawn(cls, spec: dict[str, Any]) -> Process:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.digest.preview_process",
            json.dumps(spec),
            cwd=PROJECT_ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(proc)

    async def step(self) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(b"go\n")
        line = await asyncio.wait_for(self.proc.stdout.readline(), 60)
        if not line:
            assert self.proc.stderr is not None
            raise AssertionError((await self.proc.stderr.read()).decode())
        return line.decode().strip()

    async def done(self) -> None:
        code = await asyncio.wait_for(self.proc.wait(), 60)
        assert self.proc.stderr is not None
        assert code == 0, (await self.proc.stderr.read()).decode()


async def test_two_bot_processes_started_days_apart_agree_on_what_a_reload_added(
    request: pytest.FixtureRequest, tmp_path: Path, database: str
) -> None:
    """The first process reloads the seeds the day records were added to them (so it dates
    them that day); the second starts the day after, reading the same seeds from scratch (the
    new article says 9 March). Asked in the same channel, whose last digest was on 9 March,
    both list the records as new."""
    seeds = tmp_path / "seeds"
    shutil.copytree(PROJECT_ROOT / "seeds", seeds)
    where: dict[str, str] = (
        {"database_url": request.getfixturevalue("postgres_url")}
        if database == "postgres"
        else {"database": str(tmp_path / "state.sqlite3")}
    )
    first = await Process.spawn(
        {
            "seeds": str(seeds),
            **where,
            "steps": [
                ("2026-03-01T12:00:00+00:00", "preview"),  # the dossier as it was, seen
                ("2026-03-09T08:00:00+00:00", "post"),  # the channel's digest of 9 March
                ("2026-03-10T15:00:00+00:00", "reload"),  # the seeds gained records
                ("2026-03-11T06:00:00+00:00", "preview"),
            ],
        }
    )
    assert json.loads(await first.step())["title"] == "New since 28 February 2026"
    assert await first.step() == "ok"
    add_new_records(seeds)
    assert await first.step() == "ok"
    second = await Process.spawn(
        {"seeds": str(seeds), **where, "steps": [("2026-03-11T06:00:00+00:00", "preview")]}
    )
    answers = [json.loads(await second.step()), json.loads(await first.step())]
    await asyncio.gather(first.done(), second.done())
    for answer in answers:
        assert answer["title"] == "New since 9 March 2026"
        assert "Trump revient à la charge contre Anthropic (AFP, 2026-03-09)" in answer["body"]
    assert answers[0] == answers[1]
