"""Checks of settings' values: each says, in a short sentence, what is wrong with a value.

The settings' declaration (`bot.config`) names one check per setting; the digest's rules for
times, weekdays and zones come from `bot.schedule_words`, which the digest shares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bot.dossier_names import DOSSIER_NAME
from bot.platform_names import PLATFORMS
from bot.schedule_words import (
    QUIET_DAYS,
    ScheduleError,
    is_time_zone,
    parse_time,
    parse_weekdays,
)

LOCALES = ("en", "fr")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# A check reads a set value (never None) and says what is wrong with it, if anything.
Check = Callable[[str, Any], Iterable[str]]


def among(choices: tuple[str, ...], *, listed: bool = False) -> Check:
    def check(name: str, value: Any) -> list[str]:
        if value in choices:
            return []
        if listed:
            return [f"{name} must be one of {', '.join(choices)}"]
        return [f"{name} must be {', '.join(choices[:-1])} or {choices[-1]}"]

    return check


def between(low: float, high: float) -> Check:
    def check(name: str, value: Any) -> list[str]:
        return [] if low <= value <= high else [f"{name} must be between {low} and {high}"]

    return check


def more_than(low: float) -> Check:
    def check(name: str, value: Any) -> list[str]:
        return [] if value > low else [f"{name} must be more than {low}"]

    return check


def not_negative(name: str, value: Any) -> list[str]:
    return [] if value >= 0 else [f"{name} must not be negative"]


def web_url(name: str, value: Any) -> list[str]:
    """An absolute http(s) URL, such as Slack's Redirect URL."""
    from urllib.parse import urlsplit  # only when one is set

    parts = urlsplit(str(value))
    if parts.scheme in ("https", "http") and parts.netloc:
        return []
    return [f"{name} must be an absolute https:// URL, not {str(value)[:80]!r}"]


def log_level(name: str, value: Any) -> Iterable[str]:
    """Any case: `debug` is DEBUG."""
    return among(LOG_LEVELS, listed=True)(name, str(value).upper())


def dossier_name(name: str, value: Any) -> list[str]:
    """A dossier's short name (empty: none chosen)."""
    if value == "" or DOSSIER_NAME.match(str(value)):
        return []
    return [f"{name}: {value!r} is not a dossier name (lowercase letters, digits and hyphens)"]


def alert_targets(name: str, value: Any) -> list[str]:
    problems = []
    for entry in value:
        platform, _, channel = entry.partition(":")
        if platform not in PLATFORMS or not channel:
            problems.append(
                f"{name} entries are slack:CHANNEL or discord:CHANNEL_ID, not {entry!r}"
            )
    return problems


def database_url(name: str, value: Any) -> list[str]:
    from bot.database_url import parse_database_url  # stdlib only, read when one is set

    try:
        parse_database_url(value.reveal())
    except ValueError as exc:
        return [f"not a usable PostgreSQL URL: {exc}"]
    return []


def _readable(parse: Callable[[str], object], problem: str) -> Check:
    """A check that `parse` reads the value; `problem` names what is wrong when it cannot."""

    def check(name: str, value: Any) -> list[str]:
        try:
            parse(value)
        except ScheduleError:
            return [problem.format(name=name, value=value)]
        return []

    return check


def time_zone(name: str, value: Any) -> list[str]:
    return [] if is_time_zone(value) else [f"{name}: unknown IANA time zone {value!r}"]


time_of_day = _readable(parse_time, "{name} must be HH:MM, not {value!r}")
weekdays = _readable(parse_weekdays, "{name}: cannot read {value!r}")


def catch_up(name: str, value: Any) -> list[str]:
    return [] if 0 < value <= 24 * 7 else [f"{name} must be between 0 and 168"]


def waits(name: str, value: Any) -> list[str]:
    if value and all(
        isinstance(s, int | float) and not isinstance(s, bool) and s > 0 for s in value
    ):
        return []
    return [f"{name} must be a list of positive numbers"]


port = between(0, 65535)
quiet_days = among(QUIET_DAYS)


def subscriptions(name: str, value: Any) -> list[str]:
    """The channels `digest_subscriptions` declares: known keys, one entry each, schedules."""
    problems: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    keys = {"platform", "channel", "dossier", "time", "timezone", "weekdays", "locale"}
    keys |= {"team", "enterprise"}
    for number, entry in enumerate(value, 1):
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
        if entry.get("locale", "en") not in LOCALES:
            problems.append(f"{where}: locale must be en or fr")
        problems += dossier_name(f"{where}: dossier", str(entry.get("dossier", "")))
        key = (str(entry.get("platform")), str(entry.get("channel")), str(entry.get("dossier", "")))
        if key in seen:
            also = f" for the dossier {key[2]}" if key[2] else ""
            problems.append(f"{where}: {key[0]} channel {key[1]} is listed twice{also}")
        seen.add(key)
        try:
            _entry_schedule(entry)
        except ScheduleError as exc:
            problems.append(f"{where}: {exc.key.replace('_', ' ')} {exc.values['value']!r}")
    return problems


def _entry_schedule(entry: Mapping[str, Any]) -> None:
    """Raises ScheduleError for the first part of an entry's schedule that cannot be read.

    A part the entry leaves out takes the digest's default, checked on its own; zones must be
    exact IANA names in a file (fuzzy names are for people typing).
    """
    if "timezone" in entry and not is_time_zone(zone := str(entry["timezone"])):
        raise ScheduleError("unknown_zone", value=zone)
    if "time" in entry:
        parse_time(str(entry["time"]))
    if "weekdays" in entry:
        parse_weekdays(str(entry["weekdays"]))
