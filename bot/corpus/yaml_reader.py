"""YAML with line numbers, read fast: libyaml's events straight into dicts, no node tree.

Composing a node tree for a 60 MB dossier (100,000 quotes) takes half a minute and a
gigabyte; building the mappings from libyaml's event stream takes a few seconds and only
the memory of the result. The fast path covers what seeds use (mappings, lists, plain and
quoted scalars); anything else (anchors, tags, merge keys, several documents, a syntax
error) is read again by the exact PyYAML loader, so results and error messages never
depend on which path ran.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.reader import Reader

from bot.textfiles import MAX_YAML_DEPTH, check_yaml_depth

try:
    from yaml._yaml import CParser

    HAVE_LIBYAML = True
except ImportError:  # PyYAML built without libyaml: the exact path only
    HAVE_LIBYAML = False

_SCALAR_TAGS = (
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:null",
)


class LinedMapping(dict[str, Any]):
    """A YAML mapping that remembers where it and each of its keys stand.

    Key lines are kept in an array beside the keys, in their order, rather than in a dict
    of their own: at 100,000 quotes that alone saves a hundred megabytes.
    """

    __slots__ = ("_lines", "line")

    def __init__(self, line: int = 0) -> None:
        super().__init__()
        self.line = line
        self._lines = array("I")

    @property
    def key_lines(self) -> dict[str, int]:
        """The line of each key (keys as text)."""
        return dict(zip(map(str, self), self._lines, strict=True))

    def line_of(self, key: str, default: int) -> int:
        """The line of one key, or `default` when the mapping has no such key."""
        found = default
        for name, line in zip(self, self._lines, strict=True):
            if str(name) == key:  # the last wins, as in `key_lines`
                found = line
        return found


class LineLoader(yaml.SafeLoader):
    """Safe loader that keeps line numbers and leaves dates as strings (we check them)."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - a copy for this subclass only
        first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _construct_mapping(loader: LineLoader, node: yaml.MappingNode) -> Iterator[LinedMapping]:
    data = LinedMapping(node.start_mark.line + 1)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key: Any = loader.construct_object(key_node, deep=True)
        if isinstance(key, list | dict):  # unhashable: say where, rather than crash
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text, not a list or mapping", key_node.start_mark
            )
        if key in data:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data._lines.append(key_node.start_mark.line + 1)


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


class _NotPlain(Exception):
    """The text uses YAML the fast path leaves to the exact loader."""


_NO_KEY = object()
_SHARED_UP_TO = 24  # scalars this short are stored once however often they recur
_NON_PRINTABLE: re.Pattern[str] = Reader.NON_PRINTABLE
_QUESTION = re.compile(r"\?")
_BLOCK_COMMENT = re.compile(r"[|>][-+0-9]*#")


def _libyaml_more_lenient(text: str) -> bool:
    """Whether `text` has what libyaml accepts and PyYAML rejects (found comparing both on
    random text): a tab, a byte-order mark past the start, `#` right after `|` or `>`."""
    if "\t" in text or text.find("\ufeff", 1) != -1:
        return True
    for mark in "|>":  # str.find, not one regex: a regex scan of 60 MB takes seconds
        at = text.find(mark)
        while at != -1:
            if _BLOCK_COMMENT.match(text, at):
                return True
            at = text.find(mark, at + 1)
    return False


def _resolvers() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    table = LineLoader.yaml_implicit_resolvers
    wildcard = table.get(None, [])
    return {first: [*found, *wildcard] for first, found in table.items() if first is not None}


def _read_events(text: str) -> Any:
    """The document built from libyaml's events; raises _NotPlain outside the plain subset."""
    if not HAVE_LIBYAML or _NON_PRINTABLE.search(text) or _libyaml_more_lenient(text):
        raise _NotPlain
    parser = CParser(text)
    try:
        return _build(parser, [found.start() for found in _QUESTION.finditer(text)])
    except yaml.YAMLError as exc:
        raise _NotPlain from exc
    finally:
        parser.dispose()


def _build(parser: Any, questions: list[int]) -> Any:
    """Mappings, lists and scalars from the events; `questions`: where the text has a `?`.

    A `?` outside every scalar is YAML's explicit-key indicator, and one in a plain scalar
    inside [...] or {...} reads differently too: libyaml is more lenient there than PyYAML,
    so such a text goes to the exact loader.
    """
    resolvers = _resolvers()
    constructor = LineLoader("")
    get_event = parser.get_event
    stack: list[Any] = []  # open containers, innermost last
    pending: list[Any] = []  # per open container: the key waiting for its value
    root: Any = None
    documents = 0
    shared: dict[str, str] = {}
    flow: list[bool] = []  # per open container: written [...] or {...}
    flows = 0  # how many of them are
    while True:
        event = get_event()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None or event.tag is not None:
                raise _NotPlain
            value: Any = event.value
            while questions and questions[0] < event.end_mark.index:
                if questions[0] < event.start_mark.index or (flows and not event.style):
                    raise _NotPlain  # an indicator, or a plain `?` in [...] or {...}
                questions.pop(0)
            if len(value) <= _SHARED_UP_TO:  # keys, ids, dates: one string for all copies
                value = shared.setdefault(value, value)
            if event.implicit[0]:
                for tag, pattern in resolvers.get(value[:1], ()):
                    if pattern.match(value):
                        if tag not in _SCALAR_TAGS:
                            raise _NotPlain  # merge keys, `=`
                        node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark)
                        value = constructor.construct_object(node)
                        break
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or event.tag is not None:
                raise _NotPlain
            if stack and pending[-1] is _NO_KEY and type(stack[-1]) is LinedMapping:
                raise _NotPlain  # a mapping or list as a key
            if len(stack) >= MAX_YAML_DEPTH:
                raise _NotPlain  # the exact path says where, without recursing that deep
            if kind is MappingStartEvent:
                stack.append(LinedMapping(event.start_mark.line + 1))
            else:
                stack.append([])
            pending.append(_NO_KEY)
            flow.append(bool(event.flow_style))
            flows += flow[-1]
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()
            pending.pop()
            flows -= flow.pop()
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _NotPlain  # the exact loader explains "a single document"
            continue
        elif kind is StreamEndEvent:
            if questions:
                raise _NotPlain
            return root
        elif kind is DocumentEndEvent or kind is StreamStartEvent:
            continue
        else:
            raise _NotPlain  # aliases
        if not stack:
            root = value
            continue
        container = stack[-1]
        if type(container) is list:
            container.append(value)
        elif pending[-1] is _NO_KEY:
            try:
                if value in container:
                    raise _NotPlain  # the exact loader reports the duplicate key
            except TypeError as exc:
                raise _NotPlain from exc
            pending[-1] = (value, event.start_mark.line + 1)
        else:
            key, line = pending[-1]
            container[key] = value
            container._lines.append(line)
            pending[-1] = _NO_KEY


def load_lined_yaml(text: str) -> Any:
    """The document in `text`, its mappings `LinedMapping`s; PyYAML's errors on bad YAML.

    Nesting deeper than MAX_YAML_DEPTH raises TooDeepError (a MarkedYAMLError) on either path.
    """
    try:
        return _read_events(text)
    except _NotPlain:
        check_yaml_depth(text)
        return yaml.load(text, Loader=LineLoader)
