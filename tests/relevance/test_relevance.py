"""Issue 12's relevance table, query half: each case through the real core and every renderer.

`cases.yaml` says, for a line a user types, what must come first, what must follow in which
order, what must never appear and which words the answer must show. Each `half: query` case
runs on the console (a console session, for the lines typed before it), and its answer is
rendered as the console prints it, as Slack's Block Kit and as Discord's embed; the words
are checked in each rendering, after undoing only what the renderer itself adds (marks,
escapes), and every rendering must be within its platform's limits.

A case's `pending` assertions are the dossier half's (a record it removes, a date it marks
as reported): each must still fail here, and the test fails once one holds, so the entry is
dropped when that half merges.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.app import build_core
from bot.config import load_settings
from bot.core import Core
from bot.corpus.model import Corpus
from bot.platforms.console import Session, render_text
from bot.platforms.discord.render import render_message as discord_message
from bot.platforms.slack.render import render_message as slack_message
from bot.reply import Item, Reply
from tests.discord.test_render import assert_within_discord_limits
from tests.slack.test_render import assert_valid_for_slack

CASES = Path(__file__).with_name("cases.yaml")
# The day the table's "today" answers were taken: relative words must not read it.
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
WORD_JOINER = "\u2060"


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    return cases


def case_id(number: int, case: dict[str, Any]) -> str:
    line = " ".join(case["line"].split())[:40] or "(empty)"
    return f"{number:03d}-{case['locale']}-{line}"


QUERY_CASES = [
    pytest.param(case, id=case_id(number, case))
    for number, case in enumerate(load_cases())
    if case["half"] == "query"
]


@pytest.fixture(scope="module")
def cores() -> dict[str, Core]:
    """A core per reply language, as the console runs with DISPUTE_BOT_LOCALE set."""
    return {
        locale: build_core(load_settings(environ={"DISPUTE_BOT_LOCALE": locale}), clock=lambda: NOW)
        for locale in ("en", "fr")
    }


# What each platform shows, as plain words.


def slack_words(reply: Reply) -> str:
    """Every text of the Block Kit message, without the marks and escapes the renderer adds."""
    message = slack_message(reply, share_button=True)
    assert_valid_for_slack(message)
    texts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                texts.append(node["text"])
            for key, value in node.items():
                if key != "text" or not isinstance(value, str):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message["blocks"])
    text = "\n".join(texts)
    # The renderer's own marks stand bare; marks a user or the dossier typed are kept inert
    # between word joiners (bot.platforms.slack.mrkdwn.escape).
    text = re.sub(f"(?<!{WORD_JOINER})[*_~](?!{WORD_JOINER})", "", text)
    text = re.sub(r"^>", "", text, flags=re.MULTILINE)
    return html.unescape(text.replace(WORD_JOINER, ""))


def discord_words(reply: Reply) -> str:
    """The embed's title, description, fields and footer, without the renderer's markdown."""
    body = discord_message(reply, share_button=True)
    assert_within_discord_limits(body)
    texts = [body["content"]]
    for embed in body["embeds"]:
        texts += [embed.get("title", ""), embed.get("description", "")]
        for field in embed.get("fields", []):
            texts += [field["name"], field["value"]]
        texts.append(embed.get("footer", {}).get("text", ""))
    text = "\n".join(texts)
    text = re.sub(r"^> ", "", text, flags=re.MULTILINE)
    text = re.sub(r"(?<!\\)\*", "", text)
    return re.sub(r"\\(.)", r"\1", text)


RENDERERS: dict[str, Callable[[Reply], str]] = {
    "console": render_text,
    "slack": slack_words,
    "discord": discord_words,
}


def collapsed(text: str) -> str:
    return " ".join(text.split())


# What the answer holds: its pages and the records its items show.


def item_text(item: Item) -> str:
    parts = [item.title, item.body, item.quote or "", item.translation or ""]
    parts += [f"{f.name} {f.value}" for f in item.fields]
    return collapsed(" ".join(parts))


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    first: Reply
    pages: list[Reply]  # the first and every page after it, following `page.next`
    renderings: dict[str, str]  # platform -> the words of every page, as shown

    @property
    def items(self) -> list[Item]:
        return [item for page in self.pages for item in page.items]


def answer(core: Core, case: dict[str, Any]) -> Answer:
    session = Session(core)
    for line in case.get("session") or ():
        session.answer(line)
    first = session.answer(case["line"])
    pages = [first]
    while pages[-1].page is not None and pages[-1].page.next and len(pages) < 20:
        pages.append(core.handle_line(pages[-1].page.next, platform="console"))
    renderings = {
        name: collapsed("\n".join(render(page) for page in pages))
        for name, render in RENDERERS.items()
    }
    return Answer(first=first, pages=pages, renderings=renderings)


class Records:
    """What an id of the table names in the dossier, to read the items of an answer."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.quotes = {q.id: q for q in corpus.quotes}
        self.events = {e.id: e for e in corpus.events}
        self.actors = set(corpus.actor_by_id)
        self.issues = set(corpus.issue_by_id)

    def shows(self, item: Item, wanted: str) -> bool:
        """Whether `item` is the record `wanted`, or is by or about the actor or issue it names."""
        if wanted.startswith("text:"):
            return collapsed(wanted[5:]) in item_text(item)
        kind, _, ident = item.ref.partition(":")
        if wanted.startswith("position:"):
            return item.ref == wanted
        if wanted in self.quotes or wanted in self.events:
            return ident == wanted
        if wanted in self.actors:
            if kind == "quote":
                return self.quotes[ident].speaker == wanted
            if kind == "event":
                return wanted in self.events[ident].actors
            if kind == "position":
                return ident.split("/")[0] == wanted
            return False
        if wanted in self.issues:
            if kind == "issue":
                return ident == wanted
            if kind == "position":
                return ident.split("/")[1] == wanted
            if kind == "quote":
                return wanted in self.quotes[ident].issues
            return False
        return False

    def known(self, wanted: str) -> bool:
        """Whether the dossier has what an expectation names (a removed record has no item)."""
        if wanted.startswith(("text:", "position:")):
            return True
        return wanted in {*self.quotes, *self.events, *self.actors, *self.issues}


def checks(case: dict[str, Any], records: Records) -> Iterator[tuple[str, str, Any]]:
    """(check, description, value) for every assertion of a case: one each, to mark pending."""
    yield "kind", f"kind {case['kind']}", case["kind"]
    if "expect" in case:
        yield "expect", f"first item {case['expect']}", case["expect"]
    if case.get("then"):
        yield "then", f"then {case['then']}", case["then"]
    if "pages" in case:
        yield "pages", f"{case['pages']} page(s)", case["pages"]
    for value in case.get("must_not") or ():
        yield "must_not", f"never {value}", value
    for value in case.get("contains") or ():
        yield "contains", f"shows {value!r}", value


def failure(
    check: str, value: Any, case: dict[str, Any], found: Answer, records: Records
) -> str | None:
    """Why `found` fails one check, or None when it holds."""
    items = found.items
    if check == "kind":
        actual = found.first.kind.value
        return None if actual == value else f"kind is {actual}, not {value}"
    if check == "expect":
        if not found.first.items:
            return f"no item; wanted {value} first"
        first = found.first.items[0]
        return None if records.shows(first, value) else f"first item is {first.ref or first.title}"
    if check == "then":
        # After the first item when `expect` names it; from the first item when `expect`
        # only describes it (a date's text, an actor).
        lead = case.get("expect", "")
        wanted = [lead, *value] if lead in records.quotes or lead in records.events else value
        position = -1
        for ident in wanted:
            assert records.known(ident), f"the dossier has no {ident}"
            at = next(
                (n for n, item in enumerate(items) if n > position and records.shows(item, ident)),
                None,
            )
            if at is None:
                order = [item.ref or item.title for item in items]
                return f"{ident} does not follow in order {wanted}: {order}"
            position = at
        return None
    if check == "pages":
        count = found.first.page.count if found.first.page else 1
        return None if count == value else f"{count} pages, not {value}"
    if check == "must_not":
        if value.startswith("text:"):
            fragment = collapsed(value[5:])
            shown = [name for name, words in found.renderings.items() if fragment in words]
            return f"{fragment!r} shown on {shown}" if shown else None
        hits = [item.ref for item in items if records.shows(item, value)]
        return f"{value} listed ({hits})" if hits else None
    if check == "contains":
        phrase = collapsed(value)
        missing = [name for name, words in found.renderings.items() if phrase not in words]
        return f"{phrase!r} not shown on {missing}" if missing else None
    raise AssertionError(check)


def pending_checks(case: dict[str, Any]) -> set[tuple[str, str]]:
    pending = case.get("pending") or {}
    found: set[tuple[str, str]] = set()
    for check, value in pending.items():
        values = value if isinstance(value, list) and check in ("must_not", "contains") else [value]
        found.update((check, repr(v)) for v in values)
    return found


@pytest.mark.parametrize("case", QUERY_CASES)
def test_query_case(cores: dict[str, Core], case: dict[str, Any]) -> None:
    core = cores[case["locale"]]
    records = Records(core.dossier.corpus)
    found = answer(core, case)
    pending = pending_checks(case)
    failed: list[str] = []
    holding: list[str] = []
    for check, description, value in checks(case, records):
        problem = failure(check, value, case, found, records)
        if (check, repr(value)) in pending:
            if problem is None:
                holding.append(description)
            continue
        if problem is not None:
            failed.append(f"{description}: {problem}")
    assert not failed, "\n".join([f"{case['line']!r} ({case['locale']}):", *failed])
    assert not holding, f"pending checks now hold, remove them from `pending`: {holding}"
