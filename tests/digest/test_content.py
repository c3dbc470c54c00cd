"""What a channel reads: news since its last digest, standings, key dates, the quote of the day
and sources, in the channel's language and dated in its time zone; quiet days per config.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle
from typing import Any

import time_machine
from msgspec import structs

from bot.config import PROJECT_ROOT
from bot.corpus import load_corpus
from bot.digest.compose import digest_index
from bot.dossier import Dossier
from tests.digest.conftest import MakeReplica, paris, utc
from tests.digest.fake_chat import FakeChat


def titles(body: dict[str, Any]) -> list[str]:
    return [item["title"] for item in body["items"]]


async def run_days(make_replica: MakeReplica, days: list[int], **overrides: Any) -> Any:
    """Subscribe C1 at 08:00 Paris and let it post on these days of March 2026."""
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica(**overrides)
        assert bot.ask("/digest subscribe 08:00 paris").ok
        await bot.start()
        for day in days:
            traveller.move_to(paris(2026, 3, day, 8, 0, 1))
            await bot.sweep()
            await bot.settled()
    return bot


async def test_first_digest_then_a_quiet_day(make_replica: MakeReplica, chat: FakeChat) -> None:
    await run_days(make_replica, [2, 3])
    first, second = (p.body for p in chat.posts)
    assert first["title"] == "Daily digest, 2 March 2026"
    assert first["text"] == "Anthropic vs the US Department of Defense (2026)"
    assert titles(first) == [
        "In the dossier",
        "Where things stand",
        "Key dates",
        titles(first)[3],
    ]
    assert titles(first)[3].startswith("Quote of the day: ")
    standing = {f["name"] for f in first["items"][1]["fields"]}
    assert {"Donald Trump", "Pete Hegseth", "Anthropic"} <= standing
    key_dates = first["items"][2]["body"]
    assert "3 days since: Donald Trump orders every federal agency" in key_dates  # 27 Feb
    assert "In 17" not in key_dates and "Passed" in key_dates
    assert {s["article_id"] for s in first["sources"]} == {"afp-2026-02-25", "afp-2026-02-28"}

    assert titles(second)[0] == "New since 2 March 2026"
    assert second["items"][0]["body"] == "Nothing new since 2 March 2026."
    assert "4 days since: Donald Trump orders" in second["items"][2]["body"]


async def test_quiet_days_short(make_replica: MakeReplica, chat: FakeChat) -> None:
    await run_days(make_replica, [2, 3], digest_quiet_days="short")
    second = chat.posts[1].body
    assert titles(second)[0] == "New since 2 March 2026"
    assert len(second["items"]) == 2  # the nothing-new line and the quote of the day
    assert titles(second)[1].startswith("Quote of the day: ")
    assert 1 <= len(second["sources"]) < 2  # the quote's source only


async def test_quiet_days_skip(make_replica: MakeReplica, chat: FakeChat) -> None:
    bot = await run_days(make_replica, [2, 3, 4], digest_quiet_days="skip")
    assert [p.digest_date for p in chat.posts] == ["2 March 2026"]
    fields = {f.name: f.value for f in bot.ask("/digest status").items[0].fields}
    assert fields["Last scheduled run"] == "4 March 2026: skipped, nothing new"
    assert fields["Last digest"].startswith("Monday 2 March 2026")


async def test_news_since_the_channels_last_digest(
    make_replica: MakeReplica, chat: FakeChat, dossier: Dossier
) -> None:
    corpus = dossier.corpus
    event = structs.replace(corpus.events[-1], id="new-event", added=dt.date(2026, 3, 3))
    quote = structs.replace(corpus.quotes[0], id="new-quote", added=dt.date(2026, 3, 3))
    newer = dataclasses.replace(
        corpus, events=(*corpus.events, event), quotes=(quote, *corpus.quotes)
    )
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica()
        assert bot.ask("/digest subscribe 08:00 paris").ok
        await bot.start()
        traveller.move_to(paris(2026, 3, 2, 8, 0, 1))
        await bot.sweep()
        await bot.settled()
        bot.core.swap(Dossier(newer))  # the dossier grows on 3 March
        for day in (4, 5):
            traveller.move_to(paris(2026, 3, day, 8, 0, 1))
            await bot.sweep()
            await bot.settled()
    news, quiet = chat.posts[1].body, chat.posts[2].body
    assert news["items"][0]["title"] == "New since 2 March 2026"
    assert event.summary.en in news["items"][0]["body"]
    assert "• 1 quote" in news["items"][0]["body"].splitlines()
    assert quiet["items"][0]["body"] == "Nothing new since 4 March 2026."


async def test_french_channel_in_new_york_is_dated_in_new_york(
    make_replica: MakeReplica, chat: FakeChat
) -> None:
    with time_machine.travel(utc(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica()
        reply = bot.ask("/digest subscribe 20:00 new york fr", channel="CNY")
        assert reply.text.startswith(
            "Subscribed: this channel gets the daily digest at 20:00 (America/New_York), "
            "every day, in French."
        )
        await bot.start()
        traveller.move_to(utc(2026, 3, 3, 1, 0, 1))  # 20:00 on 2 March in New York
        await bot.sweep()
        await bot.settled()
    [post] = chat.posts
    assert post.body["title"] == "Résumé du jour, 2 mars 2026"
    assert post.body["locale"] == "fr"
    assert titles(post.body)[:3] == ["Dans le dossier", "Où en sont les acteurs", "Dates clés"]
    assert "3 jours depuis : Donald Trump ordonne" in post.body["items"][2]["body"]


async def test_sources_are_those_of_what_the_digest_shows(
    make_replica: MakeReplica, chat: FakeChat, dossier: Dossier
) -> None:
    """A dossier of thousands of articles must not list them all under every digest."""
    corpus = dossier.corpus
    unread = structs.replace(
        corpus.articles[0],
        id="afp-2026-01-05",
        title="An older dispatch nothing in the digest cites",
        added=dt.date(2026, 1, 5),
    )
    grown = dataclasses.replace(corpus, articles=(unread, *corpus.articles))
    with time_machine.travel(paris(2026, 3, 1, 12, 0), tick=True) as traveller:
        bot = make_replica()
        bot.core.swap(Dossier(grown))
        assert bot.ask("/digest subscribe 08:00 paris").ok
        await bot.start()
        for day in (2, 3):
            traveller.move_to(paris(2026, 3, day, 8, 0, 1))
            await bot.sweep()
            await bot.settled()
    first, second = (p.body for p in chat.posts)
    # The first digest lists the whole dossier as new, so every article is a source...
    assert [s["article_id"] for s in first["sources"]] == [a.id for a in grown.articles]
    # ...the next one cites the key dates and the quote of the day, not the unread article.
    cited = {s["article_id"] for s in second["sources"]}
    assert cited and "afp-2026-01-05" not in cited
    assert "An older dispatch" not in second["items"][0]["body"]


def test_the_digest_index_is_built_once_per_loaded_dossier_and_only_when_a_digest_runs() -> None:
    dossier = Dossier(load_corpus(PROJECT_ROOT / "seeds"))
    assert dossier._derived == {}  # loading (what `ask` does) prepares no digest
    first = digest_index(dossier)
    assert digest_index(dossier) is first  # every channel's digest reads the same one
    reloaded = Dossier(dossier.corpus)
    assert digest_index(reloaded) is not first  # a reload's dossier gets its own
    # A snapshot keeps the search indexes but not what the digest derived (rebuilt lazily).
    restored = pickle.loads(pickle.dumps(dossier))
    assert restored._derived == {}
    assert digest_index(restored).news.has_news(dt.date(2026, 1, 1))
