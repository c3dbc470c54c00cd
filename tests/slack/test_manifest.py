"""The Slack app manifest and the slash command names, both from the bot's own registry."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml
from msgspec import structs

from bot.cli import main
from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.core import Command
from bot.dossier import Dossier
from bot.errors import ConfigError
from bot.platforms.slack.commands import slash_commands
from bot.platforms.slack.manifest import build_manifest, render_manifest
from tests.slack.conftest import make_core

COMMITTED = PROJECT_ROOT / "config" / "slack-manifest.yml"


@pytest.fixture(scope="module")
def settings() -> Settings:
    return load_settings(environ={})


@pytest.fixture(scope="module")
def registry(settings: Settings, dossier: Dossier) -> dict[str, Command]:
    """The commands the bot serves: the core's registry, admin commands included."""
    return make_core(settings, dossier).commands


def public_names(registry: dict[str, Command]) -> list[str]:
    """The commands with a slash command of their own: not the admin ones, nor /list (too
    common a name: `/dispute list` reaches it)."""
    return [
        name
        for name, command in registry.items()
        if not command.admin and not command.umbrella_only
    ]


def with_names(settings: Settings, **names: str) -> Settings:
    return structs.replace(settings, slack_commands=names)


def test_committed_manifest_is_what_the_generator_prints(
    settings: Settings, registry: dict[str, Command], capsys: pytest.CaptureFixture[str]
) -> None:
    """Edit the registry and forget to regenerate, and this fails: run `dispute-bot slack manifest
    --output config/slack-manifest.yml`."""
    assert main(["slack", "manifest"]) == 0
    printed = capsys.readouterr().out
    assert printed == render_manifest(build_manifest(registry, settings))
    assert COMMITTED.read_text(encoding="utf-8") == printed


def test_manifest_declares_every_command_and_no_more_scopes_than_used(
    settings: Settings, registry: dict[str, Command]
) -> None:
    manifest = yaml.safe_load(render_manifest(build_manifest(registry, settings)))
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == [f"/{name}" for name in public_names(registry)] + ["/dispute"]
    assert commands[:4] == ["/timeline", "/quote", "/positions", "/digest"]
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "app_mentions:read",
        "channels:history",  # digest reconciliation: did a dead replica's post arrive?
        "channels:read",  # the Home tab: which channels the user is in (users.conversations)
        "chat:write",
        "commands",
        "files:read",
        "files:write",
        "groups:history",  # the same in a private channel
        "groups:read",
        "im:history",
        "users:read",
    ]
    assert manifest["settings"]["event_subscriptions"] == {
        "bot_events": ["app_home_opened", "app_mention", "message.im"]
    }
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"] == {"is_enabled": True}
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # DMs
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert "redirect_urls" not in manifest["oauth_config"]  # one workspace, one token
    quote = manifest["features"]["slash_commands"][1]
    assert quote["usage_hint"] == "[speaker] [keywords] [page N]"
    assert quote["should_escape"] is False
    assert "url" not in quote


def test_http_mode_manifest_points_everything_at_the_request_url(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://bot.newsroom.example/slack/events"
    assert main(["slack", "manifest", "--request-url", url]) == 0
    manifest = yaml.safe_load(capsys.readouterr().out)
    assert {c["url"] for c in manifest["features"]["slash_commands"]} == {url}
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert manifest["settings"]["socket_mode_enabled"] is False


def test_oauth_manifest_has_the_redirect_url_and_hears_uninstalls(
    capsys: pytest.CaptureFixture[str],
) -> None:
    events_url = "https://bot.newsroom.example/slack/events"
    assert main(["slack", "manifest", "--request-url", events_url, "--oauth"]) == 0
    manifest = yaml.safe_load(capsys.readouterr().out)
    redirect = "https://bot.newsroom.example/slack/oauth_redirect"
    assert manifest["oauth_config"]["redirect_urls"] == [redirect]
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "app_mention",
        "message.im",
        "app_uninstalled",
        "tokens_revoked",
    ]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert manifest["settings"]["token_rotation_enabled"] is False  # opt in: Slack cannot undo

    given = "https://install.newsroom.example/slack/oauth_redirect"
    assert main(["slack", "manifest", "--redirect-url", given, "--token-rotation"]) == 0
    manifest = yaml.safe_load(capsys.readouterr().out)
    assert manifest["oauth_config"]["redirect_urls"] == [given]
    assert manifest["settings"]["socket_mode_enabled"] is True  # events over Socket Mode
    assert manifest["settings"]["token_rotation_enabled"] is True

    assert main(["slack", "manifest", "--oauth"]) == 2  # no URL to redirect to
    assert "--oauth needs --redirect-url" in capsys.readouterr().err


def test_admin_commands_are_reached_through_the_umbrella_only(
    settings: Settings, registry: dict[str, Command]
) -> None:
    admin = [name for name, command in registry.items() if command.admin]
    assert admin, "the core registers admin commands (reload)"
    slashes = slash_commands(registry, settings)
    assert not {f"/{name}" for name in admin} & {s.slash for s in slashes}
    umbrella = slashes[-1]
    assert umbrella.slash == "/dispute" and umbrella.command is None


def test_renamed_and_disabled_commands_show_in_the_manifest(
    settings: Settings, registry: dict[str, Command]
) -> None:
    renamed = with_names(settings, quote="/afp-quote", help="", dispute="AFP")
    manifest = build_manifest(registry, renamed)
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert commands == ["/timeline", "/afp-quote", "/positions", "/digest", "/sources", "/afp"]
    umbrella = manifest["features"]["slash_commands"][-1]
    assert umbrella["description"].startswith("Every dispute-bot command: /afp quote trump")


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        ({"quote": "/Quote marks"}, "not a valid Slack command name"),
        ({"quote": "/" + "q" * 33}, "not a valid Slack command name"),
        ({"quote": "/status"}, "built-in"),
        ({"quote": "/timeline"}, "used for both 'timeline' and 'quote'"),
        ({"quotes": "/q"}, "unknown command(s) 'quotes'"),
    ],
)
def test_bad_names_stop_start_up_with_a_clear_message(
    settings: Settings, registry: dict[str, Command], names: dict[str, str], problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        slash_commands(registry, with_names(settings, **names))
    assert problem in str(caught.value)


def test_slack_modules_load_without_slack_bolt() -> None:
    """The console's cold start and the digest's poster must not pay for slack_bolt."""
    code = (
        "import sys, bot.cli, bot.platforms.slack, bot.platforms.slack.render, "
        "bot.platforms.slack.poster, bot.platforms.slack.manifest; "
        "print('slack_bolt' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT
    )
    assert result.stdout.strip() == "False"
