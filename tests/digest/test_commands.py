"""/digest subscribe, unsubscribe, status, now and resume, typed as users type them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import PROJECT_ROOT
from bot.reply import ReplyKind
from tests.digest.conftest import DOSSIER, MakeReplica, paris
from tests.digest.fake_chat import FakeChat


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/digest subscribe", "at 08:00 (Europe/Paris), every day, in English"),
        ("/digest subscribe 7:30 new york mon-fri", "at 07:30 (America/New_York), Mon–Fri"),
        ("/digest subscribe NEW YORK 18h30", "at 18:30 (America/New_York), every day"),
        ("/digest subscribe paris 6pm weekends", "at 18:00 (Europe/Paris), Sat, Sun"),
        ("/digest subscribe 08:00 Europe/Berlin lun,mer,ven", "(Europe/Berlin), Mon, Wed, Fri"),
        ("/digest subscribe 9 tokyo", "at 09:00 (Asia/Tokyo), every day"),
        ("/digest subscribe berlinn 8:15", "at 08:15 (Europe/Berlin)"),  # a typo
        ('/digest subscribe "sao paulo" every day fr', "(America/Sao_Paulo), every day, in French"),
        ("/digest abonner 8:00 paris", "at 08:00 (Europe/Paris)"),
    ],
)
def test_subscribe_reads_time_zone_and_days(
    make_replica: MakeReplica, typed: str, expected: str
) -> None:
    with time_machine.travel(paris(2026, 3, 2, 12, 0)):
        reply = make_replica().ask(typed)
    assert reply.kind is ReplyKind.OK, reply.text
    assert expected in reply.text
    assert "Next digest: " in reply.text


def test_subscribe_answers_the_next_run_and_updates(make_replica: MakeReplica) -> None:
    bot = make_replica()
    with time_machine.travel(paris(2026, 3, 6, 12, 0)):  # a Friday
        first = bot.ask("/digest subscribe 07:30 paris weekdays")
        again = bot.ask("/digest subscribe 09:00 paris")
    assert first.text == (
        "Subscribed: this channel gets the daily digest at 07:30 (Europe/Paris), Mon–Fri, in "
        "English. Next digest: Monday 9 March 2026, 07:30 (Europe/Paris)."
    )
    assert again.text.startswith("Updated: this channel now gets the daily digest at 09:00")
    assert again.text.endswith("Next digest: Saturday 7 March 2026, 09:00 (Europe/Paris).")


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("/digest subscribe 25:00", "“25:00” is not a time of day: use HH:MM"),
        ("/digest subscribe 8:5 paris", "“8:5” is not a time of day"),
        ("/digest subscribe 08:00 09:00", "Give one time only"),
        ("/digest subscribe 08:00 Mars/Olympus", "Unknown time zone “Mars/Olympus”: use an IANA"),
        ("/digest subscribe 08:00 lodnon england", "Unknown time zone “lodnon england”"),
        ("/digest subscribe 08:00 paris mon-fry", "Cannot read the days “mon-fry”"),
        ("/digest subscrbe 08:00", "Did you mean: /digest subscribe?"),
    ],
)
def test_bad_input_is_answered_clearly(make_replica: MakeReplica, typed: str, answer: str) -> None:
    reply = make_replica().ask(typed)
    assert reply.kind is ReplyKind.USAGE
    assert answer in reply.text


def test_an_unknown_zone_suggests_close_ones(make_replica: MakeReplica) -> None:
    reply = make_replica().ask("/digest subscribe 08:00 paris france")
    assert reply.text == (
        "Unknown time zone “paris france”: use an IANA name such as Europe/Paris or "
        "America/New_York, or a city such as paris or new york. "
        "Did you mean: Europe/Paris, CET?"
    )


def test_who_may_change_a_subscription(make_replica: MakeReplica) -> None:
    bot = make_replica()
    discord = bot.ask("/digest subscribe", platform="discord", channel="42", can_manage=False)
    assert discord.kind is ReplyKind.USAGE
    assert discord.text.startswith("Only members who can manage this channel (Manage Channels)")
    slack = bot.ask("/digest unsubscribe", can_manage=False)
    assert slack.text.startswith("Only this workspace's digest admins may change")
    for action in ("now", "resume"):
        assert bot.ask(f"/digest {action}", can_manage=False).kind is ReplyKind.USAGE
    assert bot.store.subscription("slack", "C1", DOSSIER) is None  # nothing changed
    status = bot.ask("/digest status", can_manage=False)  # everyone may look
    assert status.kind is ReplyKind.EMPTY
    assert status.text.startswith("This channel has no daily digest.")


def test_the_console_cannot_subscribe(make_replica: MakeReplica, tmp_path: Path) -> None:
    bot = make_replica()
    for line in ("/digest subscribe 08:00", "/digest status", "/digest now"):
        reply = bot.ask(line, platform="console", channel="")
        assert reply.kind is ReplyKind.USAGE
        assert "the console cannot receive a digest" in reply.text
    assert not (tmp_path / "digest.sqlite3").exists()  # the database was never opened
    assert bot.ask("/digest", platform="console", channel="").kind is ReplyKind.OK  # preview


def test_french_answers(make_replica: MakeReplica) -> None:
    with time_machine.travel(paris(2026, 3, 2, 12, 0)):
        reply = make_replica().ask("/digest subscribe 8:00 paris", locale="fr")
    assert reply.text.startswith(
        "Abonné : ce canal reçoit le résumé du jour à 08:00 (Europe/Paris), tous les jours, "
        "en français."
    )
    assert "Prochain résumé : mardi 3 mars 2026, 08:00 (Europe/Paris)." in reply.text


def test_unsubscribe_and_status(make_replica: MakeReplica) -> None:
    bot = make_replica()
    assert bot.ask("/digest unsubscribe").text.startswith("This channel has no daily digest")
    assert bot.ask("/digest subscribe 08:00").ok
    assert bot.ask("/digest status").kind is ReplyKind.OK
    assert bot.ask("/digest unsubscribe").text == (
        "Unsubscribed: this channel no longer gets the daily digest."
    )
    assert bot.ask("/digest status").kind is ReplyKind.EMPTY
    assert bot.ask("/digest resume").kind is ReplyKind.EMPTY


async def test_config_subscriptions_are_changed_in_config(make_replica: MakeReplica) -> None:
    declared = ({"platform": "slack", "channel": "CFG", "time": "07:00", "locale": "fr"},)
    bot = make_replica(digest_subscriptions=declared)
    assert bot.ask("/digest subscribe 08:00", channel="CMD").ok
    await bot.start()  # the service applies the file's subscriptions
    status = bot.ask("/digest status", channel="CFG")
    assert status.items[0].title == "07:00 (Europe/Paris), every day, in French"
    fields = {f.name: f.value for f in status.items[0].fields}
    assert fields["Managed in"] == "the configuration file"
    for line in ("/digest subscribe 09:00", "/digest unsubscribe"):
        reply = bot.ask(line, channel="CFG")
        assert reply.kind is ReplyKind.USAGE
        assert "set in the bot's configuration file" in reply.text
    await bot.stop()

    # Dropped from the file: gone at the next start; command subscriptions stay.
    again = make_replica()
    await again.start()
    assert again.store.subscription("slack", "CFG", DOSSIER) is None
    assert again.store.subscription("slack", "CMD", DOSSIER) is not None


async def test_digest_now_posts_at_once(make_replica: MakeReplica, chat: FakeChat) -> None:
    with time_machine.travel(paris(2026, 3, 2, 15, 0), tick=True):
        bot = make_replica(real=True)
        assert bot.ask("/digest now").text.startswith("The digest service is not running")
        await bot.start()
        reply = bot.ask("/digest now", platform="discord", channel="1001")  # not subscribed
        assert reply.text == "Posting the digest of 2 March 2026 in this channel now."
        [post] = await chat.wait_for(1)
        assert (post.platform, post.channel) == ("discord", "1001")
        assert post.body["embeds"][0]["title"] == "Daily digest, 2 March 2026"
        await bot.settled()
        [recorded] = bot.store.posts("discord", "1001", DOSSIER)
        assert recorded.kind == "now"
        assert bot.store.rotation("discord", "1001", DOSSIER)[1] == {recorded.quote_id}
        assert bot.store.last_delivery("discord", "1001", DOSSIER) is None  # not the scheduled one


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.text(max_size=40))
def test_anything_typed_gets_an_answer_not_an_error(make_replica: MakeReplica, words: str) -> None:
    bot = make_replica()
    for action in ("subscribe", "status", "unsubscribe", ""):
        reply = bot.ask(f"/digest {action} {words}".strip())
        assert reply.kind is not ReplyKind.ERROR, (action, words, reply.text)


def test_asking_a_question_never_opens_the_database(tmp_path: Path) -> None:
    """`dispute-bot ask "/quote trump"` loads neither SQLAlchemy nor a database file."""
    code = (
        "import sys\n"
        "from bot.cli import main\n"
        "main(['ask', '/quote trump'])\n"
        "main(['ask', '/digest'])\n"
        "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy imported'\n"
        "assert 'apscheduler' not in sys.modules, 'apscheduler imported'\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Daily digest" in done.stdout
    assert list(tmp_path.iterdir()) == []  # no data/dispute-bot.sqlite3
