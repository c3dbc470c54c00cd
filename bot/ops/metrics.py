"""Prometheus metrics: one registry the `/metrics` endpoint serves and any part can count into.

Label values are kept to a known set (command names of the registry, platform names), so a
user typing `/whatever` cannot grow the number of series.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.dossier_names import DOSSIER_NAME
from bot.platform_names import PLATFORMS

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from bot.core import Core, Request
    from bot.reload import ReloadReport
    from bot.reply import Reply

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)

COMMANDS = Counter(
    "dispute_bot_commands",
    "Commands answered, by command, platform and outcome (ok, empty, usage, error).",
    ["command", "platform", "outcome"],
    registry=REGISTRY,
)
COMMAND_LATENCY = Histogram(
    "dispute_bot_command_latency_seconds",
    "Time to compose a reply, by command and platform.",
    ["command", "platform"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
    registry=REGISTRY,
)
COMMAND_ERRORS = Counter(
    "dispute_bot_command_errors",
    "Commands whose handler raised; the user got a short apology and the log a traceback.",
    ["command", "platform"],
    registry=REGISTRY,
)
REPLIES_IN_FLIGHT = Gauge(
    "dispute_bot_replies_in_flight",
    "Replies being composed or delivered right now; shutdown waits for them.",
    registry=REGISTRY,
)
DIGESTS_POSTED = Counter(
    "dispute_bot_digests_posted",
    "Daily digests posted to a channel.",
    ["platform"],
    registry=REGISTRY,
)
DIGESTS_SKIPPED = Counter(
    "dispute_bot_digests_skipped",
    "Daily digests not posted on purpose (quiet day, missed beyond the catch-up window...).",
    ["platform", "reason"],
    registry=REGISTRY,
)
DIGESTS_FAILED = Counter(
    "dispute_bot_digests_failed",
    "Digest deliveries the platform refused; permanent ones pause the subscription.",
    ["platform", "permanent"],
    registry=REGISTRY,
)
DIGESTS_UNKNOWN = Counter(
    "dispute_bot_digests_unknown",
    "Digest deliveries whose outcome is unknown (a post sent and no answer, the bot stopped "
    "or its replica fell silent with the post on its way): never posted again, so check the "
    "channel.",
    ["platform", "reason"],
    registry=REGISTRY,
)
DIGESTS_RECONCILED = Counter(
    "dispute_bot_digests_reconciled",
    "Digests whose post was on its way when its replica fell silent (or, on Discord, got no "
    "answer), settled from the channel's history (Slack) or by sending it again with the same "
    "nonce (Discord): found (it had arrived), posted (it had not, so posted now), unknown (the "
    "history could not be read, or too late for Discord to recognise a repeat).",
    ["platform", "outcome"],
    registry=REGISTRY,
)
CORPUS_RELOADS = Counter(
    "dispute_bot_corpus_reloads",
    "Dossier reloads by outcome (ok, refused), trigger (watch, signal, command) and dossier.",
    ["outcome", "trigger", "dossier"],
    registry=REGISTRY,
)

_SAFE_LABEL = re.compile(r"^[a-z0-9_-]{1,32}$")


def digest_posted(platform: str) -> None:
    DIGESTS_POSTED.labels(platform=_label(platform)).inc()


def digest_skipped(platform: str, reason: str) -> None:
    DIGESTS_SKIPPED.labels(platform=_label(platform), reason=_label(reason)).inc()


def digest_failed(platform: str, *, permanent: bool) -> None:
    DIGESTS_FAILED.labels(platform=_label(platform), permanent=str(permanent).lower()).inc()


def digest_unknown(platform: str, reason: str) -> None:
    DIGESTS_UNKNOWN.labels(platform=_label(platform), reason=_label(reason)).inc()


def digest_reconciled(platform: str, outcome: str) -> None:
    DIGESTS_RECONCILED.labels(platform=_label(platform), outcome=_label(outcome)).inc()


def database_up(up: bool | None) -> None:
    """The last probe's answer; None (no database configured) leaves the metric out."""
    _DATABASE.up = up


def record_reload(report: ReloadReport) -> None:
    for result in report.results:
        if result.dropped:
            continue
        outcome = "ok" if result.ok else "refused"
        CORPUS_RELOADS.labels(
            outcome=outcome, trigger=_label(report.trigger), dossier=_dossier(result.dossier)
        ).inc()


def _label(value: str) -> str:
    value = value.lower()
    return value if _SAFE_LABEL.match(value) else "other"


def _dossier(name: str) -> str:
    """A dossier's name as a label (names are short slugs already: bot.library)."""
    return name if DOSSIER_NAME.match(name) else "other"


class _CorpusCollector(Collector):
    """The served dossiers' sizes, read at scrape time so a reload shows at once, and the
    dossiers refused."""

    def __init__(self) -> None:
        self.core: Core | None = None

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "dispute_bot_corpus_records",
            "Records in each dossier being served, by kind.",
            labels=["kind", "dossier"],
        )
        refused = GaugeMetricFamily(
            "dispute_bot_dossiers_refused",
            "1 for a dossier whose files were refused (served in its last good version, if "
            "any), 0 for one served as its files are.",
            labels=["dossier"],
        )
        if self.core is not None:
            library = self.core.library
            for name, dossier in library.served().items():
                corpus = dossier.corpus
                for kind in ("articles", "actors", "quotes", "events", "issues", "positions"):
                    family.add_metric([kind, _dossier(name)], len(getattr(corpus, kind)))
            for name in library.names():
                refused.add_metric([_dossier(name)], 1 if library.problems(name) else 0)
        yield family
        yield refused


_CORPUS = _CorpusCollector()
REGISTRY.register(_CORPUS)


class _RoundTripCollector(Collector):
    """What the bot sent its state database, counted as it goes (bot.database.bounded)."""

    def collect(self) -> Iterator[Metric]:
        from bot.database.bounded import round_trips

        family = CounterMetricFamily(
            "dispute_bot_database_round_trips",
            "Round trips to the state database by database and kind: statements, "
            "transactions (BEGIN and COMMIT or ROLLBACK, two each) and pool checkouts (a ping "
            "each).",
            labels=["database", "kind"],
        )
        for (database, kind), count in sorted(round_trips().items()):
            family.add_metric([database, kind], count)
        yield family


REGISTRY.register(_RoundTripCollector())


class _DatabaseCollector(Collector):
    """`dispute_bot_database_up`, only where a database is configured: a gauge would read 0
    (the database down) on a bot that has none."""

    def __init__(self) -> None:
        self.up: bool | None = None

    def collect(self) -> Iterator[Metric]:
        if self.up is None:
            return
        family = GaugeMetricFamily(
            "dispute_bot_database_up",
            "1 when DATABASE_URL's database answered its last probe, 0 when not (absent "
            "without one); the bot stays ready either way.",
        )
        family.add_metric([], 1 if self.up else 0)
        yield family


_DATABASE = _DatabaseCollector()
REGISTRY.register(_DATABASE)


def instrument(core: Core) -> None:
    """Count every command `core` answers, and report the size of the corpus it serves."""

    def observe(request: Request, reply: Reply, seconds: float) -> None:
        name = request.command or "help"
        command = name if name in core.commands else "unknown"
        platform = _label(request.platform)
        COMMANDS.labels(command=command, platform=platform, outcome=reply.kind.value).inc()
        COMMAND_LATENCY.labels(command=command, platform=platform).observe(seconds)
        if reply.kind.value == "error":
            COMMAND_ERRORS.labels(command=command, platform=platform).inc()

    core.observe = observe
    _CORPUS.core = core
    # Series that exist from the start read as 0 rather than missing on dashboards.
    for outcome in ("ok", "refused"):
        for trigger in ("watch", "signal", "command"):
            for name in core.library.names():
                CORPUS_RELOADS.labels(outcome=outcome, trigger=trigger, dossier=_dossier(name))
    for platform in PLATFORMS:
        DIGESTS_POSTED.labels(platform=platform)
        for permanent in ("true", "false"):
            DIGESTS_FAILED.labels(platform=platform, permanent=permanent)
        for reason in ("no_answer", "stopped", "replica_silent", "history_unreadable"):
            DIGESTS_UNKNOWN.labels(platform=platform, reason=reason)
        for outcome in ("found", "posted", "unknown"):
            DIGESTS_RECONCILED.labels(platform=platform, outcome=outcome)


def render() -> bytes:
    """Every metric in the Prometheus text format."""
    return generate_latest(REGISTRY)
