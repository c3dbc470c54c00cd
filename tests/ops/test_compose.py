"""docker-compose.yml gives the bot an environment it understands, as `config check` reads it."""

from __future__ import annotations

import re

import yaml

from bot.config import PROJECT_ROOT, SECRET_NAMES, env_names, inspect_settings

COMPOSE = PROJECT_ROOT / "docker-compose.yml"


def compose_environment() -> dict[str, str]:
    services = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]
    assert set(services) == {"bot", "db"}
    return {str(k): str(v) for k, v in services["bot"]["environment"].items()}


def interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME:-default} and ${NAME:?error}, from `env`."""

    def one(match: re.Match[str]) -> str:
        name, op, rest = match.group(1), match.group(2) or "", match.group(3) or ""
        if env.get(name):
            return env[name]
        if op == ":?":
            raise AssertionError(f"compose would refuse to start: {rest}")
        return rest

    return re.sub(r"\$\{(\w+)(:-|:\?)?([^}]*)\}", one, value)


def test_every_variable_compose_sets_is_one_the_bot_reads() -> None:
    known = set(env_names()) | {name.upper() for name in SECRET_NAMES}
    assert set(compose_environment()) <= known


def test_the_compose_environment_is_a_valid_configuration() -> None:
    host = {"POSTGRES_PASSWORD": "s3cret-pw", "DISCORD_TOKEN": "discord-token"}
    environ = {k: interpolate(v, host) for k, v in compose_environment().items()}
    report = inspect_settings(environ=environ)
    assert report.problems == ()
    settings = report.settings
    assert settings.database_url is not None
    assert settings.database_url.reveal() == (
        "postgresql://dispute_bot:s3cret-pw@db:5432/dispute_bot"
    )
    assert settings.slack_bot_token is None  # an empty variable is unset
    assert (settings.port, settings.health_port, settings.log_format) == (3000, 8080, "json")
