"""Several dossiers in one deployment: found in their folders, each answering in the channels
that follow it, a broken one refused alone; from the console with `--dossier`."""

from __future__ import annotations

import concurrent.futures
import logging
import shutil
import threading
from pathlib import Path

import pytest
from msgspec import structs

from bot import snapshot
from bot.app import DisputeBot
from bot.config import Settings, load_settings
from bot.core import Core
from bot.digest.hub import DATABASE_CALLS as DIGEST_CALLS
from bot.errors import ConfigError, CorpusError
from bot.library import Library, find_dossiers
from bot.reply import ReplyKind
from tests.core.conftest import NOW
from tests.core.test_cli import run as cli
from tests.dossiers import (
    ANTHROPIC,
    ANTHROPIC_TITLE,
    MAYOR_SAYS,
    SHIPPED,
    STADIUM,
    STADIUM_TITLE,
    TRUMP_SAYS,
    break_stadium,
    two_dossiers,
)


def settings_for(seeds: Path, tmp_path: Path, **changes: object) -> Settings:
    values: dict[str, object] = {
        "seeds": seeds,
        "digest_database": str(tmp_path / "state.sqlite3"),
        "snapshot_dir": None,
    }
    values.update(changes)
    return structs.replace(load_settings(environ={}), **values)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return two_dossiers(tmp_path)


@pytest.fixture
def bot(seeds: Path, tmp_path: Path) -> DisputeBot:
    return DisputeBot(settings_for(seeds, tmp_path), clock=lambda: NOW)


def in_channel(core: Core, line: str, channel: str, **more: object) -> str:
    """The reply's text, title and items in a channel, as one string to look into."""
    context: dict[str, object] = {"platform": "slack", "channel": channel, "team": "T1"}
    context.update(more)
    reply = core.handle_line(line, **context)
    return "\n".join([reply.title, reply.text, *(str(i) for i in reply.items)])


# Finding and naming them


def test_todays_layout_is_one_dossier_named_by_its_id() -> None:
    layout = find_dossiers(SHIPPED)
    assert layout.single and not layout.refused
    library = Library.open(SHIPPED, snapshot_dir=None)
    assert library.names() == (ANTHROPIC,) and library.default == ANTHROPIC


def test_a_folder_of_dossiers_names_each_by_its_folder(seeds: Path) -> None:
    library = Library.open(seeds, snapshot_dir=None)
    assert library.names() == (ANTHROPIC, "stadium")
    assert library.default == ANTHROPIC  # the first by name, when none is set
    assert library.title("stadium", "fr") == "La mairie contre le club"
    chosen = Library.open(seeds, snapshot_dir=None, default="stadium")
    assert chosen.default_dossier.corpus.title.en == STADIUM_TITLE


def test_a_default_that_names_no_dossier_stops_start_up(seeds: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        DisputeBot(settings_for(seeds, tmp_path, default_dossier="stade"))
    assert "default_dossier: no dossier named 'stade'" in str(refused.value)
    assert f"(there: {ANTHROPIC}, stadium)" in str(refused.value)


def test_a_folder_that_is_not_a_short_name_is_refused_alone(seeds: Path) -> None:
    shutil.copytree(STADIUM, seeds / "Stade Le Mans")
    (seeds / "notes").mkdir()
    library = Library.open(seeds, snapshot_dir=None)
    assert library.get("stadium") is not None
    assert library.problems("Stade Le Mans") == (
        "Stade Le Mans/:0: a dossier's folder is its short name: lowercase letters, digits and "
        "hyphens, at most 40 (rename the folder)",
    )
    assert library.problems("notes") == ("notes/:0: no *.yaml dossier file in this folder",)


def test_a_config_subscription_to_an_unknown_dossier_stops_start_up(
    seeds: Path, tmp_path: Path
) -> None:
    entry = {"platform": "slack", "channel": "C1", "dossier": "stade"}
    with pytest.raises(ConfigError, match=r"digest_subscriptions #1: no dossier named 'stade'"):
        DisputeBot(settings_for(seeds, tmp_path, digest_subscriptions=(entry,)))


# Answering from the channel's dossier


def test_each_channel_answers_from_the_dossier_it_follows(bot: DisputeBot) -> None:
    core = bot.core
    assert TRUMP_SAYS in in_channel(core, "/quote trump", "C1")  # the default, at first
    chose = core.handle_line("/use stadium", platform="slack", channel="C1", can_manage=True)
    assert chose.kind is ReplyKind.OK
    assert chose.text.startswith(f"This channel now follows {STADIUM_TITLE} (stadium)")

    assert MAYOR_SAYS in in_channel(core, "/quote mayor", "C1")
    assert "The mayor, 1 May 2025" in in_channel(core, "/quote", "C1")
    assert "No quote matches" in in_channel(core, "/quote trump", "C1")
    assert STADIUM_TITLE in in_channel(core, "/digest", "C1")  # the preview too
    assert TRUMP_SAYS in in_channel(core, "/quote trump", "C2")  # another channel: the default
    speakers = [c.name for c in core.complete("speaker", "", request=_request("C1"))]
    assert speakers == ["mayor", "Le club"]
    assert "Donald Trump" in [c.name for c in core.complete("speaker", "", request=_request("C2"))]
    assert [c.value for c in core.complete("dossier", "sta")] == ["stadium"]

    listed = core.handle_line("/list", platform="slack", channel="C1", team="T1")
    assert listed.text.startswith(f"This channel follows {STADIUM_TITLE}.")
    assert "/dispute use NAME" in listed.text
    marks = {i.fields[0].value: i.body for i in listed.items}
    assert marks == {ANTHROPIC: "the default", "stadium": "followed here"}


def _request(channel: str) -> object:
    from bot.core import Request

    return Request(command="", platform="slack", channel=channel, team="T1")


def test_only_a_channel_admin_chooses_its_dossier(bot: DisputeBot) -> None:
    core = bot.core
    refused = core.handle_line("/use stadium", platform="slack", channel="C1", can_manage=False)
    assert refused.kind is ReplyKind.USAGE
    assert refused.text.startswith("Only the bot's admins in this workspace can choose")
    assert TRUMP_SAYS in in_channel(core, "/quote trump", "C1")  # nothing changed

    typo = core.handle_line("/use stadum", platform="slack", channel="C1", can_manage=True)
    assert typo.kind is ReplyKind.USAGE
    assert typo.text == (
        f"No dossier is named stadum. The dossiers: {ANTHROPIC}, stadium. Did you mean: stadium?"
    )
    console = core.handle_line("/use stadium", platform="console", can_manage=True)
    assert console.kind is ReplyKind.USAGE
    assert "dispute-bot ask --dossier NAME" in console.text


def test_the_database_down_answers_from_the_default_and_says_so(
    seeds: Path, tmp_path: Path
) -> None:
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    settings = settings_for(seeds, tmp_path, digest_database=str(tmp_path / "not-a-folder/x.db"))
    core = DisputeBot(settings, clock=lambda: NOW).core
    reply = core.handle_line("/quote trump", platform="slack", channel="C1")
    assert reply.kind is ReplyKind.OK and reply.items  # answered all the same
    assert reply.text.startswith(
        "(The bot's database is not answering: this answer comes from the default dossier, "
        f"{ANTHROPIC}.)"
    )
    assert core.handle_line("/help", platform="slack", channel="C1").text.startswith(
        "(The bot's database"
    )
    chose = core.handle_line("/use stadium", platform="slack", channel="C1", can_manage=True)
    assert chose.kind is ReplyKind.ERROR
    assert chose.text.startswith("The bot's database is unavailable: this channel still follows")
    alone = DisputeBot(
        structs.replace(settings, seeds=SHIPPED), clock=lambda: NOW
    ).core.handle_line("/quote trump", platform="slack", channel="C1")
    assert not alone.text.startswith("(")  # one dossier: nothing worth saying


def test_a_channel_finds_its_dossier_while_a_digest_round_keeps_the_database_busy(
    bot: DisputeBot,
) -> None:
    """The digest and the preferences share one state database: while a round of digests has
    all its calls out at once, a command still finds its channel's dossier at once."""
    core = bot.core
    assert core.handle_line("/use stadium", platform="slack", channel="C1", can_manage=True).ok
    database = bot.database.get()
    release = threading.Event()  # the digest's calls last until the command has answered
    with concurrent.futures.ThreadPoolExecutor(DIGEST_CALLS + 1) as pool:
        busy = [pool.submit(database.call, release.wait, 10) for _ in range(DIGEST_CALLS)]
        answer = pool.submit(in_channel, core, "/quote mayor", "C1")
        try:
            text = answer.result(timeout=5)  # else it waited for the digest's calls
        finally:
            release.set()
        assert all(call.result() for call in busy)
    assert MAYOR_SAYS in text and "database is not answering" not in text


# From the console


def test_ask_and_the_console_answer_from_the_dossier_asked_for(seeds: Path) -> None:
    asked = cli("--seeds", str(seeds), "ask", "--dossier", "stadium", "/quote maire")
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.startswith("Quotes by the mayor\n") and MAYOR_SAYS in asked.stdout
    default = cli("--seeds", str(seeds), "ask", "/quote trump")
    assert TRUMP_SAYS in default.stdout
    unknown = cli("--seeds", str(seeds), "ask", "--dossier", "stade", "/quote maire")
    assert unknown.returncode == 2
    assert f"no dossier named 'stade'; there are: {ANTHROPIC}, stadium" in unknown.stderr
    listed = cli("--seeds", str(seeds), "ask", "/list")
    assert f"Answers here come from {ANTHROPIC_TITLE}." in listed.stdout
    assert STADIUM_TITLE in listed.stdout


def test_ask_loads_only_the_dossier_it_answers_from(seeds: Path, tmp_path: Path) -> None:
    break_stadium(seeds)
    core = DisputeBot(settings_for(seeds, tmp_path), eager=False).core
    assert TRUMP_SAYS in in_channel(core, "/quote trump", "")
    assert core.library.problems("stadium") == ()  # never read
    broken = cli("--seeds", str(seeds), "ask", "--dossier", "stadium", "/quote maire")
    assert broken.returncode == 2
    assert "stadium/dispute.yaml:" in broken.stderr and "unknown speaker 'nobody'" in broken.stderr


def test_corpus_check_covers_every_dossier_or_the_one_named(seeds: Path) -> None:
    both = cli("corpus", "check", str(seeds))
    assert both.returncode == 0, both.stderr
    assert f"{ANTHROPIC} ({seeds / ANTHROPIC}): OK: 2 articles" in both.stdout
    assert f"stadium ({seeds / 'stadium'}): OK: 1 articles, 2 actors, 2 quotes" in both.stdout

    problem = break_stadium(seeds)
    broken = cli("corpus", "check", str(seeds))
    assert broken.returncode == 1
    assert problem in broken.stderr.splitlines()
    assert f"1 problem(s) in {seeds} (stadium)" in broken.stderr
    assert f"{ANTHROPIC} ({seeds / ANTHROPIC}): OK" in broken.stdout  # the other still checked
    one = cli("corpus", "check", str(seeds), "--dossier", ANTHROPIC)
    assert one.returncode == 0 and "stadium" not in one.stdout + one.stderr


# A broken dossier, alone


def test_a_broken_dossier_is_refused_alone_at_start_up(
    seeds: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    problem = break_stadium(seeds)
    with caplog.at_level(logging.ERROR, logger="dispute_bot.library"):
        core = DisputeBot(settings_for(seeds, tmp_path), clock=lambda: NOW).core
    assert f"dossier stadium refused: {problem}" in [r.getMessage() for r in caplog.records]
    assert core.library.problems("stadium") == (problem,)
    assert TRUMP_SAYS in in_channel(core, "/quote trump", "C1")
    refused = core.handle_line("/use stadium", platform="slack", channel="C1", can_manage=True)
    assert refused.kind is ReplyKind.USAGE and "cannot be served now" in refused.text
    listed = core.handle_line("/list", platform="slack", channel="C1")
    assert "refused: 1 problem in its files" in [i.body for i in listed.items]


def test_a_broken_default_dossier_stops_start_up_with_file_and_line(
    seeds: Path, tmp_path: Path
) -> None:
    problem = break_stadium(seeds)
    with pytest.raises(CorpusError) as stopped:
        DisputeBot(settings_for(seeds, tmp_path, default_dossier="stadium"))
    assert stopped.value.problems == [problem]


def test_a_broken_dossier_is_refused_alone_at_reload_and_keeps_its_last_version(
    bot: DisputeBot, seeds: Path
) -> None:
    core = bot.core
    core.handle_line("/use stadium", platform="slack", channel="C1", can_manage=True)
    problem = break_stadium(seeds)
    report = bot.reload(trigger="command")
    assert not report.ok
    assert report.of(ANTHROPIC).ok and not report.of("stadium").ok
    assert report.of("stadium").problems == (problem,)
    assert MAYOR_SAYS in in_channel(core, "/quote mayor", "C1")  # its last good version
    marks = [i.body for i in core.handle_line("/list", platform="slack", channel="C1").items]
    assert "followed here · its last good version, its files have 1 problem" in marks

    told = core.handle_line("/reload", platform="slack", channel="C1", is_operator=True)
    assert told.kind is ReplyKind.ERROR
    assert told.text == "2 dossiers read again. 1 was refused, alone: the others are served."
    titles = [i.title for i in told.items]
    assert titles[0] == ANTHROPIC and "stadium: refused" in titles
    assert problem.rsplit(": ", 2)[0] in titles  # the file and line, as its own item

    path = seeds / "stadium" / "dispute.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("nobody", "club"), encoding="utf-8")
    changed = bot.reload(trigger="watch", changed=[path])  # the watcher's paths: one dossier
    assert [r.dossier for r in changed.results] == ["stadium"] and changed.ok
    assert core.library.problems("stadium") == ()


def test_a_new_folder_is_a_new_dossier_and_a_removed_one_is_no_longer_served(
    bot: DisputeBot, seeds: Path
) -> None:
    shutil.copytree(STADIUM, seeds / "stadium-2")
    assert bot.reload(trigger="watch", changed=[seeds / "stadium-2" / "dispute.yaml"]).ok
    assert "stadium-2" in bot.core.library.names()
    shutil.rmtree(seeds / "stadium-2")
    report = bot.reload(trigger="watch", changed=[seeds / "stadium-2"])
    assert report.ok and report.of("stadium-2").dropped
    assert bot.core.library.names() == (ANTHROPIC, "stadium")


def test_each_dossier_keeps_its_own_snapshot(
    seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "WORTH_KEEPING_AFTER", 0.0)
    kept = tmp_path / "snapshots"
    Library.open(seeds, snapshot_dir=kept)
    first = {p.name.split(".")[0]: p for p in kept.glob("dossier-*.pickle")}
    assert set(first) == {f"dossier-{ANTHROPIC}", "dossier-stadium"}
    path = seeds / "stadium" / "dispute.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    Library.open(seeds, snapshot_dir=kept)
    second = {p.name.split(".")[0]: p for p in kept.glob("dossier-*.pickle")}
    assert second[f"dossier-{ANTHROPIC}"] == first[f"dossier-{ANTHROPIC}"]  # untouched
    assert second["dossier-stadium"] != first["dossier-stadium"]  # rebuilt, the old one gone
    assert len(list(kept.glob("dossier-stadium.*.pickle"))) == 1
