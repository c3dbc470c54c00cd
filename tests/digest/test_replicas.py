"""Several replicas, each a real OS process with its own scheduler, sharing one database.

They post through the real Slack and Discord posters to the fake chat on loopback, which
counts what it accepted: exactly one digest per channel per day, and a claim left by a
replica killed mid-post is taken over by another.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from bot.config import PROJECT_ROOT
from tests.digest.conftest import DOSSIER, MakeReplica, paris, postgres_settings
from tests.digest.fake_chat import FakeChat


class Process:
    """A replica process: started, released together with the others, then awaited or killed."""

    def __init__(self, proc: asyncio.subprocess.Process, log: Path) -> None:
        self.proc = proc
        self.log = log

    @classmethod
    async def spawn(cls, spec: dict[str, Any], log: Path) -> Process:
        with log.open("wb") as stderr:  # the child keeps its own copy of the descriptor
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.digest.replica",
                json.dumps(spec),
                cwd=PROJECT_ROOT,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
            )
        return cls(proc, log)

    async def ready(self) -> None:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 30)
        assert line.strip() == b"ready", self.log.read_text()

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")

    async def settled(self) -> None:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 30)
        assert line.strip() == b"settled", self.log.read_text()

    async def finished(self, timeout: float = 30) -> str:
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        text = self.log.read_text()
        assert code == 0, text
        return text

    def kill(self) -> None:
        self.proc.kill()


@contextlib.asynccontextmanager
async def replicas(specs: list[dict[str, Any]], logs: Path) -> AsyncIterator[list[Process]]:
    processes = [
        await Process.spawn(spec, logs / f"replica-{n}.log") for n, spec in enumerate(specs)
    ]
    try:
        await asyncio.gather(*(p.ready() for p in processes))
        for process in processes:
            process.go()
        yield processes
    finally:
        for process in processes:
            if process.proc.returncode is None:
                process.kill()
                await process.proc.wait()


@pytest.mark.postgres
async def test_three_replicas_on_postgres_post_each_digest_once(
    postgres_url: str, make_replica: MakeReplica, chat: FakeChat, tmp_path: Path
) -> None:
    # Subscribed the Sunday before, through commands on Slack and Discord.
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True):
        setup = make_replica(settings=postgres_settings(postgres_url))
        assert setup.ask("/digest subscribe 08:00 paris", channel="C1").ok
        assert setup.ask("/digest subscribe 8:00 europe/paris", channel="C2", locale="fr").ok
        assert setup.ask("/digest subscribe 08:00 paris", platform="discord", channel="1001").ok
        setup.hub.close()
    # The replicas start on Sunday afternoon, then live the next three mornings together.
    start = paris(2026, 3, 1, 15, 0).isoformat()
    days = [start, *(paris(2026, 3, day, 7, 59, 59.4).isoformat() for day in (2, 3, 4))]
    spec = {
        "database_url": postgres_url,
        "slack_api_url": chat.slack_api_url,
        "discord_api_url": chat.discord_api_url,
        "instants": days,
        "period": 1.2,
        "sync_seconds": 0.3,  # the sweeps race the cron triggers too
        # Every replica declares this one in its config file.
        "config_subscriptions": [{"platform": "slack", "channel": "C9", "time": "08:00"}],
    }
    async with replicas([spec, spec, spec], tmp_path) as processes:
        for _ in days[1:]:  # the next day, for all three together
            await asyncio.gather(*(p.settled() for p in processes))
            for process in processes:
                process.go()
        logs = await asyncio.gather(*(p.finished() for p in processes))

    channels = [("slack", "C1"), ("slack", "C2"), ("discord", "1001"), ("slack", "C9")]
    dates = {"slack": ["2 March 2026", "3 March 2026", "4 March 2026"]}
    expected = {}
    for platform, channel in channels:
        names = dates["slack"]
        if channel == "C2":
            names = ["2 mars 2026", "3 mars 2026", "4 mars 2026"]
        for name in names:
            expected[(platform, channel, name)] = 1
    assert chat.per_channel_day() == expected
    assert len(chat.posts) == 12
    posting = [log.count("posted (message") for log in logs]
    assert sum(posting) == 12
    assert sum(1 for n in posting if n) >= 2, posting  # the work was shared, not one winner


async def test_a_claim_left_by_a_killed_replica_is_taken_over(
    make_replica: MakeReplica, chat: FakeChat, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "digest.sqlite3"
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True):
        setup = make_replica(real=True, digest_claim_timeout_seconds=5.0)
        assert setup.ask("/digest subscribe 08:00 paris", channel="C1").ok
    chat.held.add("C1")  # Slack never answers this replica's post
    spec = {
        "database": str(database),
        "slack_api_url": chat.slack_api_url,
        "discord_api_url": chat.discord_api_url,
        "instants": [paris(2026, 3, 2, 8, 0, 30).isoformat()],  # it starts 30 s late
        "period": 0.1,
        "sync_seconds": 60,
        "claim_timeout": 5.0,
        "hold": True,
    }
    async with replicas([spec], tmp_path) as [doomed]:
        await chat.wait_for_request("C1", timeout=20)
        doomed.kill()  # dies holding the claim, its post unanswered
        await doomed.proc.wait()
    row = setup.store.last_delivery("slack", "C1", DOSSIER)
    assert row is not None and row.status == "claimed"
    chat.held.clear()

    caplog.set_level(logging.WARNING, logger="dispute_bot.digest")
    with time_machine.travel(paris(2026, 3, 2, 8, 0, 32), tick=True) as traveller:
        survivor = make_replica(real=True, digest_claim_timeout_seconds=5.0)
        await survivor.start()  # 2 s after the claim: its holder may be alive, wait
        await survivor.settled()
        assert chat.posts == []
        traveller.move_to(paris(2026, 3, 2, 8, 0, 40))  # 10 s of silence: presumed dead
        await survivor.sweep()
        await survivor.settled()
    [post] = chat.posts_to("C1")
    assert post.digest_date == "2 March 2026"
    row = survivor.store.last_delivery("slack", "C1", DOSSIER)
    assert row is not None and survivor.service is not None
    assert (row.status, row.attempts, row.replica) == ("delivered", 2, survivor.service.replica)
    assert row.message_id == f"1772197700.{int(post.message_id):06d}"  # Slack's ts
    assert (
        "digest of slack:C1 (anthropic-pentagon-2026) for 2026-03-02 taken over from replica"
        in caplog.text
    )
