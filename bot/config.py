"""Settings, each declared once in `Settings`: the file keys, variables and checks follow from it.

A setting is a field with its type, its default and `setting(...)`: its doc line, the
environment variables besides DISPUTE_BOT_<NAME>, whether it is a secret, and its check. The
defaults file and the reference in docs/ are written from the same declaration
(`bot.config_reference`). Loading reads the defaults file, then an optional file, then the
environment, taken as an argument so tests pass a dict. Secrets come only from the
environment or `NAME_FILE` paths, print as `<SECRET>`, and are refused in YAML. Every problem
names where the bad value came from (`file:line` or the environment variable).
"""

from __future__ import annotations

import functools
import os
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from msgspec import field

from bot import config_checks as checks
from bot.errors import ConfigError
from bot.record import Record
from bot.textfiles import NotUtf8Error, TooDeepError, check_yaml_depth, read_utf8

# The source checkout (the tests and the benchmark read its folders).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The default config/ and seeds/: an installed wheel carries them in bot/shipped/ (package
# data, see setup.py); a checkout or an editable install reads the repository's own folders.
_PACKAGED = Path(__file__).resolve().parent / "shipped"
SHIPPED_HOME = _PACKAGED if (_PACKAGED / "config").is_dir() else PROJECT_ROOT
DEFAULT_CONFIG = SHIPPED_HOME / "config" / "default.yaml"
ENV_PREFIX = "DISPUTE_BOT_"
LOCALES = checks.LOCALES  # the languages of replies


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


class Setting(Record, frozen=True, kw_only=True):
    """What a field of `Settings` declares besides its name, type and default."""

    doc: str
    env: tuple[str, ...] = ()  # variables besides DISPUTE_BOT_<NAME> (the last set wins)
    in_file: bool = True  # False: only the environment sets it (endpoints, secrets)
    secret: bool = False  # only NAME or NAME_FILE in the environment; refused in a file
    check: checks.Check | None = None
    section: str = ""  # starts a group in the defaults file and in the reference
    example: str = ""  # a value as YAML, shown under the doc
    default_text: str = ""  # the default in words, where no file can write it (a path)

    def variables(self, name: str) -> tuple[str, ...]:
        """The environment variables that set this setting, in the order they are read."""
        if self.secret:
            return (name.upper(), f"{name.upper()}_FILE")
        own = (f"{ENV_PREFIX}{name.upper()}",) if self.in_file else ()
        return own + self.env


# Each setting's declaration and default, in the order `Settings` declares them: `setting` and
# `secret` add theirs as the class's body runs, and each is matched to its field below.
_DECLARED: list[tuple[Setting, object]] = []


def setting(
    default: object,
    *,
    doc: str,
    env: tuple[str, ...] = (),
    in_file: bool = True,
    check: checks.Check | None = None,
    section: str = "",
    example: str = "",
    default_text: str = "",
) -> Any:
    """A field of `Settings`: its default and its declaration."""
    declared = Setting(
        doc=doc,
        env=env,
        in_file=in_file,
        check=check,
        section=section,
        example=example,
        default_text=default_text,
    )
    _DECLARED.append((declared, default))
    return field(default_factory=dict) if isinstance(default, dict) else default


def secret(*, doc: str, check: checks.Check | None = None, section: str = "") -> Any:
    """A secret field of `Settings`: unset unless the environment sets it."""
    _DECLARED.append(
        (Setting(doc=doc, in_file=False, secret=True, check=check, section=section), None)
    )
    return None


class Settings(Record, frozen=True, kw_only=True):
    """Every setting of the bot, declared once: its type, default, variables, doc and check."""

    seeds: Path = setting(
        SHIPPED_HOME / "seeds",
        doc="The dossier folder, relative to the file that sets it: one dossier, or a folder of "
        "dossiers (a sub-folder each). See docs/dossier.md.",
        section="The dossier and its replies",
        example="../my-dossier",
        default_text="the first dossier, shipped with the bot (with DISPUTE_BOT_HOME: its "
        "`seeds/`)",
    )
    default_dossier: str = setting(
        "",
        doc="When the seeds folder holds several dossiers (a sub-folder each, named by its "
        "folder): the one a channel follows until an admin picks another with `/dispute use`. "
        "Empty: the first by name.",
        check=checks.dossier_name,
        example="anthropic-pentagon-2026",
    )
    locale: str = setting(
        "en",
        doc="Language of replies: en or fr, unless a team sets its own (`/dispute settings`). "
        "Quotes always keep their original text.",
        check=checks.among(LOCALES, listed=True),
    )
    follow_user_locale: bool = setting(
        True, doc="Answer each Discord user in their own locale (en or fr) when it is one of ours."
    )
    page_size: int = setting(
        5,
        doc="Items per page of a reply (1 to 10); longer results page with Previous/Next.",
        check=checks.between(1, 10),
    )
    reply_visibility: str = setting(
        "ephemeral",
        doc="Replies are visible to the caller only (ephemeral), with a Share button, or to "
        "everyone (public), unless a team sets its own (`/dispute settings`).",
        check=checks.among(("ephemeral", "public")),
    )
    slack_commands: dict[str, str] = setting(
        {},
        doc="Slack slash-command names, if a workspace already uses one (command: slash name); "
        "an empty name turns one off in Slack (it stays reachable as `/dispute <command>`), and "
        "`dispute` renames the umbrella.",
        section="Slack",
        example="{quote: afp-quote, help: '', dispute: afp}",
    )
    slack_admins: tuple[str, ...] = setting(
        (),
        doc="Slack user ids allowed to change digest subscriptions, choose a channel's dossier "
        "(`/dispute use`), change the workspace's settings (`/dispute settings`) and run admin "
        "commands; empty means every member. With one bot token, they are also the bot's "
        "operators (`/dispute reload`, `/draft`; empty: every member); in OAuth mode, only the "
        "members listed are operators (empty: nobody from chat, SIGHUP and the seeds watcher "
        "still reload).",
    )
    port: int = setting(
        3000, doc="HTTP port for Slack's HTTP mode.", env=("PORT",), check=checks.port
    )
    slack_api_url: str | None = setting(
        None,
        doc="Slack's Web API base URL instead of `https://slack.com/api/` (GovSlack: "
        "`https://slack-gov.com/api/`, a proxy, or tests).",
        env=("SLACK_API_URL",),
        in_file=False,
    )
    slack_client_id: str | None = setting(
        None,
        doc="The Slack app's Client ID (Basic Information): with `SLACK_CLIENT_SECRET`, the app "
        "is installed in many workspaces by OAuth (`/slack/install`) instead of running with "
        "one `SLACK_BOT_TOKEN`.",
        env=("SLACK_CLIENT_ID",),
        in_file=False,
    )
    slack_redirect_uri: str | None = setting(
        None,
        doc="OAuth mode: the app's Redirect URL, `https://your.host/slack/oauth_redirect`, as "
        "set in the app's OAuth settings; unset: Slack uses the one the app has.",
        env=("SLACK_REDIRECT_URI",),
        in_file=False,
        check=checks.web_url,
    )
    discord_guild_id: int | None = setting(
        None,
        doc="Sync the Discord commands to this one server only: they appear at once (global "
        "commands can take a while to reach every client). For development.",
        env=("DISCORD_GUILD_ID",),
        section="Discord",
    )
    discord_shard_count: int | None = setting(
        None,
        doc="Run discord.py's auto-sharded client with this many shards (Discord requires "
        "sharding from 2,500 servers); unset: one connection.",
    )
    discord_operators: tuple[str, ...] = setting(
        (),
        doc="Discord user ids of the bot's operators, who may run the commands acting on the "
        "whole deployment (`/reload`, `/draft`); empty means nobody on Discord (SIGHUP and the "
        "seeds watcher still reload). Managing a channel or a server is not enough.",
    )
    discord_api_url: str | None = setting(
        None,
        doc="Discord's REST base instead of `https://discord.com/api/v10` (a rate-limit proxy, "
        "tests); include the version: `http://proxy:8080/api/v10`.",
        env=("DISCORD_API_URL",),
        in_file=False,
    )
    discord_gateway_url: str | None = setting(
        None,
        doc="Discord's gateway instead of `wss://gateway.discord.gg/` (a gateway proxy, tests).",
        env=("DISCORD_GATEWAY_URL",),
        in_file=False,
    )
    slack_bot_token: Secret | None = secret(
        doc="Slack's Bot User OAuth Token (`xoxb-...`).", section="Secrets (environment only)"
    )
    slack_app_token: Secret | None = secret(
        doc="Slack's app-level token (`xapp-...`, with `connections:write`): selects Socket Mode."
    )
    slack_signing_secret: Secret | None = secret(
        doc="Slack's signing secret: selects HTTP mode when no app token is set."
    )
    slack_client_secret: Secret | None = secret(
        doc="The Slack app's Client Secret: with `SLACK_CLIENT_ID`, selects OAuth mode."
    )
    discord_token: Secret | None = secret(doc="The Discord bot token.")
    database_url: Secret | None = secret(
        doc="PostgreSQL for the bot's state, `postgresql://user:password@host:5432/db` "
        "(`postgres://` and `postgresql+psycopg://` too), needed when several replicas run; "
        "unset: the SQLite file `digest_database`.",
        check=checks.database_url,
    )
    log_format: str = setting(
        "plain",
        doc="Logs: one line per event on stderr, plain or json.",
        check=checks.among(("plain", "json")),
        section="Operations",
    )
    log_level: str = setting(
        "INFO",
        doc="The log level: DEBUG, INFO, WARNING, ERROR or CRITICAL.",
        check=checks.log_level,
    )
    health_host: str = setting(
        "0.0.0.0",
        doc="Where the health and metrics server (`/healthz`, `/readyz`, `/metrics`) listens. "
        "Keep it on a private network: it is not authenticated.",
    )
    health_port: int | None = setting(
        8080,
        doc="The health server's port; null turns it off, 0 takes any free port.",
        env=("HEALTH_PORT",),
        check=checks.port,
    )
    admin_alerts: tuple[str, ...] = setting(
        (),
        doc="Besides the Slack admins (told by direct message), where a refused automatic "
        "reload of the dossier is reported: `slack:CHANNEL` or `discord:CHANNEL_ID` entries.",
        check=checks.alert_targets,
    )
    watch_seeds: bool = setting(
        True,
        doc="Reload the dossier when a file in the seeds folder changes (SIGHUP and the admin "
        "command `reload` do too). A broken dossier is refused and the last good one kept.",
    )
    shutdown_grace: float = setting(
        8.0,
        doc="On SIGTERM or SIGINT: seconds to finish the replies in flight before closing "
        "anyway. Keep it under the orchestrator's stop timeout (Docker waits 10 s, Kubernetes "
        "30 s).",
        check=checks.not_negative,
    )
    snapshot_dir: str | None = setting(
        "data/snapshots",
        doc="A dossier that takes more than a second to build (tens of thousands of quotes) is "
        "kept here, ready-built, and reused while no file of the seeds folder changes, so a "
        "restart takes a second or two. Relative to the working directory; null never keeps "
        "one.",
    )
    digest_database: str = setting(
        "data/dispute-bot.sqlite3",
        doc="The state database: this SQLite file (relative to the working directory) unless "
        "`DATABASE_URL` is set. Its folder also keeps the Discord command hash.",
        section="State database",
    )
    database_connect_timeout_seconds: float = setting(
        3.0,
        doc="Every wait on the state database is bounded: seconds to open a connection "
        "(PostgreSQL takes 2 at least).",
        check=checks.more_than(0),
    )
    database_statement_timeout_seconds: float = setting(
        5.0,
        doc="Seconds for one statement: PostgreSQL cancels it, SQLite waits this long for a "
        "lock. A call unanswered after both timeouts added is given up: the command says the "
        "database is unavailable, the digest tries again later, and calls fail at once for "
        "that long.",
        check=checks.more_than(0),
    )
    digest_time: str = setting(
        "08:00",
        doc="The time (HH:MM) a `/digest subscribe` takes when it names none.",
        check=checks.time_of_day,
        section="Daily digest",
    )
    digest_timezone: str = setting(
        "Europe/Paris",
        doc="The time zone (an IANA name) a `/digest subscribe` takes when it names none.",
        check=checks.time_zone,
    )
    digest_weekdays: str = setting(
        "daily",
        doc="The days a `/digest subscribe` takes when it names none: `daily`, `weekdays`, "
        "`weekends`, or days such as `mon-fri` or `mon,wed,fri`.",
        check=checks.weekdays,
    )
    digest_catch_up_hours: float = setting(
        6.0,
        doc="A digest missed while the bot was down is posted on start if at most this many "
        "hours late (older ones are skipped and logged); temporary errors are retried until "
        "then.",
        check=checks.catch_up,
    )
    digest_claim_timeout_seconds: float = setting(
        300.0,
        doc="A replica refreshes every claim it holds every third of this (one statement); "
        "one silent this long is presumed dead and another replica takes its digests over "
        "(one whose post was on its way is settled first: looked for in its Slack channel's "
        "history, found, it is recorded; missing, posted once; on Discord, sent again with "
        "its nonce if its first request is under two minutes old, which needs this well "
        "under 120; where the history cannot be read, or later on Discord, it is recorded as "
        "may not have arrived, never posted twice). Many replicas and thousands of channels "
        "due together: 30, with `digest_sync_seconds` 10, so the others finish a dead "
        "replica's share within a minute.",
        check=checks.more_than(0),
    )
    digest_retry_backoff_seconds: tuple[float, ...] = setting(
        (30, 60, 120, 300, 600),
        doc="Waits between retries after a temporary platform error (the last one repeats), "
        "within the catch-up window.",
        check=checks.waits,
    )
    digest_quiet_days: str = setting(
        "post",
        doc="When nothing is new since a channel's last digest: post it anyway, skip it, or "
        'post a short one (the "nothing new" line and the quote of the day).',
        check=checks.quiet_days,
    )
    digest_sync_seconds: float = setting(
        60.0,
        doc="How often each replica re-reads subscriptions, catches up and looks for the claims "
        "of a replica that fell silent (seconds).",
        check=checks.more_than(0),
    )
    digest_subscriptions: tuple[dict[str, Any], ...] = setting(
        (),
        doc="Channels subscribed in the file, for deployments that manage everything there; "
        "applied on every start, and `/digest subscribe` cannot change them. Each entry: "
        "`platform` (slack or discord), `channel` (its id), and optionally `dossier` (default: "
        "the default dossier), `time`, `timezone` (an exact IANA name), `weekdays` and "
        "`locale`; with Slack in OAuth mode, `team` (the workspace's id, `T...`) and, inside "
        "an Enterprise Grid org, `enterprise`.",
        example="[{platform: slack, channel: C0123456789, time: '07:30', locale: fr}]",
        check=checks.subscriptions,
    )
    source: str = str(DEFAULT_CONFIG)  # the file read last (not a setting)

    @property
    def slack_oauth(self) -> bool:
        """Whether Slack runs as one app for many workspaces, installed by OAuth."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    def describe(self) -> dict[str, str]:
        """Every setting as text, secrets masked: what `config check` prints."""
        return {name: shown(getattr(self, name)) for name in self.__struct_fields__}


# Each setting's field with its declaration and default (every field but `source`).
_SETTINGS: dict[str, tuple[Setting, object]] = dict(
    zip((n for n in Settings.__struct_fields__ if n != "source"), _DECLARED, strict=True)
)
SECRET_NAMES = tuple(name for name, (one, _) in _SETTINGS.items() if one.secret)


class Declared(Record, frozen=True, kw_only=True):
    """One setting as the loader uses it: the declaration with its type resolved."""

    name: str
    setting: Setting
    hint: Any  # the resolved annotation
    kinds: tuple[type, ...]  # what a YAML value may be
    default: object


@functools.cache
def declared() -> dict[str, Declared]:
    """Every setting of `Settings`, in declaration order."""
    hints = typing.get_type_hints(Settings)
    found: dict[str, Declared] = {}
    for name, (one, default) in _SETTINGS.items():
        hint = hints[name]
        found[name] = Declared(
            name=name,
            setting=one,
            hint=hint,
            kinds=_kinds(hint),
            default=dict() if isinstance(default, dict) else default,
        )
    return found


def _kinds(hint: Any) -> tuple[type, ...]:
    """The YAML types a value of this annotation is written as."""
    if isinstance(hint, types.UnionType):
        return tuple(kind for arg in typing.get_args(hint) for kind in _kinds(arg))
    origin = typing.get_origin(hint)
    simple: dict[Any, tuple[type, ...]] = {float: (int, float), Path: (str,), tuple: (list,)}
    return simple.get(origin or hint, (origin or hint,))


def _converted(hint: Any, value: object, base: Path) -> object:
    """A value read from YAML or the environment as the field's type (paths from `base`)."""
    if value is None:
        return None
    if isinstance(hint, types.UnionType):
        hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Path:
        return (base / str(value)).resolve()
    if hint is float:
        return float(typing.cast(float, value))
    if origin is tuple:
        items = typing.cast(list[object], value)
        return tuple(str(item) for item in items) if args[0] is str else tuple(items)
    if origin is dict and args == (str, str):
        return {str(k): str(v) for k, v in typing.cast(dict[object, object], value).items()}
    return value


def shown(value: object) -> str:
    """A setting's value as `config check` prints it (and the defaults file writes it)."""
    if value is None:
        return "(not set)"
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str | Secret | int | float):
        return str(value)
    dumped = yaml.safe_dump(plain(value), default_flow_style=True, width=10_000)
    return dumped.strip()


def plain(value: object) -> object:
    """Lists, mappings and whole numbers as YAML writes them."""
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class ConfigReport(Record, frozen=True, kw_only=True):
    """The effective settings (bad values left at their defaults) and every problem found."""

    settings: Settings
    problems: tuple[str, ...]
    origins: dict[str, str]  # setting -> where its value came from (file:line or variable)
    files: tuple[Path, ...]


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def env_names() -> dict[str, str]:
    """Every environment variable that sets one setting (secrets aside), with its setting."""
    return {
        variable: one.name
        for one in declared().values()
        if not one.setting.secret
        for variable in one.setting.variables(one.name)
    }


def default_config(environ: Mapping[str, str]) -> Path:
    """The defaults file: DISPUTE_BOT_HOME/config when set, else the shipped one."""
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
            hint = " (DISPUTE_BOT_HOME must be a folder holding config/default.yaml and seeds/)"
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


def _right_type(value: object, kinds: tuple[type, ...]) -> bool:
    """isinstance, except that a bool is not a number and a number is not a bool."""
    if isinstance(value, bool):
        return bool in kinds
    return isinstance(value, kinds)


def _type_name(kinds: tuple[type, ...]) -> str:
    names = {
        str: "text",
        bool: "true or false",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
        type(None): "null",
    }
    if float in kinds:
        kinds = tuple(k for k in kinds if k is not int)
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def _parse_env(raw: str, kinds: tuple[type, ...]) -> object:
    """An environment variable's text as the setting's type; ValueError when it is not."""
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


def _read_secret(
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


def _from_file(
    file: Path, values: dict[str, Any], origins: dict[str, str], problems: list[str]
) -> None:
    """The settings of one YAML file into `values`; what is wrong into `problems`."""
    try:
        data, lines = _read_yaml(file)
    except ConfigError as exc:
        problems.append(str(exc))
        return
    settings = declared()
    for key, value in data.items():
        where = f"{file}:{lines.get(str(key), 0)}"
        one = settings.get(str(key))
        if one is not None and one.setting.secret:
            problems.append(
                f"{where}: {key!r} is a secret: set {str(key).upper()} or "
                f"{str(key).upper()}_FILE in the environment instead"
            )
        elif one is not None and not one.setting.in_file:
            variables = " or ".join(one.setting.variables(one.name))
            problems.append(f"{where}: {key!r} is set in the environment only: {variables}")
        elif one is None:
            problems.append(f"{where}: unknown setting {key!r}")
        elif not _right_type(value, one.kinds):
            problems.append(
                f"{where}: {key!r} must be {_type_name(one.kinds)}, not {type(value).__name__}"
            )
        else:
            values[one.name] = _converted(one.hint, value, file.parent)
            origins[one.name] = where


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
    values: dict[str, Any] = {"seeds": defaults.parent.parent / "seeds"}
    origins: dict[str, str] = {}
    problems: list[str] = []
    for file in files:
        _from_file(file, values, origins, problems)
    for one in declared().values():
        if one.setting.secret:
            values[one.name] = _read_secret(one.name, environ, problems, origins)
            continue
        for variable in one.setting.variables(one.name):
            raw = environ.get(variable)
            if not raw:
                continue
            try:
                parsed = _parse_env(raw, one.kinds)
            except ValueError:
                problems.append(
                    f"{variable}: {one.name!r} must be {_type_name(one.kinds)}, not {raw!r}"
                )
                continue
            values[one.name] = _converted(one.hint, parsed, Path.cwd())
            origins[one.name] = variable
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


def _check(settings: Settings, origins: Mapping[str, str]) -> list[str]:
    """Each setting's own check, then the checks that read several settings together."""

    def at(key: str) -> str:
        return origins.get(key, settings.source)

    problems = []
    for one in declared().values():
        value = getattr(settings, one.name)
        # A declared default passes its own check (a test holds it), so only values someone
        # chose are checked: a start with the defaults reads no time-zone file.
        if one.setting.check is not None and value is not None and value != one.default:
            problems += [f"{at(one.name)}: {p}" for p in one.setting.check(one.name, value)]
    problems += _slack_mode_problems(settings, at)
    slack_http = bool(settings.slack_signing_secret and not settings.slack_app_token)
    slack_http = slack_http or settings.slack_oauth  # OAuth serves its two pages over HTTP
    if slack_http and settings.health_port and settings.health_port == settings.port:
        problems.append(
            f"{at('health_port')}: health_port and port are both {settings.port}: Slack's HTTP "
            "server and the health server need different ports"
        )
    return problems


def _slack_mode_problems(settings: Settings, at: Callable[[str], str]) -> list[str]:
    """One Slack mode at a time: a single bot token, or OAuth's client id and secret."""
    oauth = (settings.slack_client_id is not None, settings.slack_client_secret is not None)
    if oauth == (True, False):
        return [f"{at('slack_client_id')}: SLACK_CLIENT_ID needs SLACK_CLIENT_SECRET (OAuth mode)"]
    if oauth == (False, True):
        return [f"{at('slack_client_secret')}: SLACK_CLIENT_SECRET needs SLACK_CLIENT_ID"]
    if not settings.slack_oauth:
        return []
    if settings.slack_bot_token is not None:
        return [
            f"{at('slack_bot_token')}: SLACK_BOT_TOKEN and SLACK_CLIENT_ID/SLACK_CLIENT_SECRET "
            "are both set: keep the bot token for one workspace, or the client id and secret "
            "to install the app in many (OAuth)"
        ]
    if settings.slack_signing_secret is None and settings.slack_app_token is None:
        return [
            f"{at('slack_client_id')}: OAuth mode needs SLACK_SIGNING_SECRET (HTTP) or "
            "SLACK_APP_TOKEN (Socket Mode) besides the client id and secret"
        ]
    return []
