"""Each setting is declared once: the defaults file and the docs' reference cannot drift from it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import (
    DEFAULT_CONFIG,
    PROJECT_ROOT,
    Settings,
    declared,
    env_names,
    inspect_settings,
    load_settings,
)
from bot.config_reference import REFERENCE_BEGIN, REFERENCE_END, defaults_yaml, reference_markdown
from bot.errors import ConfigError

REFERENCE = PROJECT_ROOT / "docs" / "configuration.md"


def test_every_field_of_the_settings_is_declared_with_a_doc_line() -> None:
    """A setting added without its doc (or without `setting(...)`) fails here."""
    names = [name for name in Settings.__struct_fields__ if name != "source"]
    assert list(declared()) == names
    for one in declared().values():
        doc = one.setting.doc
        assert doc.strip() and doc.endswith("."), f"{one.name}: a doc line is one sentence or more"
        assert one.setting.variables(one.name), f"{one.name}: nothing can set it"


def test_every_declared_default_passes_its_own_check() -> None:
    """The loader checks only values that differ from their default (a start with the defaults
    reads no time-zone file): so a default that its own check refuses fails here instead."""
    for one in declared().values():
        if one.setting.check is not None and one.default is not None:
            assert list(one.setting.check(one.name, one.default)) == [], one.name


def test_a_chosen_value_is_still_checked(tmp_path: Path) -> None:
    config = tmp_path / "bot.yaml"
    config.write_text("digest_timezone: Mars/Olympus_Mons\npage_size: 0\n", encoding="utf-8")
    problems = inspect_settings(config, environ={}).problems
    assert any("bot.yaml:1" in p and "Mars/Olympus_Mons" in p for p in problems), problems
    assert any("bot.yaml:2" in p and "page_size" in p for p in problems), problems


def test_the_committed_defaults_file_is_the_declaration() -> None:
    assert DEFAULT_CONFIG.read_text(encoding="utf-8") == defaults_yaml(), (
        "config/default.yaml differs from bot/config.py: "
        "run `dispute-bot config defaults > config/default.yaml`"
    )


def test_the_defaults_file_reads_as_the_declared_defaults_each_from_its_line() -> None:
    report = inspect_settings(environ={})
    assert report.problems == ()
    assert report.settings == Settings(source=str(DEFAULT_CONFIG))
    lines = DEFAULT_CONFIG.read_text(encoding="utf-8").splitlines()
    for one in declared().values():
        if one.setting.in_file and not one.setting.default_text:
            where = report.origins[one.name]
            path, _, line = where.rpartition(":")
            assert path == str(DEFAULT_CONFIG)
            assert lines[int(line) - 1].startswith(f"{one.name}: "), where
            assert lines[int(line) - 2].startswith("# "), f"{one.name} has no doc comment"


def test_the_docs_reference_is_the_declaration() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    assert REFERENCE_BEGIN in text and REFERENCE_END in text
    table = text.split(REFERENCE_BEGIN, 1)[1].split(REFERENCE_END, 1)[0].strip("\n") + "\n"
    assert table == reference_markdown(), (
        "the settings table of docs/configuration.md differs from bot/config.py: replace it "
        "with the output of `dispute-bot config defaults --format markdown`"
    )
    for one in declared().values():
        assert f"| `{one.name}`" in table


def test_the_variables_are_the_prefixed_names_and_the_short_ones_people_know() -> None:
    names = env_names()
    for one in declared().values():
        if one.setting.in_file:
            assert names[f"DISPUTE_BOT_{one.name.upper()}"] == one.name
    short = {k: v for k, v in names.items() if not k.startswith("DISPUTE_BOT_")}
    assert short == {
        "PORT": "port",
        "HEALTH_PORT": "health_port",
        "DISCORD_GUILD_ID": "discord_guild_id",
        "SLACK_API_URL": "slack_api_url",
        "SLACK_CLIENT_ID": "slack_client_id",
        "SLACK_REDIRECT_URI": "slack_redirect_uri",
        "DISCORD_API_URL": "discord_api_url",
        "DISCORD_GATEWAY_URL": "discord_gateway_url",
    }
    settings = load_settings(
        environ={"PORT": "4000", "DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/", "HEALTH_PORT": "0"}
    )
    assert (settings.port, settings.health_port) == (4000, 0)
    assert settings.discord_gateway_url == "ws://127.0.0.1:9/"


def test_a_setting_of_the_environment_only_is_refused_in_a_file_with_its_variable(
    tmp_path: Path,
) -> None:
    config = tmp_path / "bot.yaml"
    config.write_text("locale: fr\nslack_api_url: http://127.0.0.1:9/api/\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, environ={})
    assert f"{config}:2: 'slack_api_url' is set in the environment only: SLACK_API_URL" in str(
        caught.value
    )


def test_a_copy_of_the_printed_defaults_is_a_working_config_anywhere(tmp_path: Path) -> None:
    """`dispute-bot config defaults > mine.yaml` is where an operator starts their own file."""
    printed = subprocess.run(
        [sys.executable, "-m", "bot", "config", "defaults"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("DISPUTE_BOT_")},
    ).stdout
    mine = tmp_path / "elsewhere" / "mine.yaml"
    mine.parent.mkdir()
    mine.write_text(printed.replace("page_size: 5", "page_size: 3"), encoding="utf-8")
    report = inspect_settings(mine, environ={})
    assert report.problems == ()
    assert report.settings.page_size == 3
    assert report.origins["page_size"] == f"{mine}:{printed.splitlines().index('page_size: 5') + 1}"
    assert report.settings.seeds == Settings().seeds  # still the shipped dossier


def test_checking_every_setting_loads_nothing_of_the_digest(tmp_path: Path) -> None:
    """The settings sit below the digest: checking its settings imports none of its modules."""
    config = tmp_path / "bot.yaml"
    config.write_text(
        "digest_time: '25:00'\ndigest_subscriptions:\n  - {platform: slack, channel: C1}\n",
        encoding="utf-8",
    )
    code = (
        "import sys\n"
        "from bot.config import inspect_settings\n"
        f"report = inspect_settings({str(config)!r}, environ={{'DATABASE_URL': 'mysql://x/y'}})\n"
        "assert len(report.problems) == 2, report.problems\n"
        "print(sorted(m for m in sys.modules if m.startswith(('bot.digest', 'handlers'))))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert loaded.stdout.strip() == "[]"
