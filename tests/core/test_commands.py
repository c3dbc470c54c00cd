"""Every command, through the core, as a user would read the reply."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.core import Args, Command, Context, Core, empty
from bot.reply import Layout, Reply, ReplyKind

Ask = Callable[..., Reply]


def quotes_of(reply: Reply) -> list[str]:
    return [item.quote or "" for item in reply.items]


def titles(reply: Reply) -> list[str]:
    return [item.title for item in reply.items]


def test_quote_trunp_gives_trumps_quotes_with_sources(ask: Ask) -> None:
    reply = ask("/quote trunp")
    assert reply.kind is ReplyKind.OK
    assert reply.title == "Quotes by Donald Trump"
    # His post, dated by AFP's "vendredi"; the three others have no day in the text. The
    # fragment "cesser immédiatement toute utilisation" is part of the post, not listed.
    assert titles(reply) == [
        "Donald Trump, 27 February 2026 (inferred from “vendredi”)",
        "Donald Trump, reported on 28 February 2026",
        "Donald Trump, reported on 28 February 2026",
        "Donald Trump, reported on 28 February 2026",
    ]
    assert quotes_of(reply)[0].startswith("J'ordonne à TOUTES les agences fédérales")
    assert "cesser immédiatement toute utilisation" not in quotes_of(reply)
    first = reply.items[0]
    assert first.translation
    fields = {f.name: f.value for f in first.fields}
    assert fields["Speaker"] == "Donald Trump"
    assert fields["When"] == "27 February 2026 (inferred from “vendredi”)"
    assert fields["Where"] == "on his platform Truth Social"
    assert "AFP, 2026-02-28: Trump se débarrasse de l'IA d'Anthropic" in fields["Source"]
    assert [s.article_id for s in reply.sources] == ["afp-2026-02-28"]


def test_quote_keywords_keep_the_speakers_quotes_they_match(ask: Ask) -> None:
    """Only the quotes holding the words: the others of the speaker do not follow."""
    reply = ask("/quote trump woke")
    assert [q[:35] for q in quotes_of(reply)] == ["Les Etats-Unis ne laisseront jamais"]
    assert [q[:12] for q in quotes_of(ask("/quote trump égoisme"))] == ["Leur égoïsme"]
    assert [q[:12] for q in quotes_of(ask("/quote trump woek"))] == ["Les Etats-Un"]  # a swap


def test_quote_without_speaker_searches_every_quote(ask: Ask) -> None:
    reply = ask("/quote surveillance")
    speakers = {item.title.split(",")[0] for item in reply.items}
    assert speakers == {"Dario Amodei", "US official (unnamed)"}
    assert quotes_of(ask("/quote pentagone"))[0].startswith("Le Pentagone négocie")


@pytest.mark.parametrize(
    ("typed", "speaker"),
    [
        ("/quote Donald", "Donald Trump"),
        ("/quote hegset", "Pete Hegseth"),
        ("/quote amodéi", "Dario Amodei"),
        ("/quote dario", "Dario Amodei"),
    ],
)
def test_quote_resolves_speakers_forgivingly(ask: Ask, typed: str, speaker: str) -> None:
    reply = ask(typed)
    assert reply.title == f"Quotes by {speaker}"
    assert all(item.title.startswith(speaker) for item in reply.items)


def test_quote_shows_original_french_and_translation(ask: Ask) -> None:
    item = ask("/quote hegseth trahison").items[0]
    assert item.quote == "trahison"
    assert item.translation == "betrayal"


def test_quote_nothing_found_suggests(ask: Ask) -> None:
    reply = ask("/quote trumpette")
    assert reply.kind is ReplyKind.EMPTY
    assert "No quote matches" in reply.text
    assert "/quote Trump" in reply.suggestions
    reply = ask("/quote zzzzqqq")
    assert reply.kind is ReplyKind.EMPTY


def test_quote_speaker_without_matching_words_still_lists_theirs(ask: Ask) -> None:
    reply = ask("/quote hegseth xylophone")
    assert reply.kind is ReplyKind.OK
    assert "No quote by Pete Hegseth matches" in reply.text
    assert quotes_of(reply) == ["trahison", "caprices idéologiques des géants de la tech"]


def event_dates(reply: Reply) -> list[str]:
    return titles(reply)


def test_the_whole_timeline_is_one_page_of_lines_in_date_order(ask: Ask, core: Core) -> None:
    """Page 1 holds the heart of the dispute: every event, one line each, with numbered
    notes for its sources, in date order."""
    reply = ask("/timeline")
    assert reply.layout is Layout.LINES
    assert reply.page is not None and reply.page.count == 1 and reply.page.next is None
    refs = [i.refs[0] for i in reply.items]
    assert refs == [f"event:{e.id}" for e in core.dossier.corpus.events]
    assert titles(reply)[:3] == ["1950", "2021", "June 2025 (inferred from “en juin”)"]
    assert refs.index("event:ultimatum") < refs.index("event:trump-orders-stop")
    # The last thing the articles report; the end of the six months is no event.
    assert titles(reply)[-1] == "reported on 28 February 2026"
    assert not any("August" in t for t in titles(reply))
    assert [s.article_id for s in reply.sources] == ["afp-2026-02-25", "afp-2026-02-28"]
    ultimatum = reply.items[refs.index("event:ultimatum")]
    assert ultimatum.cites == (1,) and ultimatum.fields == ()


def test_timeline_by_actor(ask: Ask, core: Core) -> None:
    reply = ask("/timeline hegseth")
    assert reply.title == "Timeline: Pete Hegseth"
    events = {e.id: e for e in core.dossier.corpus.events}
    assert all("hegseth" in events[i.refs[0].removeprefix("event:")].actors for i in reply.items)
    assert titles(reply) == [
        "24 February 2026 (inferred from “mardi”)",  # the meeting, then the ultimatum
        "24 February 2026",
        "27 February 2026 (inferred from “vendredi”)",
        "27 February 2026, 22:01 GMT (inferred from “vendredi”)",
        "reported on 28 February 2026",  # "trahison": no day in the text
    ]


@pytest.mark.parametrize(
    "typed",
    ["2026-02-27", "27 février", "feb 27", "27/02/2026", "27 fevrier", "vendredi", "friday"],
)
def test_timeline_by_day_in_any_form(ask: Ask, typed: str) -> None:
    reply = ask(f"/timeline {typed}")
    assert reply.kind is ReplyKind.OK
    assert reply.page is not None and reply.page.count == 1
    assert len(reply.items) == 6
    assert all(t.startswith("27 February 2026") for t in titles(reply))
    # The real order: Trump's order, then the transition it opened; the timed deadline last.
    refs = [r for item in reply.items for r in item.refs]
    assert refs[:2] == ["event:trump-orders-stop", "event:transition-announced"]
    assert refs[-1] == "event:ultimatum-deadline"


def test_timeline_by_month_and_year(ask: Ask) -> None:
    february = titles(ask("/timeline février 2026"))
    assert len(february) == 12
    assert titles(ask("/timeline février")) == february  # a month alone: its year is found
    assert all("February 2026" in t for t in february)
    assert titles(ask("/timeline 1950")) == ["1950"]
    assert titles(ask("/timeline juin 2025")) == ["June 2025 (inferred from “en juin”)"]


def test_timeline_by_keyword_and_combined(ask: Ask) -> None:
    reply = ask("/timeline ultimatum")
    assert [i.title for i in reply.items] == [
        "24 February 2026 (inferred from “mardi”)",
        "24 February 2026",
        "26 February 2026 (inferred from “la veille”)",
        "27 February 2026, 22:01 GMT (inferred from “vendredi”)",
    ]
    combined = ask("/timeline hegseth 27 février ultimatum")
    assert titles(combined) == ["27 February 2026, 22:01 GMT (inferred from “vendredi”)"]
    assert combined.title == "Timeline: Pete Hegseth · 27 février · “ultimatum”"


def test_timeline_nothing_found_suggests(ask: Ask) -> None:
    reply = ask("/timeline ultimatom 1990")
    assert reply.kind is ReplyKind.EMPTY
    assert reply.text.startswith("No event matches")
    reply = ask("/timeline ultimatun trump")
    assert reply.kind is ReplyKind.EMPTY
    assert any("ultimatum" in s for s in reply.suggestions)


def test_positions_overview_has_every_issue_with_a_quote(ask: Ask) -> None:
    reply = ask("/positions")
    assert titles(reply) == [
        "Mass surveillance",
        "Fully autonomous weapons",
        "Lifting all usage restrictions",
        "Threats and measures against Anthropic",
    ]
    surveillance = reply.items[0]
    assert surveillance.quote
    assert "Anthropic: refuses" in [f.name for f in surveillance.fields]


def test_positions_of_one_actor_and_on_one_issue(ask: Ask) -> None:
    reply = ask("/positions amodei")
    assert reply.title == "Where Dario Amodei stands"
    assert titles(reply) == ["Mass surveillance", "Fully autonomous weapons"]
    assert reply.items[0].quote and reply.items[0].translation
    issue = ask("/positions armes autonomes")
    assert issue.title == "Positions on Fully autonomous weapons"
    assert titles(issue) == ["Anthropic", "Dario Amodei", "US official (unnamed)"]
    assert ask("/positions survelance").title == "Positions on Mass surveillance"


def test_positions_unknown_suggests(ask: Ask) -> None:
    reply = ask("/positions anthropik ltd")
    assert reply.kind is ReplyKind.EMPTY
    reply = ask("/positions huawei")
    assert reply.kind is ReplyKind.EMPTY
    assert reply.text.startswith("No actor or issue matches")


def test_digest_preview(ask: Ask) -> None:
    reply = ask("/digest")
    assert reply.title == "Daily digest, 1 March 2026"
    sections = titles(reply)
    assert sections[:3] == ["New since 28 February 2026", "Where things stand", "Key dates"]
    assert sections[3].startswith("Quote of the day: ")
    standing = {f.name for f in reply.items[1].fields}
    assert {"Donald Trump", "Pete Hegseth", "Anthropic"} <= standing
    key_dates = reply.items[2].body
    assert "5 days since: Hegseth gives Anthropic an ultimatum" in key_dates
    assert "2 days since: Donald Trump orders every federal agency" in key_dates
    assert "Passed 2 days ago: The ultimatum expires at 22:01 GMT." in key_dates
    # The six months' end is our count from "six mois", not a date AFP gives: no countdown.
    assert "its end: about August 2026 (computed: “six mois” from 27 February 2026)" in key_dates
    assert "days: End of" not in key_dates and "In 1" not in key_dates
    assert reply.items[3].quote and reply.items[3].translation
    assert [s.article_id for s in reply.sources] == ["afp-2026-02-25", "afp-2026-02-28"]


def test_help_and_sources(ask: Ask, core: Core) -> None:
    reply = ask("/help")
    assert [t.split(" ")[0] for t in titles(reply)] == [
        "/timeline",
        "/quote",
        "/positions",
        "/digest",
        "/sources",
        "/list",
        "/help",
    ]
    assert "/dispute list" in titles(core.handle_line("/help", platform="slack"))
    detail = ask("/help quote")
    assert detail.items[0].title == "/quote [speaker] [keywords] [page N]"
    assert "/quote trump woke" in detail.items[0].fields[0].value
    assert ask("/help qoute").suggestions == ("/help quote",)
    sources = ask("/sources")
    assert titles(sources)[0].startswith("Surveillance de masse et armes autonomes")
    assert sources.items[0].body == "AFP, 25 February 2026"


def test_unknown_command_suggests_the_nearest_with_what_followed(ask: Ask) -> None:
    reply = ask("/timline hegseth")
    assert reply.kind is ReplyKind.USAGE
    assert reply.suggestions == ("/timeline hegseth",)
    assert "Unknown command /timline" in reply.text
    assert "Did you mean: /timeline hegseth?" in reply.text
    assert ask("/citation trump", locale="fr").suggestions == ("/quote trump",)


def test_a_page_past_the_end_shows_the_last(ask: Ask) -> None:
    reply = ask("/quote page 9")
    assert reply.page is not None and reply.page.number == 4
    assert reply.text.startswith("Page 9 does not exist; here is page 4, the last.")
    assert reply.page.previous == "/quote page 3"
    assert reply.page.next is None


def test_french_replies_keep_the_original_quotes(ask: Ask) -> None:
    reply = ask("/quote trump woke", locale="fr")
    assert reply.title == "Citations de Donald Trump"
    assert reply.items[0].title == "Donald Trump, rapporté le 28 février 2026"
    assert reply.items[0].quote is not None and reply.items[0].quote.startswith("Les Etats-Unis")
    assert {f.name for f in reply.items[0].fields} >= {"Auteur", "Où", "Source"}
    assert (
        ask("/timeline juin 2025", locale="fr").items[0].title
        == "juin 2025 (déduit de « en juin »)"
    )
    assert ask("/digest", locale="fr").title == "Résumé du jour, 1er mars 2026"


def test_a_failing_handler_answers_with_an_apology(
    core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    from msgspec.structs import replace

    def broken(ctx, args):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    original = core.commands["sources"]
    core.commands["sources"] = replace(original, run=broken)
    try:
        reply = core.handle_line("/sources")
    finally:
        core.commands["sources"] = original
    assert reply.kind is ReplyKind.ERROR
    assert reply.text == "Sorry, something went wrong while answering /sources. It has been logged."
    assert "boom" not in reply.text
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_a_handler_logging_its_context_logs_a_line_not_the_dossier(core: Core) -> None:
    """A handler that logs what it was asked (`%r` of its Context) writes one short line: the
    request and where it is answered, never the whole dossier, library or command table."""
    seen: list[str] = []

    def telling(ctx: Context, args: Args) -> Reply:
        seen.append(repr(ctx))
        return Reply(command="tell", kind=ReplyKind.OK, title="Told", text="Done.")

    tell = Command(name="tell", summary={"en": "Tell"}, usage="/tell", examples=(), run=telling)
    Core(core.settings, core.library, commands=[tell]).handle_line("/tell me")
    [line] = seen
    assert "command='tell'" in line and "args='me'" in line
    assert len(line) < 600, line
    a_quote = core.library.default_dossier.corpus.quotes[0].text
    assert a_quote[:40] not in line


def test_the_suggestions_of_a_command_that_acts_are_never_run(core: Core) -> None:
    """The core runs a suggestion to see whether it leads somewhere only for commands that
    read: one that may change something (subscribe, use, settings, reload, draft) is never
    run on a line the user did not type."""
    assert {c.name for c in core.commands.values() if c.acts} == {
        "digest",
        "use",
        "settings",
        "reload",
        "draft",
    }
    runs: list[str] = []

    def plant_tree(ctx: Context, args: Args) -> Reply:
        runs.append(args.text)  # what a command that acts would have done
        if args.text == "oak":
            return Reply(command="plant", kind=ReplyKind.OK, title="Planted", text="An oak.")
        return empty(
            ctx, command="plant", title="Nothing", text="No such tree.", suggestions=["/plant oak"]
        )

    for acts, expected in ((True, ["olk"]), (False, ["olk", "oak"])):
        plant = Command(
            name="plant",
            summary={"en": "Plant"},
            usage="/plant",
            examples=(),
            acts=acts,
            run=plant_tree,
        )
        planted = Core(core.settings, core.library, commands=[plant])
        runs.clear()
        reply = planted.handle_line("/plant olk")
        assert runs == expected
        assert ("Did you mean" in reply.text) is not acts
