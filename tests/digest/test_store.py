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
from bot.database.schema import upgrade_schema
from bot.delivery import Team
from bot.digest.errors import DigestStoreError
from bot.digest.records import Claim, Done, History, Subscription
from bot.digest.schema import TABLES, deliveries, schema, schema_version, version_table
from bot.digest.store import DigestStore, _subscription_values, database_url
from bot.digest.when import Schedule
from tests.digest.conftest import DOSSIER, digest_settings, open_store, postgres_settings
from tests.digest.conftest import postgres_url as postgres_url  # the fixture, for "postgres"

NOW = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)
DAY = dt.date(2026, 3, 2)
OTHER = "stadium"  # a second dossier


def subscription(channel: str = "C1") -> Subscription:
    return Subscription(
        platform="slack",
        channel=channel,
        dossier=DOSSIER,
        schedule=Schedule(time=dt.time(8, 0), zone="Europe/Paris"),
        locale="en",
        effective_from=NOW,
    )


KEY = ("slack", "C1", DOSSIER, DAY)  # C1's digest of the default dossier, today


def claim(store: DigestStore, replica: str, now: dt.datetime = NOW) -> Claim | None:
    """Claim C1's digest of today as the service does (a batch, of one here): the claim
    won, or None when another replica has it or had it."""
    claims = store.claim_deliveries(
        [(KEY, NOW)], replica=replica, now=now, stale_after=dt.timedelta(minutes=5)
    )
    return claims.won.get(KEY)


def test_the_bot_creates_its_schema_and_keeps_data_across_restarts(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "state.sqlite3"
    settings = digest_settings(path)
    store = open_store(settings)
    store.save_subscription(subscription())
    store.database.close()
    assert path.exists()  # the folder was created too

    reopened = open_store(settings)  # a restart: nothing re-created, nothing lost
    assert reopened.subscription("slack", "C1", DOSSIER) == subscription()
    with reopened.engine.begin() as conn:
        assert conn.execute(sa.select(schema_version.c.version)).scalar() == schema("").latest
        indexes = {i["name"] for i in sa.inspect(conn).get_indexes("digest_deliveries")}
    assert indexes == {"digest_deliveries_by_day"}  # made with the tables, as an upgrade does
    reopened.database.close()


def test_an_upgrade_step_runs_once_on_an_older_database(tmp_path: Path) -> None:
    settings = digest_settings(tmp_path / "state.sqlite3")
    url = database_url(settings)
    open_store(settings).database.close()  # a database from today's bot

    def add_column(conn: sa.Connection) -> None:
        conn.execute(sa.text("ALTER TABLE digest_subscriptions ADD COLUMN note TEXT"))

    today = schema(DOSSIER)
    newer = dataclasses.replace(today, steps=(*today.steps, add_column))
    engine = sa.create_engine(url)
    assert upgrade_schema(engine, newer) == today.latest + 1
    assert upgrade_schema(engine, newer) == today.latest + 1  # no-op
    columns = {c["name"] for c in sa.inspect(engine).get_columns("digest_subscriptions")}
    assert "note" in columns
    engine.dispose()

    with pytest.raises(DigestStoreError, match="newer than this bot knows"):
        open_store(settings)  # an older bot refuses a newer database instead of breaking it


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
    tables = create_first_schema(engine)
    first = subscription("C0OLD")
    with engine.begin() as conn:
        values = {
            k: v
            for k, v in _subscription_values(first).items()
            if not k.endswith("_id") and k != "dossier"
        }
        conn.execute(sa.insert(tables["digest_subscriptions"]).values(**values))
    engine.dispose()

    store = open_store(any_database, default_dossier=DOSSIER)  # upgraded to the newest
    try:
        assert store.subscription("slack", "C0OLD", DOSSIER) == first  # no workspace: None
        alpha = dataclasses.replace(subscription("C0NEW"), team=Team(team_id="T0002ALPHA"))
        grid = dataclasses.replace(
            subscription("C0GRID"), team=Team(team_id="T0003BETA", enterprise_id="E0003GRID")
        )
        for sub in (alpha, grid):
            store.save_subscription(sub)
        assert store.subscription("slack", "C0GRID", DOSSIER) == grid
        assert store.team_subscriptions("slack", Team(team_id="T0002ALPHA")) == [alpha]
        assert store.pause_team("slack", Team(team_id="T0002ALPHA"), reason="gone", now=NOW) == 1
        assert store.pause_team("slack", Team(team_id="T0002ALPHA"), reason="gone", now=NOW) == 0
        assert store.subscription("slack", "C0GRID", DOSSIER) == grid  # another workspace
        org = Team(enterprise_id="E0003GRID")  # an org-wide uninstall names the org only
        assert [s.channel for s in store.team_subscriptions("slack", org)] == ["C0GRID"]
        team = Team(team_id="T0001OLD")
        assert store.resume("slack", "C0OLD", DOSSIER, now=NOW, team=team) is False
        store.pause("slack", "C0OLD", DOSSIER, reason="unknown workspace", now=NOW)
        assert store.resume("slack", "C0OLD", DOSSIER, now=NOW, team=team)
        old = store.subscription("slack", "C0OLD", DOSSIER)
        assert old is not None and old.team == team and not old.paused
        with store.engine.begin() as conn:
            assert conn.execute(sa.select(schema_version.c.version)).scalar() == 6
    finally:
        store.database.close()


def create_first_schema(engine: sa.Engine) -> dict[str, sa.Table]:
    """The digest's tables as its first schema made them (no workspace, no dossier), at
    version 1: a database from the bot before issue 14."""
    metadata = sa.MetaData()
    tables = {}
    for table in TABLES:
        columns = [
            sa.Column(
                c.name,
                c.type,
                primary_key=c.primary_key,
                nullable=c.nullable,
                autoincrement=c.autoincrement,
            )
            for c in table.columns
            if c.name not in ("team_id", "enterprise_id", "dossier")
        ]
        tables[table.name] = sa.Table(table.name, metadata, *columns)
    posts = tables["digest_posts"]
    sa.Index("digest_posts_by_channel", posts.c.platform, posts.c.channel)
    versions = version_table("digest_schema", metadata)
    with engine.begin() as conn:
        metadata.create_all(conn)
        conn.execute(sa.insert(versions).values(id=1, version=1))
    return tables


def test_an_unreachable_database_is_a_clear_error() -> None:
    settings = postgres_settings("postgresql://digest:hunter2@127.0.0.1:1/nowhere")
    with pytest.raises(DigestStoreError) as failure:
        open_store(settings)
    assert "cannot open the digest database (postgresql)" in str(failure.value)
    assert "hunter2" not in str(failure.value)


def test_a_claim_is_won_once_and_taken_over_only_when_stale(tmp_path: Path) -> None:
    store = open_store(digest_settings(tmp_path / "state.sqlite3"))
    first = claim(store, "a")
    assert first is not None and first.attempts == 1
    assert claim(store, "b", NOW + dt.timedelta(minutes=4)) is None  # a may still be posting
    assert store.refresh_claim(first, now=NOW + dt.timedelta(minutes=4))  # a is alive
    assert claim(store, "b", NOW + dt.timedelta(minutes=8)) is None  # refreshed at 4 min
    taken = claim(store, "b", NOW + dt.timedelta(minutes=10))
    assert taken is not None and (taken.attempts, taken.taken_over_from) == (2, "a")
    assert not store.refresh_claim(first, now=NOW + dt.timedelta(minutes=11))  # a lost it
    done = Done(claim=taken, message_id="m1", quote_id="q1", rotation_round=0)
    assert store.complete_deliveries([done], now=NOW) == {KEY}  # b's claim, kept
    assert claim(store, "c", NOW + dt.timedelta(hours=1)) is None  # delivered: never again
    store.database.close()


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
    stores = [open_store(settings) for _ in range(4)]  # separate engines, like processes
    assert len(contend(stores, 8)) == 1
    for store in stores:
        store.database.close()


@pytest.mark.postgres
def test_one_winner_among_concurrent_claims_on_postgres(postgres_url: str) -> None:
    store = open_store(postgres_settings(postgres_url))
    assert store.describe().startswith("PostgreSQL database")
    assert len(contend([store], 8)) == 1
    row = store.last_delivery("slack", "C1", DOSSIER)
    assert row is not None and row.status == "claimed"
    store.database.close()


def claim_many_and_mark(store: DigestStore) -> None:
    """Replica a claims four digests in one go (C2's of two dossiers) and sends one; b claims
    all four later."""
    five = dt.timedelta(minutes=5)
    streams = [("slack", "C1", DOSSIER), ("slack", "C2", DOSSIER), ("slack", "C2", OTHER)]
    streams.append(("slack", "C3", DOSSIER))
    due = [((*stream, DAY), NOW) for stream in streams]
    # C2's digest of the other dossier was posted yesterday, with a quote; the default's never.
    store.record_post(
        platform="slack",
        channel="C2",
        dossier=OTHER,
        local_date=DAY - dt.timedelta(days=1),
        kind="daily",
        message_id="m0",
        quote_id="q1",
        rotation_round=3,
        now=NOW - dt.timedelta(days=1),
    )
    first = store.claim_deliveries(due, replica="a", now=NOW, stale_after=five, history=True)
    assert sorted(first.won) == [key for key, _ in due] and first.unknown == {}
    # Each stream's history, read in the same transaction: the dossiers' apart.
    assert first.history["slack", "C2", DOSSIER] == History()
    assert first.history["slack", "C2", OTHER] == History(
        last_post=DAY - dt.timedelta(days=1), round=3, shown=frozenset({"q1"})
    )
    assert store.claim_deliveries(due, replica="b", now=NOW, stale_after=five).won == {}
    sent = first.won["slack", "C2", DOSSIER, DAY]
    assert store.mark_sending([sent], now=NOW) == {sent.key}  # its request goes out
    # a falls silent: b takes over the three that were not sent (C2's other dossier's too)
    # but not C2's, which may have arrived; it is recorded as such, never posted again.
    later = NOW + dt.timedelta(minutes=6)
    second = store.claim_deliveries(due, replica="b", now=later, stale_after=five)
    assert sorted(second.won) == [
        ("slack", "C1", DOSSIER, DAY),
        ("slack", "C2", OTHER, DAY),
        ("slack", "C3", DOSSIER, DAY),
    ]
    assert all(c.taken_over_from == "a" for c in second.won.values())
    assert second.unknown == {sent.key: "a"}
    row = store.last_delivery("slack", "C2", DOSSIER)
    assert row is not None and row.status == "unknown"
    assert row.error == "replica a fell silent while its post was on its way"
    row = store.last_delivery("slack", "C2", OTHER)
    assert row is not None and (row.status, row.replica) == ("claimed", "b")
    # a comes back: it may not send the three it lost; its post of C2 is still recorded.
    assert store.mark_sending(list(first.won.values()), now=later) == set()
    done = Done(claim=sent, message_id="m2", quote_id=None, rotation_round=0)
    # the claim was still its own: unknown until then
    assert store.complete_deliveries([done], now=later) == {sent.key}
    row = store.last_delivery("slack", "C2", DOSSIER)
    assert row is not None and (row.status, row.message_id) == ("delivered", "m2")
    assert [p.message_id for p in store.posts("slack", "C2", OTHER)] == ["m0"]


def test_many_claims_at_once_and_a_post_on_its_way_is_never_taken_over(tmp_path: Path) -> None:
    store = open_store(digest_settings(tmp_path / "state.sqlite3"))
    claim_many_and_mark(store)
    store.database.close()


@pytest.mark.postgres
def test_many_claims_at_once_and_a_post_on_its_way_on_postgres(postgres_url: str) -> None:
    store = open_store(postgres_settings(postgres_url))
    claim_many_and_mark(store)
    store.database.close()


def test_a_stale_post_on_its_way_past_the_window_is_unknown_not_missed(tmp_path: Path) -> None:
    store = open_store(digest_settings(tmp_path / "state.sqlite3"))
    taken = claim(store, "a")
    assert taken is not None and store.mark_sending([taken], now=NOW) == {taken.key}
    missed = store.mark_missed(
        platform="slack",
        channel="C1",
        dossier=DOSSIER,
        local_date=DAY,
        scheduled_at=NOW,
        replica="b",
        now=NOW + dt.timedelta(days=1),
        stale_after=dt.timedelta(minutes=5),
    )
    row = store.last_delivery("slack", "C1", DOSSIER)
    assert missed == "unknown" and row is not None and row.status == "unknown"
    store.database.close()


def test_a_post_on_its_way_is_settled_only_once_no_request_can_be_out_and_if_marked(
    tmp_path: Path,
) -> None:
    """Where a dead replica's post can be looked for (Slack: its request gives up after 30 s),
    the row is taken over in doubt only once the holder's request could no longer be out
    (silent for the claim timeout and those 30 s): before that, a holder that is alive but
    silent in the database may still have its post land after the lookup found nothing. A
    row left by a version that did not mark its posts (no `sent_at`) cannot be looked for:
    it is recorded as unknown, never posted again."""
    store = open_store(digest_settings(tmp_path / "state.sqlite3"))
    five, request = dt.timedelta(minutes=5), dt.timedelta(seconds=30)
    settles = {"slack": request}
    taken = claim(store, "a")
    assert taken is not None and store.mark_sending([taken], now=NOW) == {taken.key}

    def claim_as_b(after: dt.timedelta) -> tuple[Claim | None, dict[object, str]]:
        found = store.claim_deliveries(
            [(KEY, NOW)], replica="b", now=NOW + after, stale_after=five, reconcile=settles
        )
        return found.won.get(KEY), dict(found.unknown)

    # Silent for the claim timeout, but its request may still be out: left for now.
    assert claim_as_b(five + dt.timedelta(seconds=10)) == (None, {})
    row = store.last_delivery("slack", "C1", DOSSIER)
    assert row is not None and (row.status, row.replica) == ("sending", "a")
    # Past the timeout and the request's 30 s: taken over in doubt, to be looked for.
    won, unknown = claim_as_b(five + request + dt.timedelta(seconds=1))
    assert won is not None and unknown == {}
    assert won.taken_over_from == "a" and won.in_doubt_since is not None

    # The same row as an older version left it (no `sent_at`): unknown, not looked for.
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(deliveries).values(
                replica="a", status="sending", sent_at=None, claimed_at=NOW
            )
        )
    won, unknown = claim_as_b(dt.timedelta(hours=1))
    assert won is None and unknown == {KEY: "a"}
    row = store.last_delivery("slack", "C1", DOSSIER)
    assert row is not None and row.status == "unknown"
    store.database.close()
