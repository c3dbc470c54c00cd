"""The state database: created and upgraded by the bot, kept across restarts, and the claim
that lets exactly one of many contenders post a digest (SQLite here, PostgreSQL if given).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.config import Settings
from bot.delivery import Team
from bot.digest.errors import DigestStoreError
from bot.digest.records import Claim, Subscription
from bot.digest.schema import MIGRATIONS, schema_version, subscriptions, upgrade_schema
from bot.digest.store import DigestStore, _subscription_values, database_url
from bot.digest.when import Schedule
from tests.digest.conftest import digest_settings, postgres_settings
from tests.digest.conftest import postgres_url as postgres_url  # the fixture, for "postgres"

NOW = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 2)


def subscription(channel: str = "C1") -> Subscription:
    return Subscription(
        platform="slack",
        channel=channel,
        schedule=Schedule(time=dt.time(8, 0), zone="Europe/Paris"),
        locale="en",
        effective_from=NOW,
    )


def claim(store: DigestStore, replica: str, now: dt.datetime = NOW) -> Claim | None:
    return store.claim_delivery(
        platform="slack",
        channel="C1",
        local_date=DAY,
        scheduled_at=NOW,
        replica=replica,
        now=now,
        stale_after=dt.timedelta(minutes=5),
    )


def test_the_bot_creates_its_schema_and_keeps_data_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "state.sqlite3"
    settings = digest_settings(path)
    store = DigestStore.open(settings)
    store.save_subscription(subscription())
    store.close()
    assert path.exists()  # the folder was created too

    reopened = DigestStore.open(settings)  # a restart: nothing re-created, nothing lost
    assert reopened.subscription("slack", "C1") == subscription()
    with reopened.engine.begin() as conn:
        assert conn.execute(sa.select(schema_version.c.version)).scalar() == len(MIGRATIONS)
    reopened.close()


def test_an_upgrade_step_runs_once_on_an_older_database(tmp_path: Path) -> None:
    settings = digest_settings(tmp_path / "state.sqlite3")
    url = database_url(settings)
    DigestStore.open(settings).close()  # a database from today's bot

    def add_column(conn: sa.Connection) -> None:
        conn.execute(sa.text("ALTER TABLE digest_subscriptions ADD COLUMN note TEXT"))

    engine = sa.create_engine(url)
    assert upgrade_schema(engine, (*MIGRATIONS, add_column)) == len(MIGRATIONS) + 1
    assert upgrade_schema(engine, (*MIGRATIONS, add_column)) == len(MIGRATIONS) + 1  # no-op
    columns = {c["name"] for c in sa.inspect(engine).get_columns("digest_subscriptions")}
    assert "note" in columns
    engine.dispose()

    with pytest.raises(DigestStoreError, match="newer than this bot knows"):
        DigestStore.open(settings)  # an older bot refuses a newer database instead of breaking it


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return digest_settings(tmp_path / "state.sqlite3")
    return postgres_settings(request.getfixturevalue("postgres_url"))


def test_a_database_of_the_first_schema_learns_each_subscriptions_workspace(
    any_database: Settings,
) -> None:
    """Schema 2 (issue 14): a subscription keeps the Slack workspace it posts in, and the
    subscriptions made before keep working (their workspace unknown until /digest resume)."""
    engine = sa.create_engine(database_url(any_database))
    assert upgrade_schema(engine, MIGRATIONS[:1]) == 1  # a database of the first schema
    first = subscription("C0OLD")
    with engine.begin() as conn:
        values = {k: v for k, v in _subscription_values(first).items() if not k.endswith("_id")}
        conn.execute(sa.insert(subscriptions_v1()).values(**values))
    engine.dispose()

    store = DigestStore.open(any_database)  # the bot starts: upgraded to the newest schema
    try:
        assert store.subscription("slack", "C0OLD") == first  # no workspace: None
        alpha = dataclasses.replace(subscription("C0NEW"), team=Team(team_id="T0002ALPHA"))
        grid = dataclasses.replace(
            subscription("C0GRID"), team=Team(team_id="T0003BETA", enterprise_id="E0003GRID")
        )
        for sub in (alpha, grid):
            store.save_subscription(sub)
        assert store.subscription("slack", "C0GRID") == grid
        assert store.team_subscriptions("slack", Team(team_id="T0002ALPHA")) == [alpha]
        assert store.pause_team("slack", Team(team_id="T0002ALPHA"), reason="gone", now=NOW) == 1
        assert store.pause_team("slack", Team(team_id="T0002ALPHA"), reason="gone", now=NOW) == 0
        assert store.subscription("slack", "C0GRID") == grid  # another workspace: untouched
        org = Team(enterprise_id="E0003GRID")  # an org-wide uninstall names the org only
        assert [s.channel for s in store.team_subscriptions("slack", org)] == ["C0GRID"]
        assert store.resume("slack", "C0OLD", now=NOW, team=Team(team_id="T0001OLD")) is False
        store.pause("slack", "C0OLD", reason="unknown workspace", now=NOW)
        assert store.resume("slack", "C0OLD", now=NOW, team=Team(team_id="T0001OLD"))
        old = store.subscription("slack", "C0OLD")
        assert old is not None and old.team == Team(team_id="T0001OLD") and not old.paused
        with store.engine.begin() as conn:
            assert conn.execute(sa.select(schema_version.c.version)).scalar() == 2
    finally:
        store.close()


def subscriptions_v1() -> sa.Table:
    """digest_subscriptions as the first schema made it (without the workspace)."""
    return sa.Table(
        "digest_subscriptions",
        sa.MetaData(),
        *(
            sa.Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable)
            for c in subscriptions.columns
            if not c.name.endswith("_id")
        ),
    )


def test_an_unreachable_database_is_a_clear_error() -> None:
    settings = postgres_settings("postgresql://digest:hunter2@127.0.0.1:1/nowhere")
    with pytest.raises(DigestStoreError) as failure:
        DigestStore.open(settings)
    assert "cannot open the digest database (postgresql)" in str(failure.value)
    assert "hunter2" not in str(failure.value)


def test_a_claim_is_won_once_and_taken_over_only_when_stale(tmp_path: Path) -> None:
    store = DigestStore.open(digest_settings(tmp_path / "state.sqlite3"))
    first = claim(store, "a")
    assert first is not None and first.attempts == 1
    assert claim(store, "b", NOW + dt.timedelta(minutes=4)) is None  # a may still be posting
    assert store.refresh_claim(first, now=NOW + dt.timedelta(minutes=4))  # a is alive
    assert claim(store, "b", NOW + dt.timedelta(minutes=8)) is None  # refreshed at 4 min
    taken = claim(store, "b", NOW + dt.timedelta(minutes=10))
    assert taken is not None and (taken.attempts, taken.taken_over_from) == (2, "a")
    assert not store.refresh_claim(first, now=NOW + dt.timedelta(minutes=11))  # a lost it
    assert store.complete_delivery(taken, message_id="m1", now=NOW, quote_id="q1", rotation_round=0)
    assert claim(store, "c", NOW + dt.timedelta(hours=1)) is None  # delivered: never again
    store.close()


def contend(stores: list[DigestStore], contenders: int) -> list[Claim]:
    """Many threads (as many replicas) claim the same digest at the same instant."""
    start = threading.Barrier(contenders)
    won: list[Claim] = []

    def attempt(number: int) -> None:
        start.wait()
        got = claim(stores[number % len(stores)], f"r{number}")
        if got is not None:
            won.append(got)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return won


def test_one_winner_among_concurrent_claims_on_sqlite(tmp_path: Path) -> None:
    settings = digest_settings(tmp_path / "state.sqlite3")
    stores = [DigestStore.open(settings) for _ in range(4)]  # separate engines, like processes
    assert len(contend(stores, 8)) == 1
    for store in stores:
        store.close()


@pytest.mark.postgres
def test_one_winner_among_concurrent_claims_on_postgres(postgres_url: str) -> None:
    store = DigestStore.open(postgres_settings(postgres_url))
    assert store.describe().startswith("PostgreSQL database")
    assert len(contend([store], 8)) == 1
    row = store.last_delivery("slack", "C1")
    assert row is not None and row.status == "claimed"
    store.close()
