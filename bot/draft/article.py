"""Reads an article in the seeds' format from bytes or a file, refusing bad input in one line."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from bot.draft.language import detect_language
from bot.draft.model import ArticleText
from bot.errors import UsageError

MAX_BYTES = 2_000_000  # a news article is a few kilobytes; more is not an article
_FIRST_LINE = re.compile(r"^\s*date (\d{4}-\d{2}-\d{2}) (.+?)\s*$")


class ArticleError(UsageError):
    """An article that cannot be drafted; the message is one line, fit for a user.

    `reason` names the fault (empty, too_large, binary, not_utf8, no_date_line, bad_date,
    no_text; folder, unreadable for a path; exists, unwritable for `--output`) and
    `values` what the message quotes, so a
    chat reply can say it in the user's language.
    """

    def __init__(self, message: str, *, reason: str, **values: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


def read_article(data: bytes, name: str) -> ArticleText:
    """The article in `data` (UTF-8 text whose first line is `date YYYY-MM-DD Title`)."""
    if not data.strip():
        raise ArticleError(f"{name}: the file is empty", reason="empty")
    if len(data) > MAX_BYTES:
        raise ArticleError(
            f"{name}: too large for an article ({len(data):,} bytes)",
            reason="too_large",
            size=len(data),
        )
    if b"\0" in data:
        raise ArticleError(f"{name}: a binary file, not an article's text", reason="binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            f"{name}: not UTF-8 text (byte {exc.start})", reason="not_utf8", byte=exc.start
        ) from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first, _, body = text.partition("\n")
    match = _FIRST_LINE.match(first)
    if match is None:
        raise ArticleError(
            f"{name}:1: the first line must be 'date YYYY-MM-DD Title'", reason="no_date_line"
        )
    try:
        date = dt.date.fromisoformat(match[1])
    except ValueError as exc:
        raise ArticleError(
            f"{name}:1: not a real date: {match[1]}", reason="bad_date", date=match[1]
        ) from exc
    body = body.strip()
    if not body:
        raise ArticleError(f"{name}: the article has a date line but no text", reason="no_text")
    title = match[2]
    return ArticleText(
        file=name, date=date, title=title, body=body, language=detect_language(f"{title}\n{body}")
    )


def read_article_file(path: str | Path) -> ArticleText:
    """The article at `path`; ArticleError when it cannot be read."""
    where = Path(path)
    try:
        if where.is_dir():
            raise ArticleError(f"{path}: a folder, not an article file", reason="folder")
        with where.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ArticleError(
            f"{path}: cannot read: {exc.strerror or exc}", reason="unreadable"
        ) from exc
    return read_article(data, str(path))
