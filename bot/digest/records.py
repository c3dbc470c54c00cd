"""The digest's records as the rest of the bot sees them, free of any database type."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.delivery import Team
from bot.digest.when import Schedule

Key = tuple[str, str, dt.date]  # platform, channel, local date


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscription:
    platform: str
    channel: str
    schedule: Schedule
    locale: str
    source: str = "command"  # command | config
    changed_by: str = ""
    effective_from: dt.datetime
    paused_reason: str | None = None
    paused_at: dt.datetime | None = None
    # Where the channel is (Slack's team and Grid org ids), when the platform has many.
    team: Team | None = None

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None

    def same_plan(self, other: Subscription) -> bool:
        return (self.schedule, self.locale, self.source, self.team) == (
            other.schedule,
            other.locale,
            other.source,
            other.team,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """A scheduled digest's row: who claimed it and how it ended."""

    platform: str
    channel: str
    local_date: dt.date
    status: str  # claimed | delivered | skipped | missed | failed
    replica: str
    scheduled_at: dt.datetime
    claimed_at: dt.datetime
    attempts: int
    message_id: str | None
    finished_at: dt.datetime | None
    error: str | None

    @property
    def key(self) -> Key:
        return (self.platform, self.channel, self.local_date)


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """A delivery this replica won; only its holder posts."""

    platform: str
    channel: str
    local_date: dt.date
    replica: str
    attempts: int
    taken_over_from: str | None = None  # the replica presumed dead, on a takeover


@dataclass(frozen=True, slots=True, kw_only=True)
class Post:
    platform: str
    channel: str
    local_date: dt.date
    kind: str  # daily | now
    message_id: str
    quote_id: str | None
    posted_at: dt.datetime
