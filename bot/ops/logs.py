"""Logging for a long-running bot: one line per event, plain or JSON, never a secret.

Every configured secret (and the password inside DATABASE_URL) is replaced by `<SECRET>` in
the final line, whatever logger wrote it, so a library that logs a token cannot leak it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable
from typing import TextIO
from urllib.parse import unquote, urlsplit

from bot.config import SECRET_NAMES, Secret, Settings

# LogRecord attributes that are not extra fields given by the caller.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
_QUIET_LOGGERS = {
    "aiohttp.access": logging.WARNING,
    "watchfiles": logging.WARNING,
    # Slack's libraries log whole requests below these levels (bodies, response_urls, what
    # users typed): never written, whatever the bot's level (bot.platforms.slack).
    "dispute_bot.slack.bolt": logging.WARNING,
    "dispute_bot.slack.sdk": logging.INFO,
    "slack_bolt": logging.WARNING,
    "slack_sdk": logging.INFO,
}


def secret_values(settings: Settings) -> list[str]:
    """The texts to hide: each secret, and the password part of a database URL."""
    values: list[str] = []
    for name in SECRET_NAMES:
        secret = getattr(settings, name)
        if isinstance(secret, Secret) and secret.reveal():
            values.append(secret.reveal())
            try:
                password = urlsplit(secret.reveal()).password
            except ValueError:
                password = None
            if password:
                values += [password, unquote(password)]
    # Hide short values too, but never a one- or two-letter text that would mask everything.
    return sorted({v for v in values if len(v) >= 3}, key=len, reverse=True)


class _Redacting(logging.Formatter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = list(secrets)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "<SECRET>")
            escaped = json.dumps(secret)[1:-1]
            if escaped != secret:
                text = text.replace(escaped, "<SECRET>")
        return text

    @staticmethod
    def timestamp(record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created, dt.UTC)
        return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    @staticmethod
    def extras(record: logging.LogRecord) -> dict[str, object]:
        return {k: v for k, v in vars(record).items() if k not in _STANDARD}


class PlainFormatter(_Redacting):
    """`2026-03-01T09:00:00.000Z INFO dispute_bot.core: served /quote on slack in 1.2 ms`."""

    def format(self, record: logging.LogRecord) -> str:
        line = f"{self.timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += " | " + self.formatException(record.exc_info)
        elif record.stack_info:
            line += " | " + record.stack_info
        line = line.replace("\r", "\\r").replace("\n", "\\n")
        return self.redact(line)


class JsonFormatter(_Redacting):
    """One JSON object a line, with the caller's extra fields (platform, command, latency_ms)."""

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, object] = {
            "time": self.timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        event.update(self.extras(record))
        if record.exc_info:
            event["exception"] = self.formatException(record.exc_info)
        return self.redact(json.dumps(event, ensure_ascii=False, default=str))


def setup_logging(settings: Settings, stream: TextIO | None = None) -> logging.Handler:
    """Send every log line through one redacting handler, in the configured format."""
    secrets = secret_values(settings)
    formatter: logging.Formatter = (
        JsonFormatter(secrets) if settings.log_format == "json" else PlainFormatter(secrets)
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    handler.set_name("dispute-bot")
    root = logging.getLogger()
    for old in list(root.handlers):
        # basicConfig's handler and ours from an earlier call; test harness handlers stay.
        if type(old) is logging.StreamHandler or old.get_name() == "dispute-bot":
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name, level in _QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(level, root.level))
    return handler
