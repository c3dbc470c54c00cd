"""The digest's records as the rest of the bot sees them, free of any database type."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.delivery import Team
from bot.digest.when import Schedule

Stream = tuple[str, str, str]  # platform, channel, dossier: a channel's digest of a dossier
Key = tuple[str, str, str, dt.date]  # platform, channel, dossier, local date: one digest


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscription:
    """A channel's daily digest of one dossier."""

    platform: str
    channel: str
    dossier: str
    schedule: Schedule
    locale: str
    source: str = "command"  # command | config
    changed_by: str = ""
    effective_from: dt.datetime
    paused_reason: str | None = None
    paused_at: dt.datetime | None = None
    # Where the channel is (Slack's team and Grid org ids, or the Discord server), when the
    # platform has many.
    team: Team | None = None

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None

    @property
    def key(self) -> Stream:
        return (self.platform, self.channel, self.dossier)

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
    dossier: str
    local_date: dt.date
    # claimed | sending (a request may be out) | delivered | skipped | missed | failed | unknown
    status: str
    replica: str
    scheduled_at: dt.datetime
    claimed_at: dt.datetime
    attempts: int
    message_id: str | None
    finished_at: dt.datetime | None
    error: str | None
    sent_at: dt.datetime | None = None  # when its first request was about to go out

    @property
    def key(self) -> Key:
        return (self.platform, self.channel, self.dossier, self.local_date)


@dataclass(frozen=True, slots=True, kw_only=True)
class Claim:
    """A delivery this replica won; only its holder posts."""

    platform: str
    channel: str
    dossier: str
    local_date: dt.date
    replica: str
    attempts: int
    taken_over_from: str | None = None  # the replica presumed dead, on a takeover
    # Taken over from a replica that fell silent with its post on its way, out since then:
    # settled before anything is posted (the channel's history says whether it arrived, or
    # it is sent again, the same, while the platform recognises a repeat).
    in_doubt_since: dt.datetime | None = None

    @property
    def key(self) -> Key:
        return (self.platform, self.channel, self.dossier, self.local_date)


@dataclass(frozen=True, slots=True, kw_only=True)
class Post:
    platform: str
    channel: str
    dossier: str
    local_date: dt.date
    kind: str  # daily | now
    message_id: str
    quote_id: str | None
    posted_at: dt.datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class History:
    """What a channel's next digest of a dossier depends on: its last post's day and its
    rotation through the dossier's quotes."""

    last_post: dt.date | None = None
    round: int = 0
    shown: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class Claims:
    """What one claim of many digests won, with the history of each stream won."""

    won: dict[Key, Claim]
    # Stale claims whose holder fell silent with its request out, on a platform where
    # it cannot be settled: recorded as unknown (the post may have arrived), never posted
    # again; the silent holder, by key. (Elsewhere they are won, `in_doubt_since`.)
    unknown: dict[Key, str]
    history: dict[Stream, History]


@dataclass(frozen=True, slots=True, kw_only=True)
class Done:
    """A digest posted, to record: its claim, Slack's message id, the quote it showed."""

    claim: Claim
    message_id: str
    quote_id: str | None
    rotation_round: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Deliveries:
    """The deliveries since some day, as the sweep needs them: the keys of those that ended
    (posted, skipped, missed, failed, unknown) and, in full, those a replica still holds."""

    ended: frozenset[Key]
    held: dict[Key, Delivery]

    def __contains__(self, key: object) -> bool:
        return key in self.ended or key in self.held
