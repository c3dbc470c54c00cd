"""Several replicas, each a real OS process with its own scheduler, sharing one database.

They post through the real Slack and Discord posters to the fake chat on loopback, which
counts what it accepted: exactly one digest per channel per day, and a claim left by a
replica killed mid-post is taken over by another, which settles the dead one's post on its
way first: on Slack it looks in the channel's history; on Discord it sends the post again
with the same nonce while Discord still recognises it (the fake answers a repeat with the
message the nonce made, as Discord does).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine

from bot.config import PROJECT_ROOT
from tests.digest.conftest import DOSSIER, MakeReplica, Replica, paris, postgres_settings
from tests.digest.fake_chat import FakeChat
from tests.digest.test_delivery_errors import counted


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
    # Not asserted: which replicas posted. Digests due together are claimed together (25 to a
    # statement), so one replica may take a day's four, and all three days' by chance; the
    # sharing of a round bigger than a batch is test_fanout's.


async def killed_while_posting(
    chat: FakeChat, tmp_path: Path, database: Path, *, until: Callable[[], Awaitable[None]]
) -> None:
    """A replica, alone, starts 30 s after 08:00 and is SIGKILLed once `until` returns."""
    spec = {
        "database": str(database),
        "slack_api_url": chat.slack_api_url,
        "discord_api_url": chat.discord_api_url,
        "instants": [paris(2026, 3, 2, 8, 0, 30).isoformat()],  # it starts 30 s late
        "period": 0.1,
        "sync_seconds": 60,
        "claim_timeout": 5.0,
        "backoff": [30.0],
        "hold": True,
    }
    async with replicas([spec], tmp_path) as [doomed]:
        await until()
        doomed.kill()
        await doomed.proc.wait()


async def test_a_claim_left_by_a_killed_replica_is_taken_over(
    make_replica: MakeReplica, chat: FakeChat, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The replica dies waiting to try again (Slack answered its post with an error, nothing
    was posted): another takes the digest over once the claim is stale, and posts it."""
    database = tmp_path / "digest.sqlite3"
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True):
        setup = make_replica(real=True, digest_claim_timeout_seconds=5.0)
        assert setup.ask("/digest subscribe 08:00 paris", channel="C1").ok
    chat.flaky["C1"] = 1  # Slack fails its first post: it waits 30 s to try again

    async def waiting_to_retry() -> None:
        await chat.wait_for_request("C1", timeout=20)
        for _ in range(100):  # its row says why it waits, and that no request is out
            row = await asyncio.to_thread(setup.store.last_delivery, "slack", "C1", DOSSIER)
            if row is not None and row.error:
                break
            await asyncio.sleep(0.1)

    await killed_while_posting(chat, tmp_path, database, until=waiting_to_retry)
    row = setup.store.last_delivery("slack", "C1", DOSSIER)
    assert row is not None and (row.status, row.attempts) == ("claimed", 1)

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
    assert row.message_id == post.ts  # Slack's ts
    assert (
        "digest of slack:C1 (anthropic-pentagon-2026) for 2026-03-02 taken over from replica"
        in caplog.text
    )


async def killed_with_its_post_out(
    setup: Replica,
    chat: FakeChat,
    tmp_path: Path,
    *,
    arrives: bool,
    platform: str = "slack",
    channel: str = "C1",
) -> None:
    """The replica dies (SIGKILL) with its request out: the platform took the post
    (`arrives`: its answer is lost), or holds it unanswered, as a process dying mid-request
    leaves it (it never arrives). Its row says a post is on its way."""
    if arrives:
        chat.mute.add(channel)
    else:
        chat.held.add(channel)

    async def request_out() -> None:
        await chat.wait_for_request(channel, timeout=20)
        if arrives:
            await chat.wait_for(1, timeout=20)

    # The platform's clock agrees with the replica's: the post's time is the replica's morning.
    with time_machine.travel(paris(2026, 3, 2, 8, 0, 30), tick=True):
        await killed_while_posting(chat, tmp_path, tmp_path / "digest.sqlite3", until=request_out)
    row = setup.store.last_delivery(platform, channel, DOSSIER)
    assert row is not None and row.status == "sending" and row.sent_at is not None
    shown = setup.ask("/digest status", platform=platform, channel=channel, can_manage=False)
    assert shown.items[0].fields[-1].value == "2 March 2026: being posted (attempt 1)"
    chat.held.clear()  # the dead replica's request stays unanswered, and never arrives
    chat.mute.clear()


async def survive(
    make_replica: MakeReplica,
    *,
    platform: str = "slack",
    channel: str = "C1",
    at: dt.datetime | None = None,
) -> tuple[Replica, str]:
    """Another replica, `at` or 10 s after the dead one's last sign of life (presumed dead),
    then an hour later; returns it and the channel's /digest status of the day."""
    with time_machine.travel(at or paris(2026, 3, 2, 8, 0, 40), tick=True) as traveller:
        survivor = make_replica(real=True, digest_claim_timeout_seconds=5.0)
        await survivor.start()
        await asyncio.wait_for(survivor.settled(), 15)
        traveller.move_to(paris(2026, 3, 2, 9, 0))
        await survivor.sweep()
        await survivor.settled()
        status = survivor.ask(
            "/digest status", platform=platform, channel=channel, can_manage=False
        )
    return survivor, status.items[0].fields[-1].value


DISCORD = {"platform": "discord", "channel": "1001"}


def reconciled(outcome: str, platform: str = "slack") -> float:
    return counted("dispute_bot_digests_reconciled_total", platform=platform, outcome=outcome)


async def test_a_killed_replicas_post_that_arrived_is_found_not_posted_again(
    make_replica: MakeReplica, chat: FakeChat, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Exactly once: the replica died after Slack took its post; the survivor finds it in the
    channel's history (its metadata names the dossier and day) and records it as posted."""
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True):
        setup = make_replica(real=True, digest_claim_timeout_seconds=5.0)
        assert setup.ask("/digest subscribe 08:00 paris", channel="C1").ok
    await killed_with_its_post_out(setup, chat, tmp_path, arrives=True)
    found = reconciled("found")

    caplog.set_level(logging.INFO, logger="dispute_bot.digest")
    survivor, status = await survive(make_replica)

    [post] = chat.posts_to("C1")  # the dead replica's, and no other
    assert chat.requests_to("C1") == 1
    assert post.digest_date == "2 March 2026"
    assert post.body["metadata"] == {
        "event_type": "dispute_bot_digest",
        "event_payload": {"dossier": DOSSIER, "date": "2026-03-02"},
    }
    [history] = chat.history_calls
    assert history["channel"] == "C1" and history["include_all_metadata"] == "1"
    assert float(history["oldest"]) < post.at.timestamp()
    row = survivor.store.last_delivery("slack", "C1", DOSSIER)
    assert row is not None and survivor.service is not None
    assert (row.status, row.message_id, row.replica) == (
        "delivered",
        post.ts,
        survivor.service.replica,
    )
    assert status == "2 March 2026: posted"
    assert reconciled("found") == found + 1
    assert "found in the channel (message " in caplog.text


async def test_a_killed_replicas_post_that_never_arrived_is_posted_once_by_another(
    make_replica: MakeReplica, chat: FakeChat, tmp_path: Path
) -> None:
    """The replica died before Slack took its post: the survivor finds no such message in
    the channel and posts the digest itself, once."""
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True):
        setup = make_replica(real=True, digest_claim_timeout_seconds=5.0)
        assert setup.ask("/digest subscribe 08:00 paris", channel="C1").ok
    await killed_with_its_post_out(setup, chat, tmp_path, arrives=False)
    posted = reconciled("posted")

    survivor, status = await survive(make_replica)

    [post] = chat.posts_to("C1")  # the survivor's: the dead replica's never arrived
    assert chat.requests_to("C1") == 2
    assert post.digest_date == "2 March 2026"
    assert len(chat.history_calls) == 1
    row = survivor.store.last_delivery("slack", "C1", DOSSIER)
    assert row is not None and survivor.service is not None
    assert (row.status, row.message_id, row.replica, row.attempts) == (
        "delivered",
        post.ts,
        survivor.service.replica,
        2,
    )
    assert status == "2 March 2026: posted"
    assert reconciled("posted") == posted + 1


async def test_without_the_history_scope_a_killed_replicas_post_stays_unknown(
    make_replica: MakeReplica, chat: FakeChat, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """At most once when in doubt: the app lacks channels:history, so the survivor cannot
    tell whether the dead replica's post arrived; it does not post again, /digest status
    says it may not have arrived, and /metrics counts it."""
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True):
        setup = make_replica(real=True, digest_claim_timeout_seconds=5.0)
        assert setup.ask("/digest subscribe 08:00 paris", channel="C1").ok
    await killed_with_its_post_out(setup, chat, tmp_path, arrives=True)
    chat.unreadable["C1"] = "missing_scope"
    unknown = counted(
        "dispute_bot_digests_unknown_total", platform="slack", reason="history_unreadable"
    )

    caplog.set_level(logging.WARNING, logger="dispute_bot.digest")
    survivor, status = await survive(make_replica)

    assert len(chat.posts_to("C1")) == 1 and chat.requests_to("C1") == 1
    assert len(chat.history_calls) == 1  # refused once, not asked again
    row = survivor.store.last_delivery("slack", "C1", DOSSIER)
    assert row is not None and row.status == "unknown"
    assert status.startswith("2 March 2026: may not have arrived (replica ")
    assert "slack: missing_scope reading the history of C1" in status
    assert status.endswith("type /digest now if it is missing")
    after = counted(
        "dispute_bot_digests_unknown_total", platform="slack", reason="history_unreadable"
    )
    assert after == unknown + 1
    warnings = [r.getMessage() for r in caplog.records if "history could not" in r.getMessage()]
    assert len(warnings) == 1


# The survivor comes 30 s after the dead replica's request (its claim stale whatever the
# dead replica's start-up took), well within the two minutes Discord's nonce is relied on.
WITHIN_THE_WINDOW = paris(2026, 3, 2, 8, 1, 0)


async def subscribed_on_discord(make_replica: MakeReplica) -> Replica:
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True):
        setup = make_replica(real=True, digest_claim_timeout_seconds=5.0)
        assert setup.ask("/digest subscribe 08:00 paris", platform="discord", channel="1001").ok
    return setup


def nonce_of(chat: FakeChat, n: int) -> Any:
    """The nonce of the `n`th request to Discord (a repeat included)."""
    return chat.discord_bodies[n].get("nonce")


async def test_a_killed_replicas_discord_post_that_arrived_is_not_posted_twice(
    make_replica: MakeReplica, chat: FakeChat, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Exactly once on Discord: the replica died after Discord took its post; the survivor
    sends it again with the same nonce, and Discord answers with the message already
    there: recorded as posted, found."""
    setup = await subscribed_on_discord(make_replica)
    await killed_with_its_post_out(setup, chat, tmp_path, arrives=True, **DISCORD)
    found = reconciled("found", "discord")

    caplog.set_level(logging.INFO, logger="dispute_bot.digest")
    survivor, status = await survive(make_replica, at=WITHIN_THE_WINDOW, **DISCORD)

    [post] = chat.posts_to("1001")  # the dead replica's, and no other
    assert chat.requests_to("1001") == 2  # its request, and the survivor's repeat
    assert nonce_of(chat, 0) == nonce_of(chat, 1) and post.body["enforce_nonce"] is True
    assert post.digest_date == "2 March 2026"
    row = survivor.store.last_delivery("discord", "1001", DOSSIER)
    assert row is not None and survivor.service is not None
    assert (row.status, row.message_id, row.replica) == (
        "delivered",
        post.message_id,
        survivor.service.replica,
    )
    assert status == "2 March 2026: posted"
    assert reconciled("found", "discord") == found + 1
    assert "found in the channel (message " in caplog.text


async def test_a_killed_replicas_discord_post_that_never_arrived_is_posted_once(
    make_replica: MakeReplica, chat: FakeChat, tmp_path: Path
) -> None:
    """The replica died before Discord took its post: the survivor's repeat, with the same
    nonce, finds no message made with it and posts the digest, once."""
    setup = await subscribed_on_discord(make_replica)
    await killed_with_its_post_out(setup, chat, tmp_path, arrives=False, **DISCORD)
    posted = reconciled("posted", "discord")

    survivor, status = await survive(make_replica, at=WITHIN_THE_WINDOW, **DISCORD)

    [post] = chat.posts_to("1001")  # the survivor's: the dead replica's never arrived
    assert chat.requests_to("1001") == 2
    assert nonce_of(chat, 0) == nonce_of(chat, 1)
    assert post.at >= WITHIN_THE_WINDOW
    row = survivor.store.last_delivery("discord", "1001", DOSSIER)
    assert row is not None and survivor.service is not None
    assert (row.status, row.message_id, row.replica, row.attempts) == (
        "delivered",
        post.message_id,
        survivor.service.replica,
        2,
    )
    assert status == "2 March 2026: posted"
    assert reconciled("posted", "discord") == posted + 1


async def test_a_killed_replicas_discord_post_past_discords_window_stays_unknown(
    make_replica: MakeReplica, chat: FakeChat, tmp_path: Path
) -> None:
    """At most once past the window: the survivor comes three minutes after the dead
    replica's request, too late to rely on Discord recognising a repeat (the fake still
    would: its window is five minutes, so a repeat would show as a request); it does not
    post again, /digest status says it may not have arrived, and /metrics counts it."""
    setup = await subscribed_on_discord(make_replica)
    await killed_with_its_post_out(setup, chat, tmp_path, arrives=True, **DISCORD)
    unknown = reconciled("unknown", "discord")

    survivor, status = await survive(make_replica, at=paris(2026, 3, 2, 8, 3, 30), **DISCORD)

    assert len(chat.posts_to("1001")) == 1 and chat.requests_to("1001") == 1
    row = survivor.store.last_delivery("discord", "1001", DOSSIER)
    assert row is not None and row.status == "unknown"
    assert status.startswith("2 March 2026: may not have arrived (replica ")
    assert "too late to send it again without risking it twice" in status
    assert reconciled("unknown", "discord") == unknown + 1
