"""Slack's OAuth v2 on the fake: the authorize page, oauth.v2.access, and token rotation.

What Bolt's AsyncOAuthFlow and slack_sdk's AsyncTokenRotator send and read: the browser goes
to /oauth/v2/authorize (client_id, scope, user_scope, redirect_uri, state, team) and comes back
to the redirect URL with `code` and `state`; the app exchanges the code at oauth.v2.access
with its client id and secret (HTTP Basic, as slack_sdk sends them, or form fields), and later
renews an expiring token there with grant_type=refresh_token. Codes are single-use and expire
after ten minutes; a refresh token is revoked once used; the old access token keeps working
until its own expiry.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import secrets
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.slack_workspaces import APP_ID, DEFAULT_BOT_SCOPES, Token, Tokens, Workspace

CLIENT_ID = "4123121235.9872358710"
CLIENT_SECRET = "3e1b9e11dfcd19c1982d5de12921e17e"
CODE_LIFETIME = 600.0  # Slack: "the code expires after ten minutes"
TOKEN_LIFETIME = 43200.0  # Slack: rotating access tokens expire every 12 hours
# What `authed_user` carries of a user token's grant (beside the user's id).
USER_GRANT_FIELDS = ("scope", "access_token", "token_type", "refresh_token", "expires_in")


@dataclass(frozen=True, slots=True, kw_only=True)
class OAuthApp:
    """The app's settings on Slack's side (Basic Information, OAuth & Permissions)."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    redirect_uri: str | None = None  # the Redirect URL configured for the app, if any
    token_rotation: bool = False
    token_lifetime: float = TOKEN_LIFETIME
    code_lifetime: float = CODE_LIFETIME


@dataclass(frozen=True, slots=True, kw_only=True)
class Browser:
    """Who is signed in to Slack in the installer's browser, and whether they click Allow."""

    team_id: str
    user_id: str
    allow: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Install:
    """One completed install (or re-install) of the app into a workspace."""

    team_id: str
    user_id: str
    bot_token: str
    scopes: str
    refresh_token: str | None
    at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class _Code:
    team_id: str
    user_id: str
    scopes: str
    user_scopes: str
    redirect_uri: str | None
    issued_at: float


class OAuthPageError(Exception):
    """The authorize page refused: Slack shows an error page and never redirects."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def client_credentials(params: Mapping[str, Any], authorization: str) -> tuple[str, str]:
    """(client_id, client_secret) from HTTP Basic, else from the form fields."""
    if authorization.startswith("Basic "):
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
        client_id, _, secret = decoded.partition(":")
        return client_id, secret
    return str(params.get("client_id", "")), str(params.get("client_secret", ""))


@dataclass
class OAuthServer:
    """The OAuth side of the fake: codes, installs and rotation over the fake's tokens."""

    tokens: Tokens
    workspaces: Mapping[str, Workspace]
    clock: Callable[[], float]
    app: OAuthApp = field(default_factory=OAuthApp)
    browser: Browser | None = None
    installs: list[Install] = field(default_factory=list)
    _codes: dict[str, _Code] = field(default_factory=dict)
    _serial: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # -- the browser's side ------------------------------------------------------------------

    def authorize(self, query: Mapping[str, str]) -> str:
        """Where Slack sends the browser after the authorize page: the redirect URL with a
        code (or error=access_denied) and the state. Raises OAuthPageError."""
        if query.get("client_id") != self.app.client_id:
            raise OAuthPageError("invalid_client_id")
        scopes = query.get("scope", "").strip(",")
        user_scopes = query.get("user_scope", "").strip(",")
        if not scopes and not user_scopes:
            raise OAuthPageError("invalid_scope")
        redirect_uri = query.get("redirect_uri") or None
        target = redirect_uri or self.app.redirect_uri
        if target is None:
            raise OAuthPageError("bad_redirect_uri")
        if (
            redirect_uri
            and self.app.redirect_uri
            and not redirect_uri.startswith(self.app.redirect_uri)
        ):
            raise OAuthPageError("bad_redirect_uri")
        browser = self.browser
        if browser is None:
            raise OAuthPageError("not_signed_in")
        team_id = query.get("team") or browser.team_id
        workspace = self.workspaces.get(team_id)
        if workspace is None:
            raise OAuthPageError("team_not_found")
        user_id = browser.user_id if team_id == browser.team_id else workspace.users[0]
        answer: dict[str, str] = {}
        if browser.allow:
            code = f"4724469134.{next(self._serial)}.{secrets.token_hex(20)}"  # Slack's shape
            self._codes[code] = _Code(
                team_id=team_id,
                user_id=user_id,
                scopes=scopes,
                user_scopes=user_scopes,
                redirect_uri=redirect_uri,
                issued_at=self.clock(),
            )
            answer["code"] = code
        else:
            answer["error"] = "access_denied"
        if "state" in query:
            answer["state"] = query["state"]
        joiner = "&" if "?" in target else "?"
        return target + joiner + urllib.parse.urlencode(answer)

    # -- oauth.v2.access -----------------------------------------------------------------------

    def access(self, params: Mapping[str, Any], authorization: str) -> dict[str, Any]:
        client_id, secret = client_credentials(params, authorization)
        if client_id != self.app.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if secret != self.app.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        grant_type = params.get("grant_type") or "authorization_code"
        if grant_type == "refresh_token":
            return self._refresh(str(params.get("refresh_token", "")))
        if grant_type != "authorization_code":
            return {"ok": False, "error": "invalid_grant_type"}
        code = self._codes.pop(str(params.get("code", "")), None)  # single use
        if code is None or self.clock() - code.issued_at > self.app.code_lifetime:
            return {"ok": False, "error": "invalid_code"}
        if code.redirect_uri is not None and params.get("redirect_uri") != code.redirect_uri:
            return {"ok": False, "error": "bad_redirect_uri"}
        return self.install(
            self.workspaces[code.team_id],
            user_id=code.user_id,
            scopes=code.scopes,
            user_scopes=code.user_scopes,
        )

    def install(
        self,
        workspace: Workspace,
        *,
        user_id: str,
        scopes: str = DEFAULT_BOT_SCOPES,
        user_scopes: str = "",
    ) -> dict[str, Any]:
        """Install the app into `workspace`: oauth.v2.access's answer. Without rotation a
        re-install gives back the bot token that still works, as Slack does."""
        now = self.clock()
        lifetime = self.app.token_lifetime if self.app.token_rotation else None

        def issue(kind: str, owner: str, granted: str) -> tuple[Token, str | None]:
            return self.tokens.issue(
                workspace, kind=kind, user_id=owner, scopes=granted, now=now, lifetime=lifetime
            )

        kept = self.tokens.valid(workspace.team_id, kind="bot", now=now) if lifetime is None else []
        bot, refresh = (kept[-1], None) if kept else issue("bot", workspace.bot_user_id, scopes)
        answer = self._grant(workspace, bot, refresh)
        answer.update(bot_user_id=workspace.bot_user_id, authed_user={"id": user_id})
        if user_scopes:
            user, user_refresh = issue("user", user_id, user_scopes)
            authed = self._grant(workspace, user, user_refresh)
            answer["authed_user"] = {
                "id": user_id,
                **{k: v for k, v in authed.items() if k in USER_GRANT_FIELDS},
            }
        self.installs.append(
            Install(
                team_id=workspace.team_id,
                user_id=user_id,
                bot_token=bot.value,
                scopes=scopes,
                refresh_token=refresh,
                at=now,
            )
        )
        return answer

    def _grant(self, workspace: Workspace, token: Token, refresh: str | None) -> dict[str, Any]:
        """oauth.v2.access's fields for one token, and its refresh token when it expires."""
        answer: dict[str, Any] = {
            "ok": True,
            "app_id": APP_ID,
            "scope": token.scopes,
            "token_type": token.kind,
            "access_token": token.value,
            "team": workspace.team,
            "enterprise": workspace.enterprise,
            "is_enterprise_install": False,
        }
        if refresh is not None:
            answer.update(refresh_token=refresh, expires_in=int(self.app.token_lifetime))
        return answer

    def _refresh(self, value: str) -> dict[str, Any]:
        grant = self.tokens.use_refresh(value)
        if grant is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        workspace = self.workspaces[grant.team_id]
        token, refresh = self.tokens.issue(
            workspace,
            kind=grant.kind,
            user_id=grant.user_id,
            scopes=grant.scopes,
            now=self.clock(),
            lifetime=self.app.token_lifetime,
        )
        answer = self._grant(workspace, token, refresh)
        answer["bot_user_id" if grant.kind == "bot" else "user_id"] = grant.user_id
        return answer
