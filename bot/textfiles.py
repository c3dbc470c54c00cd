"""Text files read strictly: a bad byte or YAML nested too deep is reported with its line.

The seeds and the config are read through here, so `corpus check`, start-up and a reload
say `file:line` instead of a byte offset or a RecursionError.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import yaml

# Seeds and settings nest a few levels; PyYAML's composer recurses once per level and
# overflows Python's stack near a thousand.
MAX_YAML_DEPTH = 100


class NotUtf8Error(ValueError):
    """A file holds a byte sequence that is not UTF-8; `line` is 1-based."""

    def __init__(self, line: int, byte: int) -> None:
        super().__init__(f"not UTF-8 text (byte 0x{byte:02x})")
        self.line = line


class TooDeepError(yaml.MarkedYAMLError):
    """YAML nested more than MAX_YAML_DEPTH levels, marked where the limit was passed."""


def read_utf8(path: Path) -> str:
    """The text of `path`; NotUtf8Error names the line of the first bad byte."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8Error(raw.count(b"\n", 0, exc.start) + 1, raw[exc.start]) from None


def check_yaml_depth(text: str, limit: int = MAX_YAML_DEPTH) -> None:
    """Raise TooDeepError if `text` nests lists and mappings more than `limit` deep.

    Reads only YAML's events, with libyaml where installed: about ten times faster than
    PyYAML's own parser, which a file libyaml refuses is read with again (libyaml's scanner
    gives up on deep flow nesting before the parser reports the level; PyYAML's parser needs
    no recursion). A syntax error ends the check: the full load reports it, as it would have
    without this check.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            _count_depth(text, limit, fast)
            return
        except TooDeepError:
            raise
        except yaml.YAMLError:
            pass  # read it again below, so a deep flow collection still gets its line
    try:
        _count_depth(text, limit, yaml.SafeLoader)
    except TooDeepError:
        raise
    except yaml.YAMLError:
        return


def _count_depth(text: str, limit: int, loader: Any) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limit:
                raise TooDeepError(
                    problem=f"too deeply nested (more than {limit} levels)",
                    problem_mark=cast(yaml.error.Mark, event.start_mark),
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
