"""The App Home tab: published on app_home_opened with the workspace's token, listing the
dossier followed, the digests of the channels the user is in (and no other), the commands;
published again when the dossier reloads; nothing in it pings, links or formats."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json

from msgspec import structs

from bot.config import load_settings
from bot.core import Request
from bot.corpus.model import Text
from bot.delivery import Team
from bot.digest.records import Subscription
from bot.digest.when import default_schedule
from bot.dossier import Dossier
from bot.platforms.slack.commands import slash_commands
from bot.platforms.slack.home import home_view
from tests.fakes.slack import DEFAULT_TEAM, FakeSlack
from tests.slack.conftest import RunBot, make_core
from tests.slack.oauth_bot import OAuthBot

T0 = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)


def view_text(view: dict[str, object]) -> str:
    """Every text of a view, as Slack would render its mrkdwn (escaped)."""
    return json.dumps(view["blocks"], ensure_ascii=False)


async def test_the_home_tab_shows_the_dossier_and_the_digests_of_the_users_channels_only(
    fake: FakeSlack, served: OAuthBot, dossier: Dossier
) -> None:
    alpha = fake.add_workspace(
        "T0002ALPHA",
        "Alpha Desk",
        channels=("C0ALPHA1", "C0ALPHA2"),
        users=("U0ALPHAED", "U0ALPHAHR"),
        members={"C0ALPHA2": ("U0ALPHAHR",)},  # the editor is not in the HR channel
    )
    beta = fake.add_workspace("T0003BETA", "Beta Desk", channels=("C0BETA1",))
    for workspace in (alpha, beta):
        status, _ = await served.install(workspace)
        assert status == 200
    subscribed = (
        (alpha, "C0ALPHA1", "U0ALPHAED"),
        (alpha, "C0ALPHA2", "U0ALPHAHR"),
        (beta, "C0BETA1", beta.users[0]),
    )
    for workspace, channel, user in subscribed:
        await served.command(
            workspace, "/digest", "subscribe 07:30 Europe/Paris", channel_id=channel, user_id=user
        )
    await fake.hook_post(3)

    opened = fake.app_home_opened(alpha.team_id, "U0ALPHAED")
    assert (await served.sender.event(opened)).status == 200
    home = await fake.published_home(alpha.team_id, "U0ALPHAED")
    assert home.token == fake.bot_token(alpha.team_id)
    text = view_text(home.view)
    corpus = dossier.corpus
    assert corpus.title.en in text
    assert "Latest events" in text
    for event_summary in (
        "Contacted by AFP, Anthropic does not respond immediately.",
        "The ultimatum expires at 22:01 GMT.",
    ):
        assert event_summary in text
    assert "End of the six-month transition" not in text  # a deadline ahead is not news yet
    assert "<#C0ALPHA1>" in text and "07:30 (Europe/Paris)" in text
    assert "C0ALPHA2" not in text  # a channel the user is not in stays private
    assert "C0BETA1" not in text  # and so does every other workspace
    assert "/timeline" in text and "/digest" in text
    assert len(home.view["blocks"]) <= 100


async def test_the_home_tab_is_published_again_when_the_dossier_reloads(
    fake: FakeSlack, served: OAuthBot
) -> None:
    alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk", channels=("C0ALPHA1",))
    await served.install(alpha)
    for user in alpha.users:
        assert (await served.sender.event(fake.app_home_opened(alpha.team_id, user))).status == 200
        await fake.published_home(alpha.team_id, user)
    result = await asyncio.to_thread(served.bot.reload, "watch")
    assert result.ok
    refreshed = await fake.published_home(alpha.team_id, alpha.users[0], number=2)
    assert refreshed.token == fake.bot_token(alpha.team_id)
    assert len(fake.home_views) == 2  # once on opening, once after the reload


async def test_the_home_tab_in_single_token_mode_says_when_slack_hides_the_channels(
    fake: FakeSlack, run_http_bot: RunBot
) -> None:
    """The one-token app was installed with the older scopes (no channels:read): the tab
    lists no digest rather than guessing, and says what would let it."""
    async with run_http_bot() as slack:
        user = fake.workspace().users[0]
        assert (await slack.event(fake.app_home_opened(DEFAULT_TEAM, user))).status == 200
        home = await fake.published_home(DEFAULT_TEAM, user)
    text = view_text(home.view)
    assert "channels:read" in text
    assert "Anthropic vs the US Department of Defense" in text


def test_nothing_from_the_dossier_or_a_subscription_pings_links_or_formats(
    dossier: Dossier,
) -> None:
    hostile = "<!channel> @here *bold* <https://evil.example|click> <@U0BOSS> _x_ `code`"
    corpus = dossier.corpus
    first = structs.replace(corpus.events[-4], summary=Text(en=hostile, fr=hostile))
    corpus = dataclasses.replace(
        corpus,
        title=Text(en=hostile, fr=hostile),
        summary=Text(en=hostile, fr=hostile),
        events=(*corpus.events[:-4], first, *corpus.events[-3:]),
    )
    evil = Dossier(corpus)
    settings = load_settings(environ={})
    core = make_core(settings, evil)
    ctx = core.context(Request(command="home", platform="slack"))
    sub = Subscription(
        platform="slack",
        channel="<!everyone>",
        dossier=core.library.default,
        schedule=default_schedule(settings),
        locale="en",
        effective_from=T0,
        team=Team(team_id="T1"),
    )
    view = home_view(
        ctx,
        dossiers=[evil],
        digests=[sub],
        commands=slash_commands(core.commands, core.settings),
        now=T0,
    )
    text = view_text(view)
    assert "<!" not in text and "<@" not in text and "<http" not in text
    assert "&lt;!channel&gt;" in text and "&lt;!everyone&gt;" in text
    assert "@here" not in text  # a word joiner after the @
    assert "*bold*" not in text and "`code`" not in text
    for block in view["blocks"]:
        for part in [block.get("text"), *block.get("elements", [])]:
            if isinstance(part, dict) and part.get("type") == "mrkdwn":
                assert part["verbatim"] is True  # no typed URL becomes a link
