"""What is new in a digest, said alike by every replica: the day each record was first seen
is kept in the shared state database, not worked out by each process from the day it started
or reloaded. Two replicas, each with its own engine, on one SQLite file and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import time_machine

from bot.config import Settings
from bot.dossier import Dossier
from bot.reload import date_new_records
from tests.digest.conftest import MakeReplica, digest_settings, paris, postgres_settings
from tests.digest.fake_chat import FakeChat


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
