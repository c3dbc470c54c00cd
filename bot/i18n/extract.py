"""Which catalogue keys the code uses, read from its source: for `make catalogue` and the tests.

The keys are where the call sites name them: `t(locale, "quote.empty")`, `ctx.t("quote.empty")`
and `every_language("summary.quote")`; a call given `n=` says a sentence with plural forms.
A key chosen by a condition (`"a" if x else "b"`, also through a local name) counts as each
key; a key built at run time (`f"stance.{stance}"`) is a pattern, `stance.*`, where `*` stands
for one dotted part. `extract_keys` hands all of them to Babel's `pybabel extract` (a pattern
stands for the keys of the English catalogue it matches, so that `pybabel update` keeps them).
Development only: the bot never imports this module.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

_CATALOGUE_CALLS = {"t": 1, "every_language": 0}  # function name -> position of the key
_METHOD_CALLS = {"t": 0}  # ctx.t(key)
ENGLISH_PO = Path(__file__).with_name("locales") / "en" / "LC_MESSAGES" / "dispute_bot.po"


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyUse:
    """One key a call site may ask for."""

    path: str
    line: int
    key: str | None  # None: the call site's key cannot be read from the source
    plural: bool  # called with `n=`

    @property
    def pattern(self) -> bool:
        return self.key is not None and "*" in self.key

    def matches(self, key: str) -> bool:
        if self.key is None:
            return False
        if not self.pattern:
            return key == self.key
        parts = (re.escape(part) for part in self.key.split("*"))
        return re.fullmatch("[^.]+".join(parts), key) is not None


def _assignments(function: ast.AST) -> dict[str, list[ast.expr]]:
    """The values a function assigns to each plain local name."""
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, []).append(node.value)
    return found


def _parameters(function: ast.AST) -> set[str]:
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        return set()
    args = function.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return {a.arg for a in every if a is not None}


def _keys(node: ast.expr, scope: Mapping[str, list[ast.expr]]) -> list[str | None]:
    """The keys `node` may hold: constants, patterns for f-strings, None when unreadable."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts = [
            v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "*"
            for v in node.values
        ]
        return ["".join(parts)]
    if isinstance(node, ast.IfExp):
        return [*_keys(node.body, scope), *_keys(node.orelse, scope)]
    if isinstance(node, ast.Name) and node.id in scope:
        return [key for value in scope[node.id] for key in _keys(value, {})]
    return [None]


def _key_argument(call: ast.Call) -> ast.expr | None:
    func = call.func
    if isinstance(func, ast.Name) and func.id in _CATALOGUE_CALLS:
        position = _CATALOGUE_CALLS[func.id]
    elif isinstance(func, ast.Attribute) and func.attr in _METHOD_CALLS:
        position = _METHOD_CALLS[func.attr]
    else:
        return None
    return call.args[position] if len(call.args) > position else None


def _uses(
    call: ast.Call, scope: Mapping[str, list[ast.expr]], params: set[str], path: str
) -> list[KeyUse]:
    argument = _key_argument(call)
    if argument is None or (isinstance(argument, ast.Name) and argument.id in params):
        return []
    plural = any(k.arg == "n" for k in call.keywords)
    return [
        KeyUse(path=path, line=call.lineno, key=key, plural=plural)
        for key in _keys(argument, scope)
    ]


def keys_in(source: str, path: str = "<source>") -> list[KeyUse]:
    """Every key the calls in `source` may ask for.

    A wrapper that passes its own parameter on (`def t(self, key): return t(locale, key)`)
    names no key itself, so it is left out.
    """
    tree = ast.parse(source, path)
    uses: list[KeyUse] = []

    def visit(node: ast.AST, scope: dict[str, list[ast.expr]], params: set[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                visit(child, _assignments(child), _parameters(child))
                continue
            if isinstance(child, ast.Call):
                uses.extend(_uses(child, scope, params, path))
            visit(child, scope, params)

    visit(tree, _assignments(tree), set())
    return uses


def keys_under(*roots: Path) -> list[KeyUse]:
    """Every key used by the Python files under `roots`, paths relative to the current folder."""
    uses: list[KeyUse] = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            uses += keys_in(path.read_text(encoding="utf-8"), str(path))
    return uses


def extract_keys(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """A Babel extraction method (pyproject.toml's [tool.babel]): "t" for a sentence, "nt"
    for one with plural forms (`pybabel extract -k t -k nt:1,2`, as `make catalogue` runs it)."""
    from babel.messages.pofile import read_po

    name = getattr(fileobj, "name", "<source>")
    uses = keys_in(fileobj.read().decode("utf-8"), str(name))
    english: list[str] = []
    if any(use.pattern for use in uses):
        with ENGLISH_PO.open("rb") as po:
            ids = (m.id for m in read_po(po) if m.id)
            english = [i if isinstance(i, str) else i[0] for i in ids]
    for use in uses:
        keys = [k for k in english if use.matches(k)] if use.pattern else [use.key]
        for key in keys:
            if key is not None:
                yield (use.line, "nt", (key, key), []) if use.plural else (use.line, "t", key, [])
