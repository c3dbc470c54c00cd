"""When a channel's digest is due: the times, zones and weekdays people type, and the instants.

Pure and light (no database, no scheduler), so the config check and the /digest handler can
use it; the scheduler's cron triggers and the catch-up both follow `Schedule`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.matching.folding import fold
from bot.matching.names import NameIndex

if TYPE_CHECKING:
    from bot.config import Settings

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_DAY: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
QUIET_DAYS = ("post", "skip", "short")
PLATFORMS = ("slack", "discord")

_DAY_WORDS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("mon", "monday", "lun", "lundi"),
        ("tue", "tues", "tuesday", "mar", "mardi"),
        ("wed", "wednesday", "mer", "mercredi"),
        ("thu", "thur", "thurs", "thursday", "jeu", "jeudi"),
        ("fri", "friday", "ven", "vendredi"),
        ("sat", "saturday", "sam", "samedi"),
        ("sun", "sunday", "dim", "dimanche"),
    )
):
    for _name in _names:
        _DAY_WORDS[_name] = _number
_DAY_SETS: dict[str, tuple[int, ...]] = {
    "daily": EVERY_DAY,
    "everyday": EVERY_DAY,
    "all": EVERY_DAY,
    "quotidien": EVERY_DAY,
    "weekdays": (0, 1, 2, 3, 4),
    "workdays": (0, 1, 2, 3, 4),
    "semaine": (0, 1, 2, 3, 4),
    "ouvres": (0, 1, 2, 3, 4),
    "weekends": (5, 6),
    "weekend": (5, 6),
}
_PHRASES = {("every", "day"): "daily", ("tous", "les", "jours"): "daily"}
_TIME = re.compile(r"^(\d{1,2})(?:[:h](\d{2})?)?\s*(am|pm)?$")
_LOOKS_LIKE_TIME = re.compile(r"^\d{1,2}([:h]\d*)?\s*(am|pm)?$|^\d+:\d*$")
_NOT_ZONES = frozenset(("Factory", "localtime", "posixrules"))


class ScheduleError(ValueError):
    """A time, zone or weekday list that cannot be used; the message names what was typed."""

    def __init__(self, key: str, **values: str) -> None:
        self.key = key  # the sentence digest.<key> of the catalogue (bot.i18n)
        self.values = values
        super().__init__(f"{key}: {values}")


def looks_like_time(token: str) -> bool:
    return bool(_LOOKS_LIKE_TIME.match(token.strip().lower()))


def parse_time(text: str) -> dt.time:
    """`08:00`, `8:30`, `7h`, `18h30`, `8am`, `6:15pm`; raises ScheduleError otherwise."""
    match = _TIME.match(text.strip().lower())
    if not match:
        raise ScheduleError("bad_time", value=text)
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            raise ScheduleError("bad_time", value=text)
        hour = hour % 12 + (12 if match[3] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ScheduleError("bad_time", value=text)
    return dt.time(hour, minute)


def _day_set(token: str) -> tuple[int, ...] | None:
    """The weekdays one token names (`mon-fri`, `lun,mer`, `weekends`), or None if it names none."""
    days: set[int] = set()
    for part in token.lower().split(","):
        if not part:
            continue
        ends = [fold(p).replace(" ", "") for p in part.split("-")]
        if len(ends) == 1 and ends[0] in _DAY_SETS:
            days.update(_DAY_SETS[ends[0]])
        elif len(ends) == 1 and ends[0] in _DAY_WORDS:
            days.add(_DAY_WORDS[ends[0]])
        elif len(ends) == 2 and all(e in _DAY_WORDS for e in ends):
            first, last = _DAY_WORDS[ends[0]], _DAY_WORDS[ends[1]]
            span = (last - first) % 7
            days.update((first + i) % 7 for i in range(span + 1))
        else:
            return None
    return tuple(sorted(days)) if days else None


def parse_weekdays(text: str) -> tuple[int, ...]:
    """Weekday numbers (Monday is 0) from `daily`, `mon-fri`, `sat,sun`, `lundi mercredi`."""
    tokens = _join_phrases(text.replace(",", " , ").split())
    days: set[int] = set()
    for token in tokens:
        if token == ",":
            continue
        found = _day_set(token)
        if found is None:
            raise ScheduleError("bad_weekdays", value=text)
        days.update(found)
    if not days:
        raise ScheduleError("bad_weekdays", value=text)
    return tuple(sorted(days))


def _join_phrases(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for phrase, word in _PHRASES.items():
            if tuple(fold(t) for t in tokens[i : i + len(phrase)]) == phrase:
                out.append(word)
                i += len(phrase)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def weekdays_code(days: Iterable[int]) -> str:
    """The stored and cron form: `mon,tue,wed`."""
    return ",".join(WEEKDAYS[d] for d in sorted(set(days)))


def weekdays_from_code(code: str) -> tuple[int, ...]:
    return tuple(sorted(WEEKDAYS.index(d) for d in code.split(",") if d))


@functools.cache
def _zones() -> tuple[tuple[str, ...], NameIndex]:
    names = sorted(z for z in zoneinfo.available_timezones() if z not in _NOT_ZONES)
    labels: list[tuple[str, str]] = []
    for zone in names:
        labels.append((zone, zone))
        city = zone.rsplit("/", 1)[-1]
        if city != zone:
            labels.append((city.replace("_", " "), zone))
    return tuple(names), NameIndex(labels, score_cutoff=80)


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA zone, without listing them all (a cold start reads one file)."""
    if name in _NOT_ZONES or not name:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


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


def check_digest_settings(settings: Settings) -> list[str]:
    """Every problem in the digest settings, for the config check at start-up."""
    problems: list[str] = []
    default: Schedule | None = None
    try:
        parse_time(settings.digest_time)
    except ScheduleError:
        problems.append(f"digest_time must be HH:MM, not {settings.digest_time!r}")
    if not is_time_zone(settings.digest_timezone):
        problems.append(f"digest_timezone: unknown IANA time zone {settings.digest_timezone!r}")
    try:
        parse_weekdays(settings.digest_weekdays)
    except ScheduleError:
        problems.append(f"digest_weekdays: cannot read {settings.digest_weekdays!r}")
    if not problems:
        default = default_schedule(settings)
    if settings.digest_quiet_days not in QUIET_DAYS:
        problems.append("digest_quiet_days must be post, skip or short")
    if not 0 < settings.digest_catch_up_hours <= 24 * 7:
        problems.append("digest_catch_up_hours must be between 0 and 168")
    if settings.digest_sync_seconds <= 0:
        problems.append("digest_sync_seconds must be positive")
    backoff = settings.digest_retry_backoff_seconds
    if not backoff or not all(
        isinstance(s, int | float) and not isinstance(s, bool) and s > 0 for s in backoff
    ):
        problems.append("digest_retry_backoff_seconds must be a list of positive numbers")
    if settings.digest_claim_timeout_seconds <= 0:
        problems.append("digest_claim_timeout_seconds must be positive")
    problems.extend(_check_config_subscriptions(settings.digest_subscriptions, default))
    return problems


def _check_config_subscriptions(entries: Iterable[Any], default: Schedule | None) -> list[str]:
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    keys = {"platform", "channel", "time", "timezone", "weekdays", "locale"}
    for number, entry in enumerate(entries, 1):
        where = f"digest_subscriptions #{number}"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping with platform and channel")
            continue
        if unknown := sorted(set(map(str, entry)) - keys):
            problems.append(f"{where}: unknown key(s) {', '.join(unknown)}")
        if entry.get("platform") not in PLATFORMS:
            problems.append(f"{where}: platform must be slack or discord")
        if not str(entry.get("channel") or "").strip():
            problems.append(f"{where}: channel (the channel id) is required")
        if entry.get("locale", "en") not in ("en", "fr"):
            problems.append(f"{where}: locale must be en or fr")
        key = (str(entry.get("platform")), str(entry.get("channel")))
        if key in seen:
            problems.append(f"{where}: {key[0]} channel {key[1]} is listed twice")
        seen.add(key)
        if default is not None:
            try:
                config_entry_schedule(entry, default)
            except ScheduleError as exc:
                problems.append(f"{where}: {exc.key.replace('_', ' ')} {exc.values['value']!r}")
    return problems


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
    tokens = _join_phrases(words)
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
        elif (found := _day_set(token)) is not None:
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
