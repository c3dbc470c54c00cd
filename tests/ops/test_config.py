"""Configuration as an operator meets it: precedence, secrets, and the problems it reports."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.config import DEFAULT_CONFIG, PROJECT_ROOT, Secret, inspect_settings, load_settings
from bot.errors import ConfigError

TOKEN = "xoxb-1234-5678-abcdefSECRET"


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_file_overrides_defaults_and_the_environment_overrides_the_file(
    tmp_path: Path,
) -> None:
    config = write(
        tmp_path / "bot.yaml",
        """\
        page_size: 3
        locale: fr
        slack_admins: [U1]
        """,
    )
    settings = load_settings(
        config,
        environ={
            "DISPUTE_BOT_PAGE_SIZE": "7",
            "DISPUTE_BOT_SLACK_ADMINS": "U2, U3",
            "DISPUTE_BOT_FOLLOW_USER_LOCALE": "false",
            "HEALTH_PORT": "9100",
        },
    )
    assert settings.page_size == 7  # environment beats the file
    assert settings.locale == "fr"  # the file beats the defaults
    assert settings.reply_visibility == "ephemeral"  # the default stays
    assert settings.slack_admins == ("U2", "U3")
    assert settings.follow_user_locale is False
    assert settings.health_port == 9100


def test_dispute_bot_config_names_the_file_and_seeds_are_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "dossier").mkdir()
    write(tmp_path / "bot.yaml", "seeds: dossier\nlog_format: json\n")
    settings = load_settings(environ={"DISPUTE_BOT_CONFIG": str(tmp_path / "bot.yaml")})
    assert settings.seeds == tmp_path / "dossier"
    assert settings.log_format == "json"
    assert settings.source == str(tmp_path / "bot.yaml")


def test_the_defaults_file_sets_every_setting_it_documents() -> None:
    report = inspect_settings(environ={})
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    for key in ("health_port", "watch_seeds", "shutdown_grace", "log_format", "port"):
        assert f"\n{key}:" in text
        assert report.origins[key].startswith(f"{DEFAULT_CONFIG}:")


def test_secrets_come_from_the_environment_and_never_print() -> None:
    settings = load_settings(environ={"SLACK_BOT_TOKEN": TOKEN, "SLACK_APP_TOKEN": "xapp-1-A"})
    assert isinstance(settings.slack_bot_token, Secret)
    assert settings.slack_bot_token.reveal() == TOKEN
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.describe())
    assert settings.describe()["slack_bot_token"] == "<SECRET>"
    assert settings.describe()["discord_token"] == "(not set)"


def test_secrets_are_read_from_file_paths_like_docker_secrets(tmp_path: Path) -> None:
    token_file = write(tmp_path / "discord_token", "  discord-secret-token\n")
    url_file = write(tmp_path / "db", "postgresql://bot:pw@db/bot\n")
    report = inspect_settings(
        environ={"DISCORD_TOKEN_FILE": str(token_file), "DATABASE_URL_FILE": str(url_file)}
    )
    assert report.problems == ()
    assert report.settings.discord_token == Secret("discord-secret-token")
    assert report.settings.database_url == Secret("postgresql://bot:pw@db/bot")
    assert report.origins["discord_token"] == "DISCORD_TOKEN_FILE"


def test_unreadable_empty_or_doubled_secrets_are_problems(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty", "\n")
    report = inspect_settings(
        environ={
            "DISCORD_TOKEN_FILE": str(tmp_path / "missing"),
            "SLACK_SIGNING_SECRET_FILE": str(empty),
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_BOT_TOKEN_FILE": str(empty),
        }
    )
    problems = "\n".join(report.problems)
    assert f"DISCORD_TOKEN_FILE: cannot read {tmp_path / 'missing'}" in problems
    assert f"SLACK_SIGNING_SECRET_FILE: {empty} is empty" in problems
    assert "SLACK_BOT_TOKEN and SLACK_BOT_TOKEN_FILE are both set" in problems
    assert TOKEN not in problems


def test_a_secret_in_the_file_is_refused_with_its_line_and_never_echoed(tmp_path: Path) -> None:
    config = write(tmp_path / "bot.yaml", f"locale: fr\n\ndiscord_token: {TOKEN}\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    message = str(caught.value)
    assert f"{config}:3: 'discord_token' is a secret: set DISCORD_TOKEN" in message
    assert TOKEN not in message


def test_every_problem_is_reported_at_once_with_file_and_line(tmp_path: Path) -> None:
    config = write(
        tmp_path / "bot.yaml",
        """\
        # a comment
        locale: de
        page_size: "five"
        pagesize: 4
        log_format: xml
        health_port: 70000
        """,
    )
    report = inspect_settings(config, environ={"DISPUTE_BOT_SHUTDOWN_GRACE": "soon"})
    assert f"{config}:2: locale must be one of en, fr" in report.problems
    assert f"{config}:3: 'page_size' must be a whole number, not str" in report.problems
    assert f"{config}:4: unknown setting 'pagesize'" in report.problems
    assert f"{config}:5: log_format must be plain or json" in report.problems
    assert f"{config}:6: health_port must be between 0 and 65535" in report.problems
    assert (
        "DISPUTE_BOT_SHUTDOWN_GRACE: 'shutdown_grace' must be a number, not 'soon'"
        in report.problems
    )
    assert report.settings.page_size == 5  # a bad value keeps its default for display
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={"DISPUTE_BOT_SHUTDOWN_GRACE": "soon"})
    assert str(caught.value).splitlines() == list(report.problems)


def test_a_value_set_in_the_environment_is_blamed_on_the_variable(tmp_path: Path) -> None:
    report = inspect_settings(environ={"DISPUTE_BOT_LOCALE": "de", "PORT": "http"})
    assert "DISPUTE_BOT_LOCALE: locale must be one of en, fr" in report.problems
    assert "PORT: 'port' must be a whole number, not 'http'" in report.problems


def test_invalid_yaml_names_its_line(tmp_path: Path) -> None:
    config = write(tmp_path / "bot.yaml", "locale: fr\npage_size: [3\nport: 1\n")
    report = inspect_settings(config, environ={})
    assert len(report.problems) == 1
    assert report.problems[0].startswith(f"{config}:3: invalid YAML")


def test_health_server_port_must_differ_from_slacks_http_port() -> None:
    report = inspect_settings(
        environ={"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": "s3cr3t", "PORT": "8080"}
    )
    assert any("health_port and port are both 8080" in p for p in report.problems)
    off = load_settings(environ={"HEALTH_PORT": "none"})
    assert off.health_port is None


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, **env},
        cwd=PROJECT_ROOT,
    )


def test_config_check_prints_the_effective_settings_masked_with_their_origin(
    tmp_path: Path,
) -> None:
    token_file = write(tmp_path / "token", TOKEN)
    config = write(tmp_path / "bot.yaml", "locale: fr\n")
    result = run_cli(
        "--config",
        str(config),
        "config",
        "check",
        env={"SLACK_BOT_TOKEN_FILE": str(token_file), "DISPUTE_BOT_PAGE_SIZE": "4"},
    )
    assert result.returncode == 0, result.stderr
    assert TOKEN not in result.stdout + result.stderr
    assert "slack_bot_token: <SECRET>  # SLACK_BOT_TOKEN_FILE" in result.stdout
    assert f"locale: fr  # {config}:1" in result.stdout
    assert "page_size: 4  # DISPUTE_BOT_PAGE_SIZE" in result.stdout
    assert "health_port: 8080  # " in result.stdout


def test_config_check_lists_every_problem_and_start_up_refuses_the_same(tmp_path: Path) -> None:
    config = write(tmp_path / "bot.yaml", f"locale: de\nslack_bot_token: {TOKEN}\n")
    check = run_cli("--config", str(config), "config", "check", env={})
    assert check.returncode == 1
    assert f"{config}:1: locale must be one of en, fr" in check.stderr
    assert f"{config}:2: 'slack_bot_token' is a secret" in check.stderr
    assert "2 problem(s) in the configuration" in check.stderr
    assert f"locale: de  # {config}:1" in check.stdout  # shown as read, blamed above
    assert "slack_bot_token: (not set)" in check.stdout  # refused from the file
    assert TOKEN not in check.stdout + check.stderr

    start = run_cli("--config", str(config), "serve", env={"HEALTH_PORT": "0"})
    assert start.returncode == 2
    assert start.stderr.startswith("dispute-bot: bad configuration:\n")
    assert f"{config}:1: locale must be one of en, fr" in start.stderr
    assert "Traceback" not in start.stderr
    assert TOKEN not in start.stdout + start.stderr


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql://bot:hunter2pw@db:notaport/bot", "the port is not a number"),
        ("postgresql://bot:hunter2pw@db:99999/bot", "the port is not a number"),
        ("mysql://bot:hunter2pw@db/bot", "it must start with postgresql://"),
        ("postgresql://bot:hunter2pw@db:5432/", "it names no database"),
    ],
)
def test_a_malformed_database_url_is_named_by_config_check_and_stops_serve_at_once(
    url: str, problem: str
) -> None:
    check = run_cli("config", "check", env={"DATABASE_URL": url})
    assert check.returncode == 1
    assert f"DATABASE_URL: not a usable PostgreSQL URL: {problem}" in check.stderr
    assert "database_url: <SECRET>  # DATABASE_URL" in check.stdout
    assert "hunter2pw" not in check.stdout + check.stderr

    # Slack is configured (towards a port where nothing listens): nothing may start.
    slack = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": "s3cr3t",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "PORT": "0",
        "HEALTH_PORT": "0",
    }
    start = run_cli("serve", env={**slack, "DATABASE_URL": url})
    assert start.returncode == 2, start.stderr
    assert start.stderr.startswith("dispute-bot: bad configuration:\n")
    assert f"DATABASE_URL: not a usable PostgreSQL URL: {problem}" in start.stderr
    assert "starting slack" not in start.stderr and "slack:" not in start.stderr
    assert "Traceback" not in start.stderr
    assert "hunter2pw" not in start.stdout + start.stderr
