"""Settings: `config/default.yaml`, then an optional file, then the environment.

The loader takes the environment as an argument so tests pass a dict. Secrets come only from
the environment or `NAME_FILE` paths, print as `<SECRET>`, and are refused in YAML. Every
problem names where the bad value came from (`file:line` or the environment variable).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

from bot.errors import ConfigError
from bot.textfiles import NotUtf8Error, TooDeepError, check_yaml_depth, read_utf8

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config" / "default.yaml"
LOCALES = ("en", "fr")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
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
    # Where a refused automatic reload is reported besides the Slack admins: "platform:channel".
    admin_alerts: tuple[str, ...] = ()
    discord_guild_id: int | None = None
    discord_shard_count: int | None = None
    port: int = 3000
    slack_api_url: str | None = None
    discord_api_url: str | None = None
    discord_gateway_url: str | None = None
    log_format: str = "plain"  # plain | json
    log_level: str = "INFO"
    # Operations (bot/ops): the health/metrics server, live reload, shutdown.
    health_host: str = "0.0.0.0"
    health_port: int | None = 8080  # None: no health server; 0: any free port (tests)
    watch_seeds: bool = True
    shutdown_grace: float = 8.0  # seconds to finish replies in flight on SIGTERM
    # Where a large dossier's built indexes are kept between starts (None: never kept).
    snapshot_dir: str | None = "data/snapshots"
    slack_bot_token: Secret | None = None
    slack_app_token: Secret | None = None
    slack_signing_secret: Secret | None = None
    discord_token: Secret | None = None
    database_url: Secret | None = None
    # Every wait on the state database is bounded (bot/database): connecting, and each
    # statement; a call gives up after both added, whatever the database does.
    database_connect_timeout_seconds: float = 3
    database_statement_timeout_seconds: float = 5
    # The daily digest (bot/digest): defaults for `/digest subscribe`, delivery, and state.
    digest_time: str = "08:00"
    digest_timezone: str = "Europe/Paris"
    digest_weekdays: str = "daily"
    digest_catch_up_hours: float = 6
    digest_claim_timeout_seconds: float = 300
    digest_retry_backoff_seconds: tuple[float, ...] = (30, 60, 120, 300, 600)
    digest_quiet_days: str = "post"  # post | skip | short
    digest_database: str = "data/dispute-bot.sqlite3"  # SQLite file when DATABASE_URL is unset
    digest_sync_seconds: float = 60
    digest_subscriptions: tuple[dict[str, Any], ...] = ()
    source: str = str(DEFAULT_CONFIG)

    def describe(self) -> dict[str, str]:
        """Every setting as text, secrets masked: what `config check` prints."""
        return {f.name: _shown(getattr(self, f.name)) for f in fields(self)}


def _shown(value: object) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | Secret | int | float):
        return str(value)
    dumped = yaml.safe_dump(_plain(value), default_flow_style=True, width=10_000)
    return dumped.strip()


def _plain(value: object) -> object:
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class ConfigReport:
    """The effective settings (bad values left at their defaults) and every problem found."""

    settings: Settings
    problems: tuple[str, ...]
    origins: dict[str, str]  # setting -> where its value came from (file:line or variable)
    files: tuple[Path, ...]


# Settings read from the YAML file, with the type each must have.
_FILE_KEYS: dict[str, type | tuple[type, ...]] = {
    "seeds": str,
    "locale": str,
    "follow_user_locale": bool,
    "page_size": int,
    "reply_visibility": str,
    "slack_commands": dict,
    "slack_admins": list,
    "admin_alerts": list,
    "discord_guild_id": (int, type(None)),
    "discord_shard_count": (int, type(None)),
    "port": int,
    "log_format": str,
    "log_level": str,
    "health_host": str,
    "health_port": (int, type(None)),
    "watch_seeds": bool,
    "shutdown_grace": (int, float),
    "snapshot_dir": (str, type(None)),
    "digest_time": str,
    "digest_timezone": str,
    "digest_weekdays": str,
    "digest_catch_up_hours": (int, float),
    "digest_claim_timeout_seconds": (int, float),
    "digest_retry_backoff_seconds": list,
    "digest_quiet_days": str,
    "digest_database": str,
    "digest_sync_seconds": (int, float),
    "digest_subscriptions": list,
    "database_connect_timeout_seconds": (int, float),
    "database_statement_timeout_seconds": (int, float),
}
# Environment variables for single settings (non-secret), and their parsers. Every file key
# can also be set as DISPUTE_BOT_<KEY> (DISPUTE_BOT_PAGE_SIZE=3); these are the other names.
_ENV_KEYS: dict[str, str] = {
    "DISPUTE_BOT_SEEDS": "seeds",
    "DISPUTE_BOT_LOCALE": "locale",
    "DISPUTE_BOT_PAGE_SIZE": "page_size",
    "DISPUTE_BOT_REPLY_VISIBILITY": "reply_visibility",
    "DISPUTE_BOT_LOG_FORMAT": "log_format",
    "DISPUTE_BOT_LOG_LEVEL": "log_level",
    "DISCORD_GUILD_ID": "discord_guild_id",
    "PORT": "port",
    "HEALTH_PORT": "health_port",
    "SLACK_API_URL": "slack_api_url",
    "DISCORD_API_URL": "discord_api_url",
    "DISCORD_GATEWAY_URL": "discord_gateway_url",
    "DISPUTE_BOT_DIGEST_DATABASE": "digest_database",
}
# Settings that only the environment sets (test and proxy endpoints).
_ENV_ONLY_KEYS: dict[str, type | tuple[type, ...]] = {
    "slack_api_url": str,
    "discord_api_url": str,
    "discord_gateway_url": str,
}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def env_names() -> dict[str, str]:
    """Every environment variable that sets one setting, with the setting it sets."""
    names = {f"DISPUTE_BOT_{key.upper()}": key for key in _FILE_KEYS}
    names.update(_ENV_KEYS)
    return names


def default_config(environ: Mapping[str, str]) -> Path:
    """The defaults file: in DISPUTE_BOT_HOME/config when set (an installed image), else here."""
    home = environ.get("DISPUTE_BOT_HOME")
    return (Path(home) / "config" / "default.yaml").resolve() if home else DEFAULT_CONFIG


def _read_yaml(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        text = read_utf8(path)
    except NotUtf8Error as exc:
        raise ConfigError(f"{path}:{exc.line}: {exc}") from exc
    except OSError as exc:
        hint = ""
        if path.name == "default.yaml":
            hint = " (set DISPUTE_BOT_HOME to the folder that holds config/ and seeds/)"
        raise ConfigError(f"{path}:0: cannot read config: {exc.strerror}{hint}") from exc
    # One parse, with libyaml where installed: the defaults file is read on every start.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        check_yaml_depth(text)
        node = yaml.compose(text, Loader=loader)
        data = loader(text).construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        prefix = "" if isinstance(exc, TooDeepError) else "invalid YAML: "
        raise ConfigError(f"{path}:{line}: {prefix}{exc.problem or exc.context}") from exc
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise ConfigError(f"{path}:1: the config must be a mapping of settings")
    lines = {str(k.value): k.start_mark.line + 1 for k, _ in node.value}
    return data, lines


def _right_type(value: object, kind: type | tuple[type, ...]) -> bool:
    """isinstance, except that a bool is not a number and a number is not a bool."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "text",
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        type(None): "null",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if float in kinds:
        kinds = tuple(k for k in kinds if k is not int)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _parse_env(raw: str, kind: type | tuple[type, ...]) -> object:
    """An environment variable's text as the setting's type; ValueError when it is not."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    text = raw.strip()
    if type(None) in kinds and text.lower() in ("", "null", "none"):
        return None
    if bool in kinds:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError
    if float in kinds:
        number = float(text)
        return int(number) if number.is_integer() and int in kinds else number
    if int in kinds:
        return int(text)
    if list in kinds:
        value = yaml.safe_load(text) if text.startswith("[") else None
        if value is None:
            value = [yaml.safe_load(part.strip()) for part in text.split(",") if part.strip()]
        if not isinstance(value, list):
            raise ValueError
        return value
    if dict in kinds:
        value = yaml.safe_load(text) if text else {}
        if not isinstance(value, dict):
            raise ValueError
        return value
    return raw


def _secret(
    name: str, environ: Mapping[str, str], problems: list[str], origins: dict[str, str]
) -> Secret | None:
    env = name.upper()
    direct, path = environ.get(env), environ.get(f"{env}_FILE")
    if direct and path:
        problems.append(f"{env} and {env}_FILE are both set: keep one")
    if direct:
        origins[name] = env
        return Secret(direct.strip())
    if path:
        origins[name] = f"{env}_FILE"
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            problems.append(f"{env}_FILE: cannot read {path}: {exc.strerror}")
            return None
        except UnicodeDecodeError:
            problems.append(f"{env}_FILE: {path} is not UTF-8 text")
            return None
        if not value:
            problems.append(f"{env}_FILE: {path} is empty")
            return None
        return Secret(value)
    return None


def inspect_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> ConfigReport:
    """Defaults, then the file at `path` (or DISPUTE_BOT_CONFIG), then the environment.

    Never raises: a bad value is reported and its default kept, so `config check` can show
    the effective configuration and every problem at once.
    """
    environ = os.environ if environ is None else environ
    defaults = default_config(environ)
    chosen = Path(path or environ.get("DISPUTE_BOT_CONFIG") or defaults).resolve()
    files = (defaults,) if chosen == defaults else (defaults, chosen)
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    problems: list[str] = []
    for file in files:
        try:
            data, lines = _read_yaml(file)
        except ConfigError as exc:
            problems.append(str(exc))
            continue
        for key, value in data.items():
            where = f"{file}:{lines.get(str(key), 0)}"
            if key in SECRET_NAMES:
                problems.append(
                    f"{where}: {key!r} is a secret: set {str(key).upper()} or "
                    f"{str(key).upper()}_FILE in the environment instead"
                )
            elif key not in _FILE_KEYS:
                problems.append(f"{where}: unknown setting {key!r}")
            elif not _right_type(value, _FILE_KEYS[key]):
                problems.append(
                    f"{where}: {key!r} must be {_type_name(_FILE_KEYS[key])}, "
                    f"not {type(value).__name__}"
                )
            else:
                values[key] = value
                origins[key] = where
                if key == "seeds":
                    values[key] = (file.parent / str(value)).resolve()
    for env, key in env_names().items():
        raw = environ.get(env)
        if not raw:
            continue
        kind = _FILE_KEYS.get(key) or _ENV_ONLY_KEYS.get(key, str)
        try:
            parsed = _parse_env(raw, kind)
        except ValueError:
            problems.append(f"{env}: {key!r} must be {_type_name(kind)}, not {raw!r}")
            continue
        values[key] = Path(str(parsed)).resolve() if key == "seeds" else parsed
        origins[key] = env
    values.setdefault("seeds", defaults.parent.parent / "seeds")
    for listed in ("slack_admins", "admin_alerts"):
        if listed in values:
            values[listed] = tuple(str(a) for a in values[listed])
    if "slack_commands" in values:
        values["slack_commands"] = {str(k): str(v) for k, v in values["slack_commands"].items()}
    if "shutdown_grace" in values:
        values["shutdown_grace"] = float(values["shutdown_grace"])
    if "digest_retry_backoff_seconds" in values:
        values["digest_retry_backoff_seconds"] = tuple(values["digest_retry_backoff_seconds"])
    if "digest_subscriptions" in values:
        values["digest_subscriptions"] = tuple(values["digest_subscriptions"])
    values.update({name: _secret(name, environ, problems, origins) for name in SECRET_NAMES})
    settings = Settings(source=str(chosen), **values)
    problems.extend(_check(settings, origins))
    return ConfigReport(settings=settings, problems=tuple(problems), origins=origins, files=files)


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Defaults, then the file at `path` (or DISPUTE_BOT_CONFIG), then the environment.

    Raises ConfigError listing every problem, each with the file and line (or variable).
    """
    report = inspect_settings(path, environ)
    if report.problems:
        raise ConfigError("\n".join(report.problems))
    return report.settings


_KEY_AT_START = re.compile(r"^([a-z_]+)\b")


def _check(settings: Settings, origins: Mapping[str, str] | None = None) -> list[str]:
    origins = origins or {}

    def at(key: str) -> str:
        return origins.get(key, settings.source)

    problems = []
    if settings.locale not in LOCALES:
        problems.append(f"{at('locale')}: locale must be one of {', '.join(LOCALES)}")
    if settings.reply_visibility not in ("ephemeral", "public"):
        problems.append(f"{at('reply_visibility')}: reply_visibility must be ephemeral or public")
    if not 1 <= settings.page_size <= 10:
        problems.append(f"{at('page_size')}: page_size must be between 1 and 10")
    for entry in settings.admin_alerts:
        platform, _, channel = entry.partition(":")
        if platform not in ("slack", "discord") or not channel:
            problems.append(
                f"{at('admin_alerts')}: admin_alerts entries are slack:CHANNEL or "
                f"discord:CHANNEL_ID, not {entry!r}"
            )
    if settings.log_format not in ("plain", "json"):
        problems.append(f"{at('log_format')}: log_format must be plain or json")
    if settings.log_level.upper() not in LOG_LEVELS:
        problems.append(f"{at('log_level')}: log_level must be one of {', '.join(LOG_LEVELS)}")
    for key in ("port", "health_port"):
        port = getattr(settings, key)
        if port is not None and not 0 <= port <= 65535:
            problems.append(f"{at(key)}: {key} must be between 0 and 65535")
    slack_http = bool(settings.slack_signing_secret and not settings.slack_app_token)
    if slack_http and settings.health_port and settings.health_port == settings.port:
        problems.append(
            f"{at('health_port')}: health_port and port are both {settings.port}: Slack's HTTP "
            "server and the health server need different ports"
        )
    if settings.shutdown_grace < 0:
        problems.append(f"{at('shutdown_grace')}: shutdown_grace must not be negative")
    for key in ("database_connect_timeout_seconds", "database_statement_timeout_seconds"):
        if not getattr(settings, key) > 0:
            problems.append(f"{at(key)}: {key} must be more than 0")
    if settings.database_url is not None:
        from bot.database.url import parse_database_url

        try:
            parse_database_url(settings.database_url.reveal())
        except ValueError as exc:
            problems.append(f"{at('database_url')}: not a usable PostgreSQL URL: {exc}")
    from bot.digest.when import check_digest_settings  # the digest's rules live with it

    for problem in check_digest_settings(settings):
        match = _KEY_AT_START.match(problem)
        key = match.group(1) if match else ""
        problems.append(f"{at(key)}: {problem}")
    return problems
