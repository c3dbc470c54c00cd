"""10,000 digests on the hour: real `dispute-bot serve` replicas, one PostgreSQL, a fake Slack.

`python -m bench.measure_fanout --database-url URL [--workspaces 1000] [--channels 10]
[--second-dossier 1] [--replicas 3] [--runs plain,kill]` starts `bench.fake_slack_fleet`
(Slack's posting limits, 429 with Retry-After), empties the bot's tables in the database at URL
(give it one of its own: every run starts by dropping them), installs the app in every
workspace by writing slack_sdk's installation tables with its own SQLAlchemy store (what the
OAuth flow writes on an install), subscribes every channel to the default dossier through the
digest's store, and the first `--second-dossier` channels of each workspace to a second one
too (the tests' stadium dispute, beside the shipped dossier in a seeds folder of two), all due
at the same minute `T` in six time zones, and starts the replicas in Slack's OAuth mode against
the fake. It then watches: the fake counts each channel's digests of each dossier (duplicates,
missing, the lag of each after `T`, every 429 and any post made before its Retry-After), the
replicas' /metrics count their database round trips, PostgreSQL counts its transactions. In a
`kill` run the first replica is SIGKILLed once half the digests are posted; the others must
finish its share, looking in the channels' histories for the posts it had on their way
(counted: found, posted, unknown).

A run ends when every subscription has a final row for `T` (nothing claimed or being sent),
or `--deadline` seconds after `T`. Figures for docs/PERFORMANCE.md; `--json` keeps them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import re
import shutil
import signal
import sys
import time
import zoneinfo
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import sqlalchemy as sa
from msgspec import structs

from bench.fake_slack_fleet import APP_ID, FleetWorkspace, fleet
from bench.measure_fake_fleet import cpu_seconds
from bench.stats import emit_json
from bot.digest import schema as digest_schema
from bot.preferences import schema as preferences_schema
from tests.dossiers import ANTHROPIC, two_dossiers

if TYPE_CHECKING:
    from bot.digest.records import Subscription

ROOT = Path(__file__).resolve().parent.parent
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "fanout-client-secret"
SIGNING_SECRET = "fanout-signing-secret"
# The channels' zones: the same instant T is a different wall-clock time in each.
ZONES = (
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "America/Sao_Paulo",
)
# Every table the bot keeps, each schema's own read from its declaration (so a table a
# schema version adds is dropped too), and Slack's installation tables.
BOT_TABLES = (
    *(table.name for table in reversed(digest_schema.metadata.sorted_tables)),
    *(table.name for table in reversed(preferences_schema.metadata.sorted_tables)),
    "slack_oauth_schema",
    "slack_bots",
    "slack_installations",
    "slack_oauth_states",
)
OPEN = ("claimed", "sending")  # a delivery still held by a replica
SECOND_DOSSIER = "stadium"  # the tests' second dossier, its folder's name


@dataclass(frozen=True, slots=True, kw_only=True)
class Fanout:
    """One run's shape: how many workspaces, channels and replicas, and the digest settings."""

    database_url: str
    workspaces: int = 1000
    channels: int = 10
    # The first this many channels of each workspace follow the second dossier too: two
    # digests at `T` (a subscription each), which must not be taken for duplicates.
    second_dossier: int = 0
    replicas: int = 3
    kill_at: float | None = None  # SIGKILL the first replica at this share of channels served
    claim_timeout: float = 30.0
    sync_seconds: float = 10.0
    lead: float = 60.0  # seconds at least between seeding and T
    deadline: float = 300.0  # seconds after T to give up
    due_now: bool = False  # subscribe after the replicas start, due at once (the small test)
    latency_ms: float = 0.0  # the fake's time to answer each call
    fake_limits: tuple[str, ...] = ()  # the fake's own options (tighter limits, say)
    logs: Path = ROOT / "build" / "bench" / "fanout"
    env: dict[str, str] = field(default_factory=dict)


def sync_url(url: str) -> str:
    """The URL for SQLAlchemy here (psycopg 3), whatever scheme was given."""
    for scheme in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    raise SystemExit("--database-url must be a PostgreSQL URL")


def reset_database(url: str) -> None:
    engine = sa.create_engine(sync_url(url))
    with engine.begin() as conn:
        for table in BOT_TABLES:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table} CASCADE"))
    engine.dispose()


def install_workspaces(url: str, workspaces: list[FleetWorkspace]) -> float:
    """Write each workspace's installation as the OAuth flow does (slack_sdk's SQLAlchemy
    store, `save`), so the replicas find one bot token per workspace; returns seconds."""
    from slack_sdk.oauth.installation_store.models.installation import Installation
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

    started = time.perf_counter()
    engine = sa.create_engine(sync_url(url), pool_size=4)
    store = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=engine)
    store.metadata.create_all(engine)
    installed_at = time.time() - 86_400

    def install(workspace: FleetWorkspace) -> None:
        store.save(
            Installation(
                app_id=APP_ID,
                enterprise_id=None,
                team_id=workspace.team_id,
                team_name=workspace.name,
                bot_token=workspace.bot_token,
                bot_id="B" + workspace.bot_user_id[1:],
                bot_user_id=workspace.bot_user_id,
                bot_scopes="commands,chat:write,channels:read,groups:read,channels:history,groups:history",
                user_id="U0INSTALLER",
                installed_at=installed_at,
            )
        )

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(install, workspaces))
    engine.dispose()
    return time.perf_counter() - started


def seeds_folder(run: Fanout) -> Path | None:
    """The replicas' seeds: the shipped dossier alone (None), or beside the second one."""
    if not run.second_dossier:
        return None
    shutil.rmtree(run.logs / "seeds", ignore_errors=True)
    return two_dossiers(run.logs)


def headlines(seeds: Path | None) -> dict[tuple[str, str], str]:
    """Each dossier's headline in each language, as a digest's `text` shows it on Slack (its
    second line): how the fake tells a channel's two digests apart."""
    from bot.library import Library
    from bot.platforms.slack.mrkdwn import escape

    library = Library.open(seeds or ROOT / "seeds", snapshot_dir=None)
    return {
        (name, locale): escape(dossier.corpus.title.get(locale))
        for name, dossier in library.served().items()
        for locale in ("en", "fr")
    }


def subscribe_channels(
    url: str, workspaces: list[FleetWorkspace], due: dt.datetime, second_dossier: int
) -> tuple[list[Subscription], float]:
    """Subscribe every channel to the default dossier through the digest's store, the first
    `second_dossier` of each workspace to the second one too, each due at `due` in its zone;
    returns (the subscriptions, seconds)."""
    from bot.app import state_database
    from bot.config import Secret, load_settings
    from bot.delivery import Team
    from bot.digest.records import Subscription
    from bot.digest.store import DigestStore
    from bot.digest.when import Schedule

    started = time.perf_counter()
    settings = structs.replace(load_settings(environ={}), database_url=Secret(url))
    subs = []
    for number, workspace in enumerate(workspaces):
        for channel_number, channel in enumerate(workspace.channels):
            zone = ZONES[(number + channel_number) % len(ZONES)]
            local = due.astimezone(zoneinfo.ZoneInfo(zone))
            dossiers = [ANTHROPIC] + [SECOND_DOSSIER] * (channel_number < second_dossier)
            subs += [
                Subscription(
                    platform="slack",
                    channel=channel,
                    dossier=dossier,
                    schedule=Schedule(time=local.time().replace(second=0), zone=zone),
                    locale="fr" if number % 3 == 0 else "en",
                    changed_by="U0INSTALLER",
                    effective_from=due - dt.timedelta(seconds=30),
                    team=Team(team_id=workspace.team_id),
                )
                for dossier in dossiers
            ]
    database = state_database(settings)  # as the bot builds it
    try:
        store = DigestStore.open(database.get(), default_dossier=ANTHROPIC)
        store.save_subscriptions(subs)
    finally:
        database.close()
    return subs, time.perf_counter() - started


class Replica:
    """`dispute-bot serve` in its own process; its log in a file, its health port found there."""

    def __init__(self, number: int, process: asyncio.subprocess.Process, log: Path) -> None:
        self.number = number
        self.process = process
        self.log = log
        self.health_port = 0
        self.killed_at: float | None = None
        self.metrics: dict[str, float] = {}
        self._found = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(cls, number: int, run: Fanout, api_url: str, seeds: Path | None) -> Replica:
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DISCORD_", "DISPUTE_BOT_", "DATABASE_URL"))
        }
        env = {
            **base,
            "DATABASE_URL": run.database_url,
            "SLACK_CLIENT_ID": CLIENT_ID,
            "SLACK_CLIENT_SECRET": CLIENT_SECRET,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": api_url,
            "PORT": "0",
            "HEALTH_PORT": "0",
            "DISPUTE_BOT_HEALTH_HOST": "127.0.0.1",
            "DISPUTE_BOT_WATCH_SEEDS": "false",
            "DISPUTE_BOT_SNAPSHOT_DIR": "null",
            "DISPUTE_BOT_DIGEST_CLAIM_TIMEOUT_SECONDS": str(run.claim_timeout),
            "DISPUTE_BOT_DIGEST_SYNC_SECONDS": str(run.sync_seconds),
            **({"DISPUTE_BOT_SEEDS": str(seeds)} if seeds is not None else {}),
            **run.env,
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        return cls(number, process, run.logs / f"replica-{number}.log")

    async def _read(self) -> None:
        assert self.process.stderr is not None
        with self.log.open("wb") as out:
            async for line in self.process.stderr:
                out.write(line)
                if not self.health_port:
                    found = re.search(rb"health server on http://127\.0\.0\.1:(\d+)", line)
                    if found:
                        self.health_port = int(found.group(1))
                        self._found.set()

    async def ready(self, http: aiohttp.ClientSession, timeout: float) -> float:
        """Wait until its digest service runs (its first sweep done); returns when (monotonic)."""
        waited = asyncio.create_task(self._found.wait())
        exited = asyncio.create_task(self.process.wait())
        await asyncio.wait({waited, exited}, timeout=timeout, return_when="FIRST_COMPLETED")
        exited.cancel()
        if not self.health_port:
            raise RuntimeError(f"replica {self.number} did not start: see {self.log}")
        limit = time.monotonic() + timeout
        while time.monotonic() < limit:
            with contextlib.suppress(aiohttp.ClientError):
                url = f"http://127.0.0.1:{self.health_port}/readyz"
                async with http.get(url) as answer:
                    body = await answer.json(content_type=None)
                digest = body.get("reported", {}).get("digest", {})
                if digest.get("ok"):
                    return time.monotonic()
            if self.process.returncode is not None:
                break
            await asyncio.sleep(0.2)
        raise RuntimeError(f"replica {self.number}'s digest did not start: see {self.log}")

    async def scrape(self, http: aiohttp.ClientSession) -> None:
        """Keep its latest /metrics counters (a killed replica keeps its last ones)."""
        if self.killed_at is not None or not self.health_port:
            return
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            url = f"http://127.0.0.1:{self.health_port}/metrics"
            async with http.get(url, timeout=aiohttp.ClientTimeout(total=2)) as answer:
                text = await answer.text()
            self.metrics = parse_metrics(text)

    def cpu_seconds(self) -> float | None:
        with contextlib.suppress(OSError):
            return cpu_seconds(self.process.pid)
        return None

    def kill(self) -> None:
        self.killed_at = time.time()
        self.process.send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        await self._reader


METRIC = re.compile(r"^(dispute_bot_[a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$")


def parse_metrics(text: str) -> dict[str, float]:
    """The bot's own counters, by name and labels as written ("name{labels}")."""
    found = {}
    for line in text.splitlines():
        match = METRIC.match(line)
        if match:
            found[match.group(1) + (match.group(2) or "")] = float(match.group(3))
    return found


@contextlib.contextmanager
def fake_fleet(run: Fanout) -> Iterator[tuple[str, int]]:
    import subprocess

    command = [sys.executable, "-m", "bench.fake_slack_fleet"]
    command += ["--workspaces", str(run.workspaces), "--channels", str(run.channels)]
    command += ["--latency-ms", str(run.latency_ms), *run.fake_limits]
    process = subprocess.Popen(
        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        port = json.loads(process.stdout.readline())["port"]
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        with contextlib.suppress(OSError):
            assert process.stdin is not None
            process.stdin.close()
        process.wait(timeout=15)


def database_state(url: str, due: dt.datetime) -> dict[str, Any]:
    """The deliveries of the round by status, and PostgreSQL's transactions so far."""
    engine = sa.create_engine(sync_url(url), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        statuses: dict[str, int] = dict(
            conn.execute(
                sa.text(
                    "SELECT status, count(*) FROM digest_deliveries "
                    "WHERE scheduled_at = :due GROUP BY status"
                ),
                {"due": due.astimezone(dt.UTC).replace(tzinfo=None)},
            ).all()
        )
        unknown = [
            (row[0], row[1])
            for row in conn.execute(
                sa.text(
                    "SELECT channel, dossier FROM digest_deliveries "
                    "WHERE scheduled_at = :due AND status = 'unknown'"
                ),
                {"due": due.astimezone(dt.UTC).replace(tzinfo=None)},
            ).all()
        ]
        transactions = conn.execute(
            sa.text(
                "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                "WHERE datname = current_database()"
            )
        ).scalar()
    engine.dispose()
    return {"statuses": statuses, "unknown": unknown, "transactions": int(transactions or 0)}


def round_trips(replicas: list[Replica]) -> dict[str, float]:
    """The replicas' database round trips by kind (a killed one's as last scraped)."""
    total: dict[str, float] = {}
    for replica in replicas:
        for name, value in replica.metrics.items():
            if name.startswith("dispute_bot_database_round_trips_total"):
                kind = re.search(r'kind="([a-z]+)"', name)
                database = re.search(r'database="([^"]+)"', name)
                if kind and database:
                    key = f"{database.group(1)}: {kind.group(1)}"
                    total[key] = total.get(key, 0.0) + value
    return total


def reconciled(replicas: list[Replica]) -> dict[str, int]:
    """The dead replica's posts on their way, settled by the others from the channels'
    histories: found (it had arrived), posted (it had not), unknown (unreadable)."""
    total = {"found": 0, "posted": 0, "unknown": 0}
    for replica in replicas:
        for name, value in replica.metrics.items():
            if name.startswith("dispute_bot_digests_reconciled_total"):
                outcome = re.search(r'outcome="([a-z]+)"', name)
                if outcome and outcome.group(1) in total:
                    total[outcome.group(1)] += int(value)
    return total


def posted(replica: Replica) -> float:
    counts = replica.metrics.items()
    return sum(v for k, v in counts if k.startswith("dispute_bot_digests_posted_total"))


async def fanout(run: Fanout) -> dict[str, Any]:
    """One run: seed, start the replicas, let T come, watch, and report."""
    run.logs.mkdir(parents=True, exist_ok=True)
    workspaces = fleet(run.workspaces, run.channels)
    seeds = seeds_folder(run)
    titles = headlines(seeds)
    # A digest per channel, and one more for each channel that follows the second dossier.
    total = run.workspaces * (run.channels + min(run.second_dossier, run.channels))
    reset_database(run.database_url)
    installed_s = install_workspaces(run.database_url, workspaces)
    load_before = os.getloadavg()
    with fake_fleet(run) as (base, fake_pid):
        async with aiohttp.ClientSession() as http:
            due = dt.datetime.now(dt.UTC)
            subscribed_s = 0.0
            subs: list[Subscription] = []
            if not run.due_now:
                due = due + dt.timedelta(seconds=run.lead)
                due = due.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
                subs, subscribed_s = subscribe_channels(
                    run.database_url, workspaces, due, run.second_dossier
                )
            starting = time.monotonic()
            replicas = [
                await Replica.start(n, run, f"{base}/api/", seeds) for n in range(run.replicas)
            ]
            try:
                ready = await asyncio.gather(*(r.ready(http, run.lead) for r in replicas))
                start_s = max(ready) - starting
                origin = due
                if run.due_now:  # due this minute: the replicas' next sweep finds them
                    origin = dt.datetime.now(dt.UTC)
                    due = origin.replace(second=0, microsecond=0)
                    subs, subscribed_s = subscribe_channels(
                        run.database_url, workspaces, due, run.second_dossier
                    )
                elif dt.datetime.now(dt.UTC) >= due:
                    raise RuntimeError(f"the replicas took {start_s:.0f} s to start: past T")
                assert len(subs) == total, (len(subs), total)
                round_ = {"hour": origin.timestamp(), "digests": total}
                async with http.post(f"{base}/round", json=round_) as answer:
                    await answer.read()
                before = database_state(run.database_url, due)["transactions"]
                cpu_before = {r.number: r.cpu_seconds() or 0.0 for r in replicas}
                fake_cpu_before = cpu_seconds(fake_pid)
                stats, finished = await watch(run, http, base, replicas, due, origin, total)
                await asyncio.sleep(2.0)  # late duplicates, and PostgreSQL's counters
                async with http.get(f"{base}/stats?channels=1") as answer:
                    stats = await answer.json()
                for replica in replicas:
                    await replica.scrape(http)
                state = database_state(run.database_url, due)
                cpu = {
                    r.number: round((r.cpu_seconds() or 0.0) - cpu_before[r.number], 2)
                    for r in replicas
                    if r.killed_at is None
                }
                fake_cpu = cpu_seconds(fake_pid) - fake_cpu_before
            finally:
                await asyncio.gather(*(r.stop() for r in replicas), return_exceptions=True)
    stats.pop("per_channel", None)
    arrived = {(channel, headline) for channel, headline, _ in stats.pop("per_digest", [])}
    locales = {sub.channel: sub.locale for sub in subs}
    unknown = [(c, d, (c, titles[d, locales[c]]) in arrived) for c, d in state["unknown"]]
    arrived_unknown = sum(1 for _, _, came in unknown if came)
    undelivered = sorted(f"{c} ({d})" for c, d, came in unknown if not came)
    trips = round_trips(replicas)
    # The digest's and the installations' databases; "database" is /metrics's own probe,
    # asked at each scrape of this benchmark, not the digest's work.
    digest = {k: v for k, v in trips.items() if not k.startswith("database: ")}
    statements = sum(v for k, v in digest.items() if k.endswith(": statement"))
    transactions = sum(v for k, v in digest.items() if k.endswith(": transaction"))
    checkouts = sum(v for k, v in digest.items() if k.endswith(": checkout"))
    killed = next((r for r in replicas if r.killed_at is not None), None)
    return {
        "workspaces": run.workspaces,
        "channels": run.workspaces * run.channels,
        "digests": total,
        "replicas": run.replicas,
        "killed": None
        if killed is None
        else {
            "replica": killed.number,
            "after_T_s": round((killed.killed_at or 0.0) - origin.timestamp(), 2),
            "its_digests_posted_before": posted(killed),
        },
        "T": origin.isoformat(),
        "settings": {
            "digest_claim_timeout_seconds": run.claim_timeout,
            "digest_sync_seconds": run.sync_seconds,
        },
        "install_s": round(installed_s, 2),
        "subscribe_s": round(subscribed_s, 2),
        "replicas_start_s": round(start_s, 2),
        "finished": finished,
        "delivered": stats["delivered"],
        "missing": stats["missing"],
        "delivered_channels": stats["delivered_channels"],
        "missing_channels": stats["missing_channels"],
        "duplicates": stats["duplicates"],
        "lag_s": {k: round(v, 2) for k, v in stats.get("lag_seconds", {}).items()},
        "ratelimited": stats["ratelimited"],
        "ratelimited_by": stats["ratelimited_by"],
        "unhonoured": stats["unhonoured"],
        "refused": stats["refused"],
        "reconciled": reconciled(replicas),
        "history_calls": stats["history_calls"],
        "history_ratelimited": stats["history_ratelimited"],
        "deliveries": state["statuses"],
        "unknown_that_arrived": arrived_unknown,
        "unknown_undelivered": undelivered,
        "posted_by_replica": {r.number: posted(r) for r in replicas},
        "database": {
            "round_trips": trips,
            "statements_per_digest": round(statements / total, 2),
            "transactions_per_digest": round(transactions / total, 2),
            "checkouts_per_digest": round(checkouts / total, 2),
            # psycopg: a transaction is BEGIN and COMMIT, a checkout a ping: each a round trip.
            "round_trips_per_digest": round((statements + 2 * transactions + checkouts) / total, 2),
            "postgres_transactions_per_digest": round((state["transactions"] - before) / total, 2),
        },
        "cpu_s": {"replicas": cpu, "fake": round(fake_cpu, 2)},
        "load_average": {"before": load_before, "after": os.getloadavg()},
    }


async def watch(
    run: Fanout,
    http: aiohttp.ClientSession,
    base: str,
    replicas: list[Replica],
    due: dt.datetime,
    origin: dt.datetime,
    total: int,
) -> tuple[dict[str, Any], bool]:
    """Until every channel's digest has a final row (or the deadline): kill on cue, scrape."""
    limit = origin.timestamp() + run.deadline
    last_scrape = last_check = 0.0
    stats: dict[str, Any] = {}
    while time.time() < limit:
        async with http.get(f"{base}/stats") as answer:
            stats = await answer.json()
        if time.monotonic() - last_scrape >= 1.0:
            last_scrape = time.monotonic()
            await asyncio.gather(*(r.scrape(http) for r in replicas))
        victim = replicas[0]
        if (
            run.kill_at is not None
            and victim.killed_at is None
            and stats["delivered"] >= math.ceil(total * run.kill_at)
        ):
            await victim.scrape(http)
            victim.kill()
        checked = stats["delivered"] >= total or time.time() > origin.timestamp() + 5
        if checked and time.monotonic() - last_check >= 2.0:
            last_check = time.monotonic()
            state = await asyncio.to_thread(database_state, run.database_url, due)
            settled = sum(n for s, n in state["statuses"].items() if s not in OPEN)
            if settled >= total:
                return stats, True
        await asyncio.sleep(0.1 if run.kill_at is not None else 0.5)
    return stats, False


def summary(result: dict[str, Any]) -> str:
    lag = result["lag_s"]
    db = result["database"]
    killed = result["killed"]
    return (
        f"{result['digests']} digests in {result['channels']} channels, "
        f"{result['replicas']} replicas"
        + (
            f", replica {killed['replica']} SIGKILLed {killed['after_T_s']} s after T"
            if killed
            else ""
        )
        + f": delivered {result['delivered']}, missing {result['missing']}, "
        f"duplicates {result['duplicates']}, 429s {result['ratelimited']} "
        f"(unhonoured {result['unhonoured']}); lag p50 {lag.get('p50')} s, p99 {lag.get('p99')} s, "
        f"max {lag.get('max')} s; dead replica's posts on their way: found "
        f"{result['reconciled']['found']}, posted {result['reconciled']['posted']}, unknown "
        f"{result['reconciled']['unknown']} ({result['history_calls']} history reads, "
        f"{result['history_ratelimited']} 429s); round trips per digest "
        f"{db['round_trips_per_digest']} "
        f"({db['statements_per_digest']} statements, {db['transactions_per_digest']} "
        f"transactions, {db['checkouts_per_digest']} checkouts; PostgreSQL counted "
        f"{db['postgres_transactions_per_digest']} transactions per digest)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a PostgreSQL database of its own (default: BENCH_DATABASE_URL); its bot tables "
        "are dropped",
    )
    parser.add_argument("--workspaces", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=10)
    parser.add_argument(
        "--second-dossier",
        type=int,
        default=1,
        help="channels of each workspace that follow a second dossier too (0: none)",
    )
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--runs", default="plain,kill", help="plain, kill, or both")
    parser.add_argument("--kill-at", type=float, default=0.5)
    parser.add_argument("--claim-timeout", type=float, default=30.0)
    parser.add_argument("--sync-seconds", type=float, default=10.0)
    parser.add_argument("--lead", type=float, default=60.0)
    parser.add_argument("--deadline", type=float, default=300.0)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url (or BENCH_DATABASE_URL): a PostgreSQL database")
    results = []
    for name in args.runs.split(","):
        run = Fanout(
            database_url=args.database_url,
            workspaces=args.workspaces,
            channels=args.channels,
            second_dossier=args.second_dossier,
            replicas=args.replicas,
            kill_at=args.kill_at if name == "kill" else None,
            claim_timeout=args.claim_timeout,
            sync_seconds=args.sync_seconds,
            lead=args.lead,
            deadline=args.deadline,
            logs=ROOT / "build" / "bench" / "fanout" / name,
        )
        result = {"run": name, **asyncio.run(fanout(run))}
        print(summary(result), flush=True)
        results.append(result)
    emit_json(results, args.json)


if __name__ == "__main__":
    main()
