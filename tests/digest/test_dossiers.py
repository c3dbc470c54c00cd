"""A digest subscription belongs to a channel and a dossier: each posts its own dossier's
digest; a database from before the dossiers is upgraded, its rows given the default one
(SQLite here, PostgreSQL with TEST_DATABASE_URL); the channels' and teams' preferences are
kept in both."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine

from bot.config import Settings
from bot.core import Place
from bot.database.bounded import Database
from bot.digest import schema as digest_schema
from bot.digest.store import database_url
from bot.library import Library
from bot.preferences.store import PreferencesStore, TeamSettings
from tests.digest.conftest import (
    DOSSIER,
    MakeReplica,
    digest_settings,
    open_store,
    paris,
    postgres_settings,
)
from tests.digest.fake_chat import FakeChat
from tests.digest.test_store import create_first_schema
from tests.dossiers import ANTHROPIC_TITLE, STADIUM, STADIUM_TITLE, two_dossiers

NOW = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)


async def test_each_dossier_a_channel_subscribed_to_posts_its_own_digest(
    make_replica: MakeReplica, chat: FakeChat, tmp_path: Path
) -> None:
    seeds = two_dossiers(tmp_path)
    library = Library.open(seeds, snapshot_dir=None)
    with time_machine.travel(paris(2026, 3, 2, 7, 59, 58.5), tick=True):
        bot = make_replica(dossiers=library, seeds=seeds)
        assert bot.ask("/digest subscribe 08:00 paris", channel="C1").ok  # the default's
        assert bot.ask("/use stadium", channel="C1").ok
        stadium = bot.ask("/digest subscribe 08:00 paris", channel="C1")
        assert stadium.text.startswith(f"Digest of {STADIUM_TITLE}: Subscribed: this channel")
        status = bot.ask("/digest status", channel="C1")
        assert f"also has the digest of another dossier: {ANTHROPIC_TITLE}" in status.text
        assert bot.ask("/digest subscribe 08:00 paris", channel="C2").ok  # follows the default
        await bot.start()
        posts = await chat.wait_for(3, timeout=4)
        await bot.settled()
    by_channel = {(p.channel, p.body["text"]) for p in posts}
    assert by_channel == {("C1", ANTHROPIC_TITLE), ("C1", STADIUM_TITLE), ("C2", ANTHROPIC_TITLE)}
    [from_stadium] = [p for p in posts if p.body["text"] == STADIUM_TITLE]
    quoted = [
        q for q in ("Le stade restera public", "Nous partirons en 2027") if q in from_stadium.text
    ]
    assert len(quoted) == 1  # the quote of the day, from the stadium's quotes
    assert {p.digest_date for p in posts} == {"2 March 2026"}

    assert bot.ask("/digest unsubscribe", channel="C1").ok  # the stadium's only
    assert [s.dossier for s in bot.store.channel_subscriptions("slack", "C1")] == [DOSSIER]


def _an_old_database(url: sa.URL | str) -> None:
    """A database the bot of version 1 left: a subscription, a delivery, a post, a quote."""
    engine = sa.create_engine(url)
    tables = create_first_schema(engine)
    with engine.begin() as conn:
        key = {"platform": "slack", "channel": "C1"}
        conn.execute(
            sa.insert(tables["digest_subscriptions"]).values(
                **key,
                time="08:00",
                zone="Europe/Paris",
                weekdays="mon,tue,wed,thu,fri,sat,sun",
                locale="fr",
                source="command",
                changed_by="U1",
                effective_from=NOW,
            )
        )
        conn.execute(
            sa.insert(tables["digest_deliveries"]).values(
                **key,
                local_date=NOW.date(),
                status="delivered",
                replica="r1",
                scheduled_at=NOW,
                claimed_at=NOW,
                attempts=1,
                message_id="m1",
            )
        )
        conn.execute(
            sa.insert(tables["digest_posts"]).values(
                **key,
                local_date=NOW.date(),
                kind="daily",
                message_id="m1",
                quote_id="q1",
                posted_at=NOW,
            )
        )
        conn.execute(
            sa.insert(tables["digest_quotes_shown"]).values(
                **key, round=0, quote_id="q1", shown_at=NOW
            )
        )
    engine.dispose()


def _upgraded(settings: Settings) -> None:
    store = open_store(settings, default_dossier=DOSSIER)
    try:
        sub = store.subscription("slack", "C1", DOSSIER)
        assert sub is not None and sub.locale == "fr" and sub.team is None  # kept
        assert store.last_delivery("slack", "C1", DOSSIER) is not None
        post = store.last_post("slack", "C1", DOSSIER)
        assert post is not None and post.message_id == "m1"
        assert store.rotation("slack", "C1", DOSSIER) == (0, frozenset({"q1"}))
        assert store.subscription("slack", "C1", "stadium") is None
        store.save_subscription(dataclasses.replace(sub, dossier="stadium"))
        assert [s.dossier for s in store.channel_subscriptions("slack", "C1")] == [
            DOSSIER,
            "stadium",
        ]  # a channel may now have one per dossier
        with store.engine.begin() as conn:
            version = conn.execute(sa.select(digest_schema.schema_version.c.version)).scalar()
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("digest_deliveries")}
        assert version == digest_schema.schema(DOSSIER).latest == 6
        assert "digest_deliveries_by_day" in indexes  # version 4: the sweep reads by day
        # Version 5: the day each record was first seen; a dossier new to it keeps its days.
        days = {"quote:q1": dt.date(2026, 2, 1), "quote:q2": dt.date(2026, 2, 2)}
        assert store.first_seen(DOSSIER, days, dt.date(2026, 3, 1)) == days
        days["quote:q3"] = dt.date(2026, 2, 3)  # seen later: new that day
        seen = store.first_seen(DOSSIER, days, dt.date(2026, 3, 5))
        assert seen == {**days, "quote:q3": dt.date(2026, 3, 5)}
    finally:
        store.database.close()
    # upgraded once, not again
    open_store(settings, default_dossier="stadium").database.close()


def test_a_database_from_before_the_dossiers_is_upgraded_on_sqlite(tmp_path: Path) -> None:
    settings = digest_settings(tmp_path / "old.sqlite3")
    _an_old_database(database_url(settings))
    _upgraded(settings)


@pytest.mark.postgres
def test_a_database_from_before_the_dossiers_is_upgraded_on_postgresql(postgres_url: str) -> None:
    settings = postgres_settings(postgres_url)
    _an_old_database(database_url(settings))
    _upgraded(settings)


def _preferences_round_trip(settings: Settings) -> None:
    database = Database.from_settings(settings)
    store = PreferencesStore(database)
    try:
        store.ready()
        assert store.place("slack", "T1", "C1") == Place()
        store.follow(platform="slack", team="T1", channel="C1", dossier="stadium", by="U1", now=NOW)
        store.follow(platform="slack", team="T1", channel="C1", dossier="other", by="U1", now=NOW)
        changed = store.change_team(
            platform="slack", team="T1", setting="locale", value="fr", by="U1", now=NOW
        )
        assert changed == TeamSettings(locale="fr")
        store.change_team(
            platform="slack", team="T1", setting="visibility", value="public", by="U1", now=NOW
        )
        assert store.place("slack", "T1", "C1") == Place(
            dossier="other", locale="fr", visibility="public"
        )
        assert store.place("slack", "T1", "C2") == Place(locale="fr", visibility="public")
        assert store.place("slack", "T2", "C3") == Place()  # another workspace: the defaults
        assert store.place("discord", "T1", "C1") == Place()  # the same ids elsewhere
        store.change_team(
            platform="slack", team="T1", setting="locale", value=None, by="U1", now=NOW
        )
        assert store.team("slack", "T1") == TeamSettings(visibility="public")
        store.ready()  # a second start changes nothing
    finally:
        database.close()


def test_the_preferences_are_kept_in_sqlite(tmp_path: Path) -> None:
    _preferences_round_trip(digest_settings(tmp_path / "state.sqlite3"))


@pytest.mark.postgres
def test_the_preferences_are_kept_in_postgresql(postgres_url: str) -> None:
    _preferences_round_trip(postgres_settings(postgres_url))


def test_the_stadium_fixture_is_a_dossier_of_its_own() -> None:
    assert Library.open(STADIUM, snapshot_dir=None).names() == ("stadium",)
