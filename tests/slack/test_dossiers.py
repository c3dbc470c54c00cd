"""Two dossiers and two workspaces over Slack: each channel answers from the dossier it
follows (`/dispute use`, for admins), and each workspace in its own language and visibility
(`/dispute settings`), against the fake Slack."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_core
from bot.config import Settings
from tests.dossiers import ANTHROPIC, MAYOR_SAYS, STADIUM_TITLE, TRUMP_SAYS, two_dossiers
from tests.fakes.slack import BOT_TOKEN, DEFAULT_TEAM, Canned, FakeSlack, fixture
from tests.slack.conftest import NOW, MakeSettings, RunBot, SlackSender
from tests.slack.test_http_mode import buttons, texts

ADMIN, READER = "U0ADMIN", "U0REPORTER"
OTHER_TEAM = "T0002STADIUM"


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    return two_dossiers(tmp_path)


@pytest.fixture
def settings(make_settings: MakeSettings, seeds: Path) -> Settings:
    return make_settings(seeds=seeds, slack_admins=(ADMIN,))


@pytest.fixture
def running(
    run_http_bot: RunBot, settings: Settings, seeds: Path
) -> contextlib.AbstractAsyncContextManager[SlackSender]:
    core = build_core(settings, clock=lambda: NOW, eager=True)
    return run_http_bot(core=core, seeds=seeds, slack_admins=(ADMIN,))


class Typist:
    """Types slash commands one after the other and reads each answer."""

    def __init__(self, slack: SlackSender, fake: FakeSlack) -> None:
        self.slack, self.fake = slack, fake

    async def __call__(
        self,
        command: str,
        text: str,
        *,
        channel: str = "C0DESK42",
        user: str = READER,
        team: str = DEFAULT_TEAM,
    ) -> dict[str, Any]:
        answered = len(self.fake.hook_posts)
        sent = await self.slack.command(
            command, text, channel_id=channel, user_id=user, team_id=team
        )
        assert sent.status == 200
        return await self.fake.hook_post(answered + 1)


@pytest.fixture
async def typed(
    running: contextlib.AbstractAsyncContextManager[SlackSender], fake: FakeSlack
) -> AsyncIterator[Typist]:
    async with running as slack:
        yield Typist(slack, fake)


async def test_two_dossiers_answer_in_their_own_channels(typed: Typist) -> None:
    chose = await typed("/dispute", "use stadium", channel="C0STADIUM", user=ADMIN)
    assert f"This channel now follows {STADIUM_TITLE} (stadium)" in texts(chose)

    mayor = await typed("/quote", "mayor", channel="C0STADIUM")
    assert MAYOR_SAYS in texts(mayor)
    trump = await typed("/quote", "trump", channel="C0POLITICS")
    assert TRUMP_SAYS in texts(trump)
    nothing = await typed("/quote", "trump", channel="C0STADIUM")
    assert TRUMP_SAYS not in texts(nothing) and "No quote matches" in texts(nothing)

    listed = await typed("/dispute", "list", channel="C0STADIUM")
    shown = texts(listed)
    assert f"This channel follows {STADIUM_TITLE}." in shown
    assert "followed here" in shown and ANTHROPIC in shown


async def test_only_an_admin_makes_a_channel_follow_another_dossier(typed: Typist) -> None:
    refused = await typed("/dispute", "use stadium", channel="C0STADIUM", user=READER)
    assert "Only the bot's admins in this workspace can choose" in texts(refused)
    still = await typed("/quote", "trump", channel="C0STADIUM")
    assert TRUMP_SAYS in texts(still)


async def test_team_settings_change_one_workspace_and_not_another(typed: Typist) -> None:
    french = await typed("/dispute", "settings language fr", user=ADMIN)
    assert texts(french).count(
        "Changé pour cet espace de travail : les réponses sont maintenant en français (avant : "
        "anglais (par défaut))."
    )
    public = await typed("/dispute", "settings replies public", user=ADMIN)
    assert "les réponses sont maintenant visibles de tout le canal" in texts(public)
    assert public["response_type"] == "ephemeral"  # said to the admin, as replies were

    here = await typed("/quote", "trump")
    assert here["response_type"] == "in_channel" and "dispute_share" not in buttons(here)
    assert "Citations de Donald Trump" in texts(here)
    there = await typed("/quote", "trump", team=OTHER_TEAM)
    assert there["response_type"] == "ephemeral" and "dispute_share" in buttons(there)
    assert "Quotes by Donald Trump" in texts(there)

    shown = await typed("/dispute", "settings")
    assert "Langue des réponses" in texts(shown) and "français" in texts(shown)
    refused = await typed("/dispute", "settings language en", user=READER)
    assert "Seuls les administrateurs du bot dans cet espace" in texts(refused)
    back = await typed("/dispute", "settings language default", user=ADMIN)
    assert "Changed for this workspace: replies are now in English (the default)" in texts(back)


async def test_settings_name_managers_who_may_change_the_digest(typed: Typist) -> None:
    refused = await typed("/digest", "subscribe 08:00 paris", user=READER)
    assert "Only" in texts(refused)
    named = await typed("/dispute", f"settings managers <@{READER}|camille>", user=ADMIN)
    assert f"managed by the admins and {READER}" in texts(named)
    assert f"<@{READER}" not in texts(named)  # said as an id, never a mention
    allowed = await typed("/digest", "subscribe 08:00 paris", user=READER)
    assert "Subscribed" in texts(allowed)
    bad = await typed("/dispute", "settings managers @here", user=ADMIN)
    assert "@\u2060here is not a user id" in texts(bad)  # said back inert: no one pinged


async def test_the_workspaces_own_admins_count_as_admins(
    run_http_bot: RunBot, fake: FakeSlack, settings: Settings, seeds: Path
) -> None:
    """Beside slack_admins, a workspace admin or owner (users.info) may choose a dossier;
    Slack is asked once per member."""
    fake.workspaces[DEFAULT_TEAM] = dataclasses.replace(fake.workspace(), admins=("U0OWNER",))
    core = build_core(settings, clock=lambda: NOW, eager=True)
    async with run_http_bot(core=core, seeds=seeds, slack_admins=(ADMIN,)) as slack:
        typed = Typist(slack, fake)
        owner = await typed("/dispute", "use stadium", channel="C0STADIUM", user="U0OWNER")
        assert "This channel now follows" in texts(owner)
        again = await typed("/dispute", "use stadium", channel="C0STADIUM", user="U0OWNER")
        assert "already follows" in texts(again)
        member = await typed("/dispute", "use stadium", channel="C0OTHER", user=READER)
        assert "Only the bot's admins in this workspace can choose" in texts(member)
        listed = await typed("/dispute", "use stadium", channel="C0OTHER", user=ADMIN)
        assert "This channel now follows" in texts(listed)
    asked = [c.params["user"] for c in fake.calls_to("users.info")]
    assert sorted(asked) == ["U0OWNER", READER]  # once each; a listed admin: never


async def test_without_users_read_the_workspaces_admins_are_members(
    run_http_bot: RunBot,
    fake: FakeSlack,
    settings: Settings,
    seeds: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake.workspaces[DEFAULT_TEAM] = dataclasses.replace(fake.workspace(), admins=("U0OWNER",))
    fake.tokens.add(
        dataclasses.replace(
            fake.tokens.check(BOT_TOKEN, fake.now())[0],
            scopes="app_mentions:read,chat:write,commands,im:history",  # installed before
        )
    )
    core = build_core(settings, clock=lambda: NOW, eager=True)
    async with run_http_bot(core=core, seeds=seeds, slack_admins=(ADMIN,)) as slack:
        typed = Typist(slack, fake)
        for _ in range(2):
            owner = await typed("/dispute", "use stadium", channel="C0STADIUM", user="U0OWNER")
            assert "Only the bot's admins in this workspace can choose" in texts(owner)
    warned = [r for r in caplog.records if "users.info answered missing_scope" in r.getMessage()]
    assert len(warned) == 1  # said once, not at every command


async def test_the_home_tab_lists_the_dossiers_the_workspace_follows(
    typed: Typist, fake: FakeSlack
) -> None:
    user = fake.workspace().users[0]
    await typed.slack.event(fake.app_home_opened(DEFAULT_TEAM, user))
    before = json.dumps((await fake.published_home(DEFAULT_TEAM, user)).view["blocks"])
    assert "Anthropic vs the US Department of Defense" in before
    assert STADIUM_TITLE not in before  # no channel follows it yet

    await typed("/dispute", "use stadium", channel="C0STADIUM", user=ADMIN)
    await typed.slack.event(fake.app_home_opened(DEFAULT_TEAM, user))
    after = json.dumps((await fake.published_home(DEFAULT_TEAM, user, number=2)).view["blocks"])
    assert "Anthropic vs the US Department of Defense" in after and STADIUM_TITLE in after


async def test_the_home_tab_and_an_apology_speak_the_workspaces_language(
    typed: Typist, fake: FakeSlack
) -> None:
    french = await typed("/dispute", "settings language fr", user=ADMIN)
    assert "français" in texts(french)
    user = fake.workspace().users[0]
    await typed.slack.event(fake.app_home_opened(DEFAULT_TEAM, user))
    home = (await fake.published_home(DEFAULT_TEAM, user)).view["blocks"]
    assert "Différends suivis ici" in json.dumps(home, ensure_ascii=False)

    # Slack refuses the answer to a mention once: the apology that follows is in French too.
    fake.fail_next(
        "chat.postMessage", Canned(status=200, body={"ok": False, "error": "fatal_error"})
    )
    mention = fixture("app_mention.json")
    mention["event"]["text"] = "<@U0DISPUTEBOT> quote trump"
    await typed.slack.event(mention)
    apology = await fake.api_call("chat.postMessage", number=2)
    assert "Désolé, une erreur est survenue en répondant à /quote" in texts(apology.params)
