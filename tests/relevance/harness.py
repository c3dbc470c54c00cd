"""Runs a case of cases.yaml through the real Core and every platform's renderer.

A case is one line a user types, in a language, on a day; it says what must come first,
what must follow, what must never appear and what the answer must say (see the header of
cases.yaml). Every page of the answer is read (following its "next" line, as a user
would), rendered as console text, Slack blocks and a Discord embed, and each rendering is
checked: the words a user reads must be the same on all three.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from msgspec import structs

from bot.app import DisputeBot
from bot.config import Settings
from bot.core import Request
from bot.corpus.model import Corpus
from bot.i18n import t
from bot.platforms.console import Session
from bot.platforms.console.render import render_text
from bot.platforms.discord.render import render_message as discord_message
from bot.platforms.slack.render import render_message as slack_message
from bot.reply import Item, Reply

CASES = Path(__file__).with_name("cases.yaml")
DEFAULT_DAY = dt.date(2026, 12, 1)  # the day the table's "today" answers were taken
CHANNEL = "C0RELEVANCE"
MAX_PAGES = 10


def load_cases(half: str) -> list[dict[str, Any]]:
    """The cases of one half of issue 12, each with its number in the table."""
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]
    return [dict(case, number=n) for n, case in enumerate(cases) if case["half"] == half]


def case_id(case: dict[str, Any]) -> str:
    return f"{case['number']}:{case['locale']}:{' '.join(case['line'].split())[:60]}"


@dataclass(slots=True)
class Answer:
    """Every page of one answer, as data and as each platform shows it."""

    pages: list[Reply]
    renderings: dict[str, str] = field(default_factory=dict)  # platform -> all pages' text

    @property
    def first(self) -> Reply:
        return self.pages[0]

    def refs(self, *, digest: bool) -> list[str]:
        """The records shown, in order; for a digest, those of its "New since" section."""
        if digest:
            return list(self.first.items[0].refs) if self.first.items else []
        return [ref for page in self.pages for item in page.items for ref in item.refs]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def reply_text(reply: Reply) -> str:
    """The reply's own words (title, text, items and their fields), as `ask --format json`."""
    parts = [reply.title, reply.text]
    for item in reply.items:
        parts += item_texts(item)
    return _collapse("\n".join(parts))


def item_texts(item: Item) -> list[str]:
    parts = [item.title, item.body, item.quote or "", item.translation or "", *item.notes]
    parts += [f"{f.name}: {f.value}" for f in item.fields]
    return parts


def _console(reply: Reply) -> str:
    return render_text(reply)


_SLACK_MARKS = re.compile(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_SLACK_FIELD = re.compile(r"^\*([^*\n]+)\*\n", re.MULTILINE)


def _slack(reply: Reply) -> str:
    """What a Slack user reads: every text of the blocks, marks and entities undone."""
    label = t(reply.locale, "label", name="\0", value="").replace("\0", "")
    texts: list[str] = []

    def add(text: str) -> None:
        text = _SLACK_FIELD.sub(lambda m: m[1] + label, text)
        text = re.sub(r"^>", "", text, flags=re.MULTILINE)
        texts.append(html.unescape(_SLACK_MARKS.sub("", text)))

    for block in slack_message(reply)["blocks"]:
        if "text" in block and isinstance(block["text"], dict):
            add(block["text"]["text"])
        for part in (*block.get("fields", ()), *block.get("elements", ())):
            if "text" in part and isinstance(part["text"], str):
                add(part["text"])
            elif "text" in part:
                add(part["text"]["text"])
    return "\n".join(texts)


_DISCORD_ESCAPE = re.compile(r"\\(.)")


def _discord(reply: Reply) -> str:
    """What a Discord user reads: the embed's texts, markdown escapes and marks undone."""
    label = t(reply.locale, "label", name="\0", value="").replace("\0", "")
    message = discord_message(reply)
    texts = [message.get("content", "")]
    for embed in message["embeds"]:
        texts += [embed.get("title", ""), embed.get("description", "")]
        for one in embed.get("fields", []):
            texts.append(f"{one['name']}{label}{one['value']}")
        texts.append(embed.get("footer", {}).get("text", ""))
    text = "\n".join(texts).replace("**", "")
    text = re.sub(r"^> ", "", text, flags=re.MULTILINE)
    text = re.sub(r"(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)", "", text)
    return _DISCORD_ESCAPE.sub(r"\1", text)


RENDERERS = {"console": _console, "slack": _slack, "discord": _discord}


def settings_for(base: Settings, case: dict[str, Any], tmp: Path) -> Settings:
    return structs.replace(
        base,
        locale=case["locale"],
        follow_user_locale=False,
        digest_database=str(tmp / "digest.sqlite3"),
    )


def ask(base: Settings, case: dict[str, Any], tmp: Path) -> Answer:
    """The whole answer to a case's line, on its day, every page of it."""
    day = dt.date.fromisoformat(str(case.get("at", DEFAULT_DAY)))
    now = dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)
    bot = DisputeBot(settings_for(base, case, tmp), clock=lambda: now)
    core = bot.core
    platform, channel = "console", ""
    if "last_digest" in case:  # the channel had a digest on that day
        platform, channel = "slack", CHANNEL
        last = dt.date.fromisoformat(str(case["last_digest"]))
        bot.digest.store.record_post(
            platform=platform,
            channel=channel,
            dossier=core.library.default,
            local_date=last,
            kind="daily",
            message_id="1",
            quote_id=None,
            rotation_round=0,
            now=dt.datetime.combine(last, dt.time(8, 0), tzinfo=dt.UTC),
        )
    try:
        if case.get("session"):  # lines typed before, at the console: `next` continues them
            session = Session(core)
            for line in case["session"]:
                session.answer(line)
            pages = [session.answer(case["line"])]
        else:
            pages = [core.handle(Request.parse(case["line"], platform=platform, channel=channel))]
        while pages[-1].page and pages[-1].page.next and len(pages) < MAX_PAGES:
            line = pages[-1].page.next
            pages.append(core.handle(Request.parse(line, platform=platform, channel=channel)))
    finally:
        bot.digest.close()
    answer = Answer(pages=pages)
    for name, render in RENDERERS.items():
        answer.renderings[name] = _collapse("\n".join(render(page) for page in pages))
    answer.renderings["reply"] = _collapse("\n".join(reply_text(page) for page in pages))
    return answer


def _matches(ref: str, ident: str) -> bool:
    return ref == ident or ref.split(":", 1)[-1] == ident


def _about(corpus: Corpus, ref: str, ident: str) -> bool:
    """Whether a shown record is by or about an actor, or about an issue (`expect: trump`)."""
    kind, _, key = ref.partition(":")
    if kind == "quote" and key in corpus.quote_by_id:
        quote = corpus.quote_by_id[key]
        return ident in (quote.speaker, *quote.issues)
    if kind == "event":
        event = next((e for e in corpus.events if e.id == key), None)
        return event is not None and ident in (*event.actors, *event.mentions)
    if kind == "position":
        return ident in key.split("/")
    return key == ident


def check(answer: Answer, case: dict[str, Any], corpus: Corpus) -> list[str]:
    """What the answer gets wrong against the case; empty when it answers as described."""
    wrong: list[str] = []
    first = answer.first
    digest = case["line"].split()[:1] == ["/digest"]
    if first.kind.value != case["kind"]:
        wrong.append(f"kind {first.kind.value}, not {case['kind']}: {first.text!r}")
    refs = answer.refs(digest=digest)
    expect = case.get("expect")
    if expect is not None:
        if str(expect).startswith("text:"):
            fragment = str(expect)[5:]
            shown = _collapse(" ".join(item_texts(first.items[0]))) if first.items else ""
            if fragment not in shown:
                wrong.append(f"first item does not say {fragment!r}: {shown[:200]!r}")
        elif not refs or not (_matches(refs[0], expect) or _about(corpus, refs[0], expect)):
            wrong.append(f"first is {refs[:1]}, not {expect!r}")
    at = 0
    for ident in case.get("then", []):
        found = next((n for n in range(at, len(refs)) if _matches(refs[n], ident)), None)
        if found is None:
            wrong.append(f"{ident!r} does not follow in order: {refs}")
        else:
            at = found + 1
    for banned in case.get("must_not", []):
        if banned.startswith("text:"):
            for name, text in answer.renderings.items():
                if _collapse(banned[5:]) in text:
                    wrong.append(f"{name} shows {banned[5:]!r}")
        elif any(_matches(ref, banned) for ref in refs):
            wrong.append(f"shows {banned!r}: {refs}")
    for phrase in case.get("contains", []):
        for name, text in answer.renderings.items():
            if name != "reply" and _collapse(phrase) not in text:
                wrong.append(f"{name} does not say {phrase!r}")
    if "pages" in case and len(answer.pages) != case["pages"]:
        wrong.append(f"{len(answer.pages)} pages, not {case['pages']}")
    wrong += _same_order_everywhere(answer)
    return wrong


def run(base: Settings, case: dict[str, Any], corpus: Corpus, tmp: Path) -> list[str]:
    """What the answer to a case gets wrong, each page checked against its platform's limits
    too (Slack's blocks, Discord's embed): empty when it answers as described."""
    from tests.discord.test_render import assert_within_discord_limits
    from tests.slack.test_render import assert_valid_for_slack

    answer = ask(base, case, tmp)
    for page in answer.pages:
        assert_valid_for_slack(slack_message(page, share_button=True))
        assert_within_discord_limits(discord_message(page, share_button=True))
    wrong = check(answer, case, corpus)
    return [f"{case['line']!r} ({case['locale']}): {case['why']}", *wrong] if wrong else []


def _same_order_everywhere(answer: Answer) -> list[str]:
    """Each platform shows the items in the order of the reply."""
    wrong = []
    titles = [_collapse(item.title) for page in answer.pages for item in page.items]
    for name, text in answer.renderings.items():
        at = 0
        for title in titles:
            found = text.find(title, at)
            if found < 0:
                wrong.append(f"{name} lacks or reorders the item {title!r}")
                break
            at = found + len(title)
    return wrong


def known_ids(corpus: Corpus) -> set[str]:
    """Every id a case may name: records, actors, issues and position pairs."""
    ids = {q.id for q in corpus.quotes} | {e.id for e in corpus.events}
    ids |= {a.id for a in corpus.actors} | {i.id for i in corpus.issues}
    ids |= {f"position:{p.actor}/{p.issue}" for p in corpus.positions}
    return ids
