"""Live corpus reload: a good dossier swapped in whole, a broken one refused, queries racing."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import threading
from pathlib import Path

import pytest

from bot.app import DisputeBot
from bot.config import Settings
from bot.core import Core
from bot.ops.service_runner import ServiceRunner
from bot.reload import ReloadReport, ReloadResult
from bot.reply import ReplyKind
from handlers.reload import render_result
from tests.ops.conftest import RELOAD_DAY, Clock, add_new_records, ops_settings

BROKEN = """\
quotes:
  - id: made-up
    speaker: nobody-we-know
    text: "never said"
    translation: "never said"
    where: {en: "nowhere", fr: "nulle part"}
    articles: [no-such-article]
"""


def test_a_good_reload_swaps_in_the_new_dossier_and_dates_what_it_added(
    core: Core, seeds_copy: Path, bot: DisputeBot
) -> None:
    before = core.dossier.corpus
    assert "menace pour notre armée" not in str(core.handle_line("/quote trump"))
    assert core.handle_line("/digest").items[0].body == "Nothing new since 9 March 2026."
    add_new_records(seeds_copy)

    report = bot.reload(trigger="command")
    result = report.of(core.library.default)

    assert report.ok and result.ok and result.problems == ()
    assert result.new_articles == ("test-2026-03-09",)
    assert result.new_quotes == ("trump-threat-to-army",)
    assert result.new_events == ()
    corpus = core.dossier.corpus
    assert corpus is result.corpus and corpus is not before
    new_quote = corpus.quote_by_id["trump-threat-to-army"]
    assert new_quote.added == RELOAD_DAY.date()  # not the article's date, 2026-03-09
    assert corpus.article_by_id["test-2026-03-09"].added == RELOAD_DAY.date()
    for quote in before.quotes:  # what was already there keeps its date
        assert corpus.quote_by_id[quote.id].added == quote.added
    # What readers see: the digest's news since yesterday is what the reload added, alone.
    news = core.handle_line("/digest").items[0]
    assert news.title == "New since 9 March 2026"
    assert news.body.splitlines() == [
        "• 1 quote",
        "• Trump revient à la charge contre Anthropic (AFP, 2026-03-09)",
    ]

    reply = core.handle_line("/quote trump menace")
    assert reply.items[0].quote == "menace pour notre armée"


def test_what_a_reload_added_is_what_the_digest_reports_as_new(
    core: Core, seeds_copy: Path, clock: Clock, bot: DisputeBot
) -> None:
    add_new_records(seeds_copy)
    assert bot.reload(trigger="watch").ok
    digest = core.handle_line("/digest")  # the digest's news: since yesterday
    news = digest.items[0].body
    assert "Trump revient à la charge contre Anthropic (AFP, 2026-03-09)" in news
    assert "• 1 quote" in news.splitlines()  # one new quote, in the singular
    assert "Trump se débarrasse" not in news  # the articles loaded before are not news

    clock.now = RELOAD_DAY + dt.timedelta(days=3)
    again = bot.reload(trigger="watch").of(core.library.default)  # nothing new, dates kept
    assert again.ok and again.new_quotes == () and again.new_articles == ()
    assert core.dossier.corpus.quote_by_id["trump-threat-to-army"].added == RELOAD_DAY.date()


def test_a_broken_dossier_is_refused_and_the_last_good_one_kept(
    core: Core, seeds_copy: Path, caplog: pytest.LogCaptureFixture, bot: DisputeBot
) -> None:
    good = core.dossier
    (seeds_copy / "zz-broken.yaml").write_text(BROKEN, encoding="utf-8")

    with caplog.at_level(logging.ERROR, logger="dispute_bot.reload"):
        result = bot.reload(trigger="watch")

    assert not result.ok
    assert core.dossier is good
    assert "zz-broken.yaml:3: quote: unknown speaker 'nobody-we-know'" in result.problems
    assert "zz-broken.yaml:4: quote: unknown article 'no-such-article'" in result.problems
    logged = [r.getMessage() for r in caplog.records]
    for problem in result.problems:  # every problem logged, one line each
        assert f"corpus reload refused: {problem}" in logged
    assert core.handle_line("/quote trump").title == "Quotes by Donald Trump"


def test_the_operators_command_reloads_and_tells_the_operator_what_is_wrong(
    core: Core, seeds_copy: Path
) -> None:
    (seeds_copy / "zz-broken.yaml").write_text(BROKEN, encoding="utf-8")
    # A channel's admin is not an operator: /reload acts on the whole deployment.
    for who in ({"can_manage": False}, {"can_manage": True, "can_configure": True}):
        refused = core.handle_line("/reload", platform="slack", **who)
        assert refused.kind is ReplyKind.USAGE
        assert refused.text == "Only the operators of this bot can use /dispute reload."
        assert refused.items == ()  # the broken file was not read: nothing reloaded

    failed = core.handle_line("/reload", platform="slack", is_operator=True, locale="fr")
    assert failed.kind is ReplyKind.ERROR
    assert failed.title == "Dossier non rechargé"
    assert failed.text.startswith("Le dossier de sources a 2 problèmes ;")
    assert [(i.title, i.body) for i in failed.items] == [
        ("zz-broken.yaml:3", "quote: unknown speaker 'nobody-we-know'"),
        ("zz-broken.yaml:4", "quote: unknown article 'no-such-article'"),
    ]

    (seeds_copy / "zz-broken.yaml").unlink()
    add_new_records(seeds_copy)
    done = core.handle_line("/reload", platform="discord", is_operator=True)
    assert done.kind is ReplyKind.OK
    assert done.title == "Dossier reloaded"
    assert "New since the previous load: 1 article, 1 quote, 0 events" in done.text
    assert core.commands["reload"].admin is True and core.commands["reload"].operator is True


def test_a_long_list_of_problems_is_cut_for_the_channel(core: Core) -> None:
    problems = tuple(f"dispute.yaml:{n}: problem {n}" for n in range(1, 26))
    result = ReloadResult(
        ok=False, trigger="command", problems=problems, corpus=core.dossier.corpus
    )
    reply = render_result(ReloadReport(trigger="command", results=(result,)), "en")
    assert len(reply.items) == 11
    assert reply.items[-1].body.startswith("…and 15 more")


def test_a_query_racing_reloads_sees_one_dossier_or_the_other_never_half(
    core: Core, seeds_copy: Path, bot: DisputeBot
) -> None:
    dossier = seeds_copy / "dispute.yaml"
    original = dossier.read_text(encoding="utf-8")
    renamed = original.replace("name: Donald Trump", "name: Donald J. Trump")

    def second_version() -> None:  # Trump renamed, and one more Trump quote
        dossier.write_text(renamed, encoding="utf-8")
        add_new_records(seeds_copy)

    def first_version() -> None:
        dossier.write_text(original, encoding="utf-8")
        (seeds_copy / "zz-additions.yaml").unlink()

    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def query() -> None:
        while not stop.is_set():
            reply = core.handle_line("/quote trump")
            seen.append((reply.title, len(reply.items)))

    threads = [threading.Thread(target=query) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for turn in range(12):
            second_version() if turn % 2 == 0 else first_version()
            assert bot.reload(trigger="command").ok
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    # Both versions were served, and never the title of one with the quotes of the other.
    assert set(seen) == {("Quotes by Donald Trump", 4), ("Quotes by Donald J. Trump", 5)}


async def run_until(runtime: ServiceRunner, stop: asyncio.Event, done: asyncio.Event) -> None:
    await runtime.start()
    task = asyncio.create_task(runtime.run({}))
    try:
        await asyncio.wait_for(done.wait(), 10)
    finally:
        stop.set()
        await task
        await runtime.close()


async def test_the_watcher_reloads_when_a_seeds_file_changes(seeds_copy: Path) -> None:
    settings = ops_settings(seeds_copy, DISPUTE_BOT_WATCH_SEEDS="true")
    bot = DisputeBot(settings, clock=Clock())
    core = bot.core
    stop, done = asyncio.Event(), asyncio.Event()
    runtime = bot.service_runner(stop)

    async def edit_then_wait() -> None:
        await asyncio.sleep(0.3)  # the watcher is up
        add_new_records(seeds_copy)
        while "trump-threat-to-army" not in core.dossier.corpus.quote_by_id:
            await asyncio.sleep(0.05)
        done.set()

    editing = asyncio.create_task(edit_then_wait())
    await run_until(runtime, stop, done)
    await editing
    assert core.handle_line("/quote trump menace").items[0].quote == "menace pour notre armée"


async def test_sighup_reloads_and_a_refused_reload_tells_the_admins(
    seeds_copy: Path, settings: Settings
) -> None:
    bot = DisputeBot(settings, clock=Clock())
    stop, done = asyncio.Event(), asyncio.Event()
    told: list[ReloadResult] = []

    async def notice(result: ReloadResult) -> None:
        told.append(result)
        done.set()

    runtime = ServiceRunner(bot.core, settings, stop, reload=bot.reload, on_refused=notice)
    (seeds_copy / "zz-broken.yaml").write_text(BROKEN, encoding="utf-8")

    async def hang_up() -> None:
        await asyncio.sleep(0.1)
        os.kill(os.getpid(), signal.SIGHUP)

    sending = asyncio.create_task(hang_up())
    await run_until(runtime, stop, done)
    await sending
    assert [r.trigger for r in told] == ["signal"]
    assert len(told[0].problems) == 2
    assert render_result(told[0], "en").title == "Dossier not reloaded"
