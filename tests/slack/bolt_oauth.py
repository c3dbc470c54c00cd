"""Bolt's own multi-workspace app on loopback, to check the fake Slack against Bolt's real code.

The bot's OAuth mode does not exist yet; these helpers serve a plain slack_bolt AsyncApp with
AsyncOAuthSettings (install page, redirect, events) and installation and state stores, so the
fake's OAuth, per-team answers and events are proven against what AsyncOAuthFlow,
AsyncInstallationStoreAuthorize and the revocation listeners really send and read. A browser
(an aiohttp session keeping cookies) installs the app as a person would.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import FileInstallationStore
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store import FileOAuthStateStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import create_async_engine

from tests.fakes.slack import (
    CLIENT_ID,
    CLIENT_SECRET,
    SIGNING_SECRET,
    Browser,
    FakeSlack,
    Workspace,
)

SCOPES = ("chat:write", "commands")


@dataclass(frozen=True, slots=True, kw_only=True)
class Stores:
    installations: AsyncInstallationStore
    states: AsyncOAuthStateStore


def file_stores(folder: Path) -> Stores:
    return Stores(
        installations=FileInstallationStore(
            base_dir=str(folder / "installations"), client_id=CLIENT_ID
        ),
        states=FileOAuthStateStore(expiration_seconds=600, base_dir=str(folder / "states")),
    )


@contextlib.asynccontextmanager
async def sqlalchemy_stores(url: str) -> AsyncIterator[Stores]:
    """slack_sdk's AsyncSQLAlchemy stores on `url` (sqlite+aiosqlite or postgresql+psycopg)."""
    engine = create_async_engine(url)
    installations = AsyncSQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=engine)
    states = AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine)
    await installations.create_tables()
    await states.create_tables()
    try:
        yield Stores(installations=installations, states=states)
    finally:
        await engine.dispose()


class BoltOAuthApp:
    """A Bolt AsyncApp with OAuth served on a free port: /slack/install,
    /slack/oauth_redirect and /slack/events, Bolt's defaults."""

    def __init__(self, fake: FakeSlack, stores: Stores) -> None:
        self.fake = fake
        self.stores = stores
        self.app: AsyncApp | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def redirect_url(self) -> str:
        return f"{self.base}/slack/oauth_redirect"

    async def start(
        self, *, redirect_uri: bool = True, authorization_url: str | None = None
    ) -> BoltOAuthApp:
        web_app = web.Application()
        web_app.router.add_get("/slack/install", self._install)
        web_app.router.add_get("/slack/oauth_redirect", self._redirect)
        web_app.router.add_post("/slack/events", self._events)
        self._runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])
        self.app = build_app(
            self.fake,
            self.stores,
            redirect_uri=self.redirect_url if redirect_uri else None,
            authorization_url=authorization_url,
        )
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _bolt(self) -> AsyncApp:
        assert self.app is not None
        return self.app

    async def _install(self, request: web.Request) -> web.Response:
        flow = self._bolt().oauth_flow
        assert flow is not None
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def _redirect(self, request: web.Request) -> web.Response:
        flow = self._bolt().oauth_flow
        assert flow is not None
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    async def _events(self, request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await self._bolt().async_dispatch(await to_bolt_request(request))
        )

    def browser(self) -> aiohttp.ClientSession:
        return browser_at(self.base)

    async def install_link(self, browser: aiohttp.ClientSession) -> str:
        return await install_link_at(self.base, browser)

    async def install(
        self, browser: aiohttp.ClientSession, team_id: str, user_id: str
    ) -> tuple[int, str]:
        return await install_at(self.base, self.fake, browser, team_id, user_id)


def browser_at(base: str) -> aiohttp.ClientSession:
    """A browser session: keeps Bolt's state cookie (Secure: loopback is a secure origin)."""
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=base)
    return aiohttp.ClientSession(cookie_jar=jar)


async def install_link_at(base: str, browser: aiohttp.ClientSession) -> str:
    """The "Add to Slack" link of the install page at `base` (its state cookie now set)."""
    async with browser.get(f"{base}/slack/install") as page:
        assert page.status == 200, await page.text()
        link = re.search(r'<a href="([^"]+)"', await page.text())
    assert link is not None
    return html.unescape(link.group(1))


async def install_at(
    base: str, fake: FakeSlack, browser: aiohttp.ClientSession, team_id: str, user_id: str
) -> tuple[int, str]:
    """Open `base`/slack/install, follow its "Add to Slack" link as `user_id` signed in to
    `team_id` (clicking Allow), land on the redirect URL: its status and page."""
    link = await install_link_at(base, browser)
    fake.oauth.browser = Browser(team_id=team_id, user_id=user_id)
    back = fake.approve(link)
    async with browser.get(back) as landed:
        return landed.status, await landed.text()


def two_workspaces(fake: FakeSlack) -> tuple[Workspace, Workspace]:
    """Alpha, a plain workspace, and Beta, a workspace of an Enterprise Grid org."""
    alpha = fake.add_workspace("T0002ALPHA", "Alpha Desk", channels=("C0ALPHA1",))
    beta = fake.add_workspace(
        "T0003BETA",
        "Beta Desk",
        channels=("C0BETA1",),
        enterprise_id="E0003GRID",
        enterprise_name="Beta Grid",
    )
    return alpha, beta


def build_app(
    fake: FakeSlack,
    stores: Stores,
    *,
    redirect_uri: str | None,
    authorization_url: str | None = None,
) -> AsyncApp:
    """Bolt's multi-workspace app as its docs set it up, every Web API call (oauth.v2.access
    and token rotation included) through the fake.

    The store is given to AsyncApp as well as to the OAuth settings: only then does Bolt's
    authorize rotate tokens through `client` (the settings' own authorize calls slack.com).
    """
    client = AsyncWebClient(base_url=fake.api_url)
    settings = AsyncOAuthSettings(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes=list(SCOPES),
        user_scopes=[],
        redirect_uri=redirect_uri,
        authorization_url=authorization_url,
        installation_store=stores.installations,
        state_store=stores.states,
    )
    app = AsyncApp(
        signing_secret=SIGNING_SECRET,
        client=client,
        installation_store=stores.installations,
        oauth_settings=settings,
        process_before_response=True,
    )
    app.enable_token_revocation_listeners()

    @app.command("/quote")
    async def quote(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await ack()
        await client.chat_postMessage(
            channel=command["channel_id"], text=f"a quote for {context.team_id}"
        )

    @app.event("app_home_opened")
    async def home(
        event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        text = f"Home of {context.team_id} for {event['user']}"
        view = {
            "type": "home",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        }
        await client.views_publish(user_id=event["user"], view=view)

    return app
