"""Settings: `config/default.yaml`, then an optional file, then the environment.

The loader takes the environment as an argument so tests pass a dict. Secrets come only from
the environment or `NAME_FILE` paths, print as `<SECRET>`, and are refused in YAML.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.yaml"
LOCALES = ("en", "fr")
SECRET_NAMES = (
    "slack_bot_token",
    "slack_app_token",
    "slack_signing_secret",
    "discord_token",
    "database_url",
)


class Secret:
    """A value that never prints."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "<SECRET>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    seeds: Path
    locale: str = "en"
    follow_user_locale: bool = True
    page_size: int = 5
    reply_visibility: str = "ephemeral"  # ephemeral | public
    slack_commands: dict[str, str] = field(default_factory=dict)  # command -> slash name
    slack_admins: tuple[str, ...] = ()
    discord_guild_id: int | None = None
    discord_shard_count: int | None = None
    port: int = 3000
    slack_api_url: str | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    log_format: str = "plain"  # plain | json
    log_level: str = "INFO"
    slack_bot_token: Secret | None = None
    slack_app_token: Secret | None = None
    slack_signing_secret: Secret | None = None
    discord_token: Secret | None = None
    database_url: Secret | None = None
    source: str = str(DEFAULT_CONFIG)

    def describe(self) -> dict[str, str]:
        """Every setting as text, secrets masked: what `config check` prints."""
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}


# Settings read from the YAML file, with the type each must have.
_FILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "seeds": str,
    "locale": str,
    "follow_user_locale": bool,
    "page_size": int,
    "reply_visibility": str,
    "slack_commands": dict,
    "slack_admins": list,
    "discord_guild_id": (int, type(None)),
    "discord_shard_count": (int, type(None)),
    "port": int,
    "log_format": str,
    "log_level": str,
}
# Environment variables for single settings (non-secret), and their parsers.
_ENV_KEYS: dict[str, str] = {
    "DISPUTE_BOT_SEEDS": "seeds",
    "DISPUTE_BOT_LOCALE": "locale",
    "DISPUTE_BOT_PAGE_SIZE": "page_size",
    "DISPUTE_BOT_REPLY_VISIBILITY": "reply_visibility",
    "DISPUTE_BOT_LOG_FORMAT": "log_format",
    "DISPUTE_BOT_LOG_LEVEL": "log_level",
    "DISCORD_GUILD_ID": "discord_guild_id",
    "PORT": "port",
    "SLACK_API_URL": "slack_api_url",
    "DISCORD_API_URL": "discord_api_url",
    "DISCORD_GATEWAY_URL": "discord_gateway_url",
}


def _read_yaml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}:0: cannot read config: {exc.strerror}") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise ConfigError(f"{path}:{line}: invalid YAML: {exc.problem}") from exc
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{path}:1: the config must be a mapping of settings")
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return data, lines


def _secret(name: str, environ: Mapping[str, str]) -> Secret | None:
    env = name.upper()
    if environ.get(env):
        return Secret(environ[env].strip())
    path = environ.get(f"{env}_FILE")
    if path:
        try:
            return Secret(Path(path).read_text(encoding="utf-8").strip())
        except OSError as exc:
            raise ConfigError(f"{env}_FILE: cannot read {path}: {exc.strerror}") from exc
    return None


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Defaults, then the file at `path` (or DISPUTE_BOT_CONFIG), then the environment."""
    environ = os.environ if environ is None else environ
    chosen = Path(path or environ.get("DISPUTE_BOT_CONFIG") or DEFAULT_CONFIG)
    values: dict[str, Any] = {}
    files = [DEFAULT_CONFIG] if chosen.resolve() == DEFAULT_CONFIG else [DEFAULT_CONFIG, chosen]
    problems: list[str] = []
    for file in files:
        data, lines = _read_yaml(file)
        for key, value in data.items():
            where = f"{file}:{lines.get(str(key), 0)}"
            if key in SECRET_NAMES:
                problems.append(
                    f"{where}: {key!r} is a secret: set {str(key).upper()} or "
                    f"{str(key).upper()}_FILE in the environment instead"
                )
            elif key not in _FILE_KEYS:
                problems.append(f"{where}: unknown setting {key!r}")
            elif not isinstance(value, _FILE_KEYS[key]) or isinstance(value, bool) != (
                _FILE_KEYS[key] is bool
            ):
                problems.append(f"{where}: {key!r} has the wrong type ({type(value).__name__})")
            else:
                values[key] = value
                if key == "seeds":
                    values[key] = (file.parent / str(value)).resolve()
    for env, key in _ENV_KEYS.items():
        if environ.get(env):
            raw = environ[env]
            if key in ("page_size", "port", "discord_guild_id"):
                try:
                    values[key] = int(raw)
                except ValueError:
                    problems.append(f"{env}: must be a whole number, not {raw!r}")
            elif key == "seeds":
                values[key] = Path(raw).resolve()
            else:
                values[key] = raw
    values.setdefault("seeds", PROJECT_ROOT / "seeds")
    if "slack_admins" in values:
        values["slack_admins"] = tuple(str(a) for a in values["slack_admins"])
    values.update({name: _secret(name, environ) for name in SECRET_NAMES})
    settings = Settings(source=str(chosen), **values)
    problems.extend(_check(settings))
    if problems:
        raise ConfigError("\n".join(problems))
    return settings


def _check(settings: Settings) -> list[str]:
    problems = []
    if settings.locale not in LOCALES:
        problems.append(f"{settings.source}: locale must be one of {', '.join(LOCALES)}")
    if settings.reply_visibility not in ("ephemeral", "public"):
        problems.append(f"{settings.source}: reply_visibility must be ephemeral or public")
    if not 1 <= settings.page_size <= 10:
        problems.append(f"{settings.source}: page_size must be between 1 and 10")
    if settings.log_format not in ("plain", "json"):
        problems.append(f"{settings.source}: log_format must be plain or json")
    return problems
