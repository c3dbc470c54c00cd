"""The fan-out benchmark, small: real `dispute-bot serve` replicas in Slack's OAuth mode share
one PostgreSQL and post every channel's digest against the fleet's fake Slack, one replica
SIGKILLed halfway. Each channel gets its digest of each dossier it follows exactly once (the
posts the dead replica had on their way are looked for in the channels' histories: found, or
posted by a survivor), and every 429 is waited out.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.measure_fanout import Fanout, fanout


@pytest.mark.postgres
async def test_two_replicas_one_killed_post_each_channel_once_within_slacks_limits(
    postgres_url: str, tmp_path: Path
) -> None:
    run = Fanout(
        database_url=postgres_url,
        workspaces=50,
        channels=4,
        second_dossier=1,  # a channel in four follows the second dossier too: two digests
        replicas=2,
        kill_at=0.5,
        claim_timeout=3.0,
        sync_seconds=1.0,
        lead=45.0,
        deadline=60.0,
        due_now=True,
        latency_ms=20.0,
        # Tighter than the bot's pace, so that Slack answers 429s the bot must wait out.
        fake_limits=("--workspace-burst", "2", "--workspace-rate", "2"),
        logs=tmp_path,
    )
    result = await fanout(run)
    logs = "".join(path.read_text() for path in sorted(tmp_path.glob("replica-*.log")))

    assert result["finished"], result
    killed = result["killed"]
    assert killed is not None  # killed while it worked: it had posted, or held claims
    assert killed["its_digests_posted_before"] > 0 or "taken over from replica" in logs
    assert result["posted_by_replica"][1] > 0  # the survivor finished the dead one's share
    # Exactly once: every channel has its digest of each of its dossiers, none twice, even
    # those the dead replica had on their way (settled from the channels' histories).
    assert result["digests"] == 250 and result["duplicates"] == 0, result
    assert result["delivered"] == 250 and result["delivered_channels"] == 200, result
    assert result["deliveries"] == {"delivered": 250}, result
    assert result["unknown_undelivered"] == [], result
    settled = result["reconciled"]
    assert settled["unknown"] == 0, result
    if (
        "with its post on its way; settling it first" in logs
    ):  # the dead replica had posts on their way
        assert settled["found"] + settled["posted"] > 0, result
        assert result["history_calls"] >= settled["found"] + settled["posted"], result
    # Slack's limits: 429s were answered, and each one's Retry-After was waited out.
    assert result["ratelimited"] > 0 and result["unhonoured"] == 0, result
    assert result["refused"] == {}, result
    assert "Traceback" not in logs
