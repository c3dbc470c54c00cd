"""Button custom_ids that carry a command line, within Discord's 100-character limit.

A Previous/Next button re-runs a command line such as "/quote Donald Trump page 2". Lines
that fit travel inside the custom_id itself, so they survive restarts; a longer line is
kept in a bounded in-memory cache and the custom_id carries a short key into it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

CUSTOM_ID_LIMIT = 100
PAGE_PREFIX = "dbot:page:"
SHARE_ID = "dbot:share"
INERT_PREFIX = "dbot:off:"  # a disabled button (no previous or next page) that never fires
_KEY_MARK = "#"  # command lines start with "/", so a "#" after the prefix means a cache key


class LineCache:
    """The most recent long command lines, by a short stable key; the oldest are forgotten."""

    def __init__(self, *, max_lines: int = 4096) -> None:
        self.max_lines = max_lines
        self._lines: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def key_for(self, line: str) -> str:
        key = hashlib.blake2b(line.encode("utf-8"), digest_size=12).hexdigest()
        with self._lock:
            self._lines[key] = line
            self._lines.move_to_end(key)
            while len(self._lines) > self.max_lines:
                self._lines.popitem(last=False)
        return key

    def line_for(self, key: str) -> str | None:
        with self._lock:
            return self._lines.get(key)


LONG_LINES = LineCache()


def page_custom_id(line: str, *, cache: LineCache = LONG_LINES) -> str:
    """The custom_id of a button that shows the page `line` asks for."""
    custom_id = PAGE_PREFIX + line
    if len(custom_id.encode("utf-16-le")) // 2 <= CUSTOM_ID_LIMIT:
        return custom_id
    return PAGE_PREFIX + _KEY_MARK + cache.key_for(line)


def line_from_custom_id(custom_id: str, *, cache: LineCache = LONG_LINES) -> str | None:
    """The command line a page button carries; None when it was forgotten (a restart)."""
    if not custom_id.startswith(PAGE_PREFIX):
        return None
    rest = custom_id[len(PAGE_PREFIX) :]
    if rest.startswith(_KEY_MARK):
        return cache.line_for(rest[len(_KEY_MARK) :])
    return rest or None
