"""When a channel's digest is due: a schedule read from what people type, and its instants.

Pure and light (no database, no scheduler), for the /digest handler and the service; the
scheduler's cron triggers and the catch-up both follow `Schedule`. The words themselves
(times, weekdays, zone names) are read by `bot.schedule_words`, which the settings share.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.delivery import Team
from bot.matching.folding import fold
from bot.matching.names import NameIndex
from bot.schedule_words import (
    EVERY_DAY,
    NOT_ZONES,
    ScheduleError,
    day_set,
    is_time_zone,
    join_phrases,
    looks_like_time,
    parse_time,
    parse_weekdays,
)

if TYPE_CHECKING:
    from bot.config import Settings

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def weekdays_code(days: Iterable[int]) -> str:
    """The stored and cron form: `mon,tue,wed`."""
    return ",".join(WEEKDAYS[d] for d in sorted(set(days)))


def weekdays_from_code(code: str) -> tuple[int, ...]:
    return tuple(sorted(WEEKDAYS.index(d) for d in code.split(",") if d))


@functools.cache
def _zones() -> tuple[tuple[str, ...], NameIndex]:
    names = sorted(z for z in zoneinfo.available_timezones() if z not in NOT_ZONES)
    labels: list[tuple[str, str]] = []
    for zone in names:
        labels.append((zone, zone))
        city = zone.rsplit("/", 1)[-1]
        if city != zone:
            labels.append((city.replace("_", " "), zone))
    return tuple(names), NameIndex(labels, score_cutoff=80)


def resolve_time_zone(text: str) -> str | None:
    """The IANA zone a typed name means (`paris`, `new york`, `Europe/Paris`), or None."""
    names, index = _zones()
    typed = text.strip()
    exact = {n.lower(): n for n in names}
    if typed.lower() in exact:
        return exact[typed.lower()]
    match = index.resolve(typed)
    return match.target if match else None


def suggest_time_zones(text: str, *, limit: int = 3) -> list[str]:
    return [m.target for m in _zones()[1].suggest(text, limit=limit, score_cutoff=70)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Occurrence:
    """One due digest: the channel's local date and the instant it falls on."""

    local_date: dt.date
    at: dt.datetime  # aware, UTC


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """A time of day on some weekdays in an IANA zone."""

    time: dt.time
    zone: str
    weekdays: tuple[int, ...] = EVERY_DAY

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.zone)

    @property
    def time_text(self) -> str:
        return self.time.strftime("%H:%M")

    @property
    def weekdays_code(self) -> str:
        return weekdays_code(self.weekdays)

    def on(self, day: dt.date) -> Occurrence:
        """The instant of `day`'s digest. A time skipped by a DST change falls an hour later
        (02:30 on the spring-forward night is 03:30); a repeated one is its first occurrence,
        as APScheduler's cron trigger fires first."""
        local = dt.datetime.combine(day, self.time, tzinfo=self.tz)
        return Occurrence(local_date=day, at=local.astimezone(dt.UTC))

    def between(self, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
        """Occurrences with start <= at <= end, oldest first."""
        tz = self.tz
        first = start.astimezone(tz).date() - dt.timedelta(days=1)
        last = end.astimezone(tz).date() + dt.timedelta(days=1)
        found = []
        day = first
        while day <= last:
            if day.weekday() in self.weekdays:
                occurrence = self.on(day)
                if start <= occurrence.at <= end:
                    found.append(occurrence)
            day += dt.timedelta(days=1)
        return found

    def next_after(self, now: dt.datetime) -> Occurrence:
        day = now.astimezone(self.tz).date()
        while True:
            if day.weekday() in self.weekdays and (occurrence := self.on(day)).at > now:
                return occurrence
            day += dt.timedelta(days=1)


def default_schedule(settings: Settings) -> Schedule:
    return Schedule(
        time=parse_time(settings.digest_time),
        zone=settings.digest_timezone,
        weekdays=parse_weekdays(settings.digest_weekdays),
    )


def config_entry_schedule(entry: Mapping[str, Any], default: Schedule) -> Schedule:
    """The schedule of a `digest_subscriptions` entry; zones must be exact IANA names there."""
    zone = str(entry.get("timezone", default.zone))
    if not is_time_zone(zone):
        raise ScheduleError("unknown_zone", value=zone)
    return Schedule(
        time=parse_time(str(entry["time"])) if "time" in entry else default.time,
        zone=zone,
        weekdays=parse_weekdays(str(entry["weekdays"]))
        if "weekdays" in entry
        else default.weekdays,
    )


def config_entry_team(entry: Mapping[str, Any]) -> Team | None:
    """The Slack workspace of a `digest_subscriptions` entry (`team`, `enterprise`), needed
    when the app is installed in many workspaces."""
    team, enterprise = entry.get("team"), entry.get("enterprise")
    if not team and not enterprise:
        return None
    return Team(
        team_id=str(team) if team else None, enterprise_id=str(enterprise) if enterprise else None
    )


# The channel's language, as a word among the others (compared folded: "français" too).
_LOCALE_WORDS = {
    "en": "en",
    "english": "en",
    "anglais": "en",
    "fr": "fr",
    "french": "fr",
    "francais": "fr",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SubscribeRequest:
    """What `/digest subscribe ...` asked for; what was left out takes the defaults."""

    schedule: Schedule
    locale: str | None  # None: the caller's locale (or the subscription's, when updating)


def read_subscribe_words(words: list[str], *, default: Schedule) -> SubscribeRequest:
    """Reads `[HH:MM] [time zone] [weekdays] [en|fr]` in any order.

    Raises ScheduleError naming the first thing that cannot be read.
    """
    tokens = join_phrases(words)
    time: dt.time | None = None
    days: set[int] = set()
    locale: str | None = None
    rest: list[str] = []
    for index, token in enumerate(tokens):
        low = token.lower()
        if low in ("am", "pm") and index and looks_like_time(tokens[index - 1]):
            if time is not None and time.hour < 12:
                time = parse_time(f"{tokens[index - 1]}{low}")
            continue
        if looks_like_time(low):
            if time is not None:
                raise ScheduleError("two_times", value=token)
            time = parse_time(low)
        elif fold(low) in _LOCALE_WORDS:
            locale = _LOCALE_WORDS[fold(low)]
        elif (found := day_set(token)) is not None:
            days.update(found)
        else:
            rest.append(token)
    zone = default.zone
    if rest:
        text = " ".join(rest)
        resolved = resolve_time_zone(text)
        if resolved is None:
            for token in rest:
                if ("," in token or "-" in token) and "/" not in token:
                    raise ScheduleError("bad_weekdays", value=token)
            raise ScheduleError("unknown_zone", value=text)
        zone = resolved
    return SubscribeRequest(
        schedule=Schedule(
            time=time if time is not None else default.time,
            zone=zone,
            weekdays=tuple(sorted(days)) if days else default.weekdays,
        ),
        locale=locale,
    )
