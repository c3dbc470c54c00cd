"""The digest's settings: shipped defaults, and every mistake named at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError


def test_defaults() -> None:
    settings = load_settings(environ={})
    assert (settings.digest_time, settings.digest_timezone, settings.digest_weekdays) == (
        "08:00",
        "Europe/Paris",
        "daily",
    )
    assert settings.digest_catch_up_hours == 6
    assert settings.digest_quiet_days == "post"
    assert settings.digest_database == "data/dispute-bot.sqlite3"
    assert settings.digest_subscriptions == ()
    assert settings.database_url is None


def test_environment_chooses_the_database() -> None:
    settings = load_settings(
        environ={
            "DATABASE_URL": "postgresql://bot:pw@db/dispute",
            "DISPUTE_BOT_DIGEST_DATABASE": "/var/lib/bot/state.sqlite3",
        }
    )
    assert str(settings.database_url) == "<SECRET>"
    assert settings.digest_database == "/var/lib/bot/state.sqlite3"


def test_config_subscriptions_and_settings_are_read(tmp_path: Path) -> None:
    path = tmp_path / "bot.yaml"
    path.write_text(
        "digest_time: '07:15'\n"
        "digest_timezone: America/New_York\n"
        "digest_weekdays: mon-fri\n"
        "digest_quiet_days: short\n"
        "digest_retry_backoff_seconds: [10, 20]\n"
        "digest_subscriptions:\n"
        "  - {platform: slack, channel: C0123, time: '06:30', timezone: Europe/Paris, locale: fr}\n"
        "  - {platform: discord, channel: '1345046959593095214'}\n",
        encoding="utf-8",
    )
    settings = load_settings(path, environ={})
    assert settings.digest_time == "07:15"
    assert settings.digest_retry_backoff_seconds == (10, 20)
    assert [s["channel"] for s in settings.digest_subscriptions] == ["C0123", "1345046959593095214"]


def test_every_digest_mistake_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bot.yaml"
    path.write_text(
        "digest_time: '25:00'\n"
        "digest_timezone: Mars/Olympus\n"
        "digest_weekdays: someday\n"
        "digest_quiet_days: sometimes\n"
        "digest_catch_up_hours: 0\n"
        "digest_retry_backoff_seconds: []\n"
        "digest_subscriptions:\n"
        "  - {platform: teams, channel: C1}\n"
        "  - {platform: slack, channel: C2, timezone: paris}\n"
        "  - {platform: slack, channel: C2}\n"
        "  - {platform: slack, color: red}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as failure:
        load_settings(path, environ={})
    text = str(failure.value)
    for expected in (
        "bot.yaml:1: digest_time must be HH:MM, not '25:00'",
        "bot.yaml:2: digest_timezone: unknown IANA time zone 'Mars/Olympus'",
        "bot.yaml:3: digest_weekdays: cannot read 'someday'",
        "bot.yaml:4: digest_quiet_days must be post, skip or short",
        "bot.yaml:5: digest_catch_up_hours must be between 0 and 168",
        "bot.yaml:6: digest_retry_backoff_seconds must be a list of positive numbers",
        "digest_subscriptions #1: platform must be slack or discord",
        "digest_subscriptions #3: slack channel C2 is listed twice",
        "digest_subscriptions #4: unknown key(s) color",
        "digest_subscriptions #4: channel (the channel id) is required",
    ):
        assert expected in text, text


def test_config_time_zones_must_be_exact(tmp_path: Path) -> None:
    """Fuzzy names are for people typing; a file names the zone exactly."""
    path = tmp_path / "bot.yaml"
    path.write_text(
        "digest_subscriptions:\n  - {platform: slack, channel: C2, timezone: paris}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="digest_subscriptions #1: unknown zone 'paris'"):
        load_settings(path, environ={})
