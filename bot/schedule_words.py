"""Times of day, weekdays and time zones as people write them, read by pure parsers.

Below both the settings (which check the digest's defaults and the subscriptions declared in
a config file) and the digest (which reads `/digest subscribe` with them), so neither imports
the other.
"""

from __future__ import annotations

import datetime as dt
import re

from bot.matching.folding import fold

EVERY_DAY: tuple[int, ...] = (0, 1, 2, 3, 4, 5, 6)
QUIET_DAYS = ("post", "skip", "short")

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
NOT_ZONES = frozenset(("Factory", "localtime", "posixrules"))


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


def day_set(token: str) -> tuple[int, ...] | None:
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
    tokens = join_phrases(text.replace(",", " , ").split())
    days: set[int] = set()
    for token in tokens:
        if token == ",":
            continue
        found = day_set(token)
        if found is None:
            raise ScheduleError("bad_weekdays", value=text)
        days.update(found)
    if not days:
        raise ScheduleError("bad_weekdays", value=text)
    return tuple(sorted(days))


def join_phrases(tokens: list[str]) -> list[str]:
    """The tokens with each several-word day phrase (`every day`) made one word (`daily`)."""
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


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA zone, without listing them all (a cold start reads one file)."""
    if name in NOT_ZONES or not name:
        return False
    import zoneinfo  # here, not at the top: a console answer checks no zone of its own

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
