"""The workspaces of the fake Slack and the tokens Slack issued in them.

A Web API call is answered for the workspace its token belongs to, as Slack does: auth.test
names that team, a post lands in that team's channels, and a token Slack never issued answers
`invalid_auth`, a revoked one (uninstall, tokens_revoked) `token_revoked`, a rotating one past
its expiry `token_expired`.
"""

from __future__ import annotations

import dataclasses
import itertools
import secrets
from dataclasses import dataclass
from typing import Any

APP_ID = "A0DISPUTE1"
DEFAULT_TEAM = "T0001DOSSIER"
DEFAULT_BOT_SCOPES = "app_mentions:read,chat:write,commands,files:read,files:write,im:history"


@dataclass(frozen=True, slots=True, kw_only=True)
class Workspace:
    """A Slack workspace (team), maybe inside an Enterprise Grid org, and the bot user there."""

    team_id: str
    name: str
    domain: str
    enterprise_id: str | None = None
    enterprise_name: str | None = None
    bot_user_id: str = "U0DISPUTEBOT"
    bot_id: str = "B0DISPUTEBOT"
    bot_name: str = "dispute-bot"
    # Channel ids of the workspace; None accepts any (the default workspace of older tests).
    channels: frozenset[str] | None = None
    users: tuple[str, ...] = ("U0REPORTER",)
    # Who is in which channel; a channel not listed has every user of the workspace.
    members: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def has_channel(self, channel: str) -> bool:
        return self.channels is None or channel in self.channels

    def channels_of(self, user: str) -> list[str]:
        """The channels `user` is a member of, in id order (users.conversations)."""
        listed = dict(self.members)
        return [
            channel
            for channel in sorted(self.channels or ())
            if user in listed.get(channel, self.users)
        ]

    @property
    def team(self) -> dict[str, str]:
        """`team` as oauth.v2.access gives it."""
        return {"id": self.team_id, "name": self.name}

    @property
    def enterprise(self) -> dict[str, str] | None:
        """`enterprise` as oauth.v2.access gives it: null outside a Grid org."""
        if self.enterprise_id is None:
            return None
        return {"id": self.enterprise_id, "name": self.enterprise_name or self.enterprise_id}

    def authorization(self) -> dict[str, Any]:
        """One entry of an event's `authorizations`: the bot installed here."""
        return {
            "enterprise_id": self.enterprise_id,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "is_bot": True,
            "is_enterprise_install": False,
        }

    def command_fields(
        self, *, channel: str | None = None, user: str | None = None
    ) -> dict[str, str]:
        """The fields of a slash command body that say where it was typed, as Slack sends them
        from this workspace (enterprise fields only inside a Grid org)."""
        fields = {
            "team_id": self.team_id,
            "team_domain": self.domain,
            "channel_id": channel or (sorted(self.channels)[0] if self.channels else "C0DESK42"),
            "user_id": user or self.users[0],
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
        }
        if self.enterprise_id is not None:
            fields["enterprise_id"] = self.enterprise_id
            fields["enterprise_name"] = self.enterprise_name or self.enterprise_id
        return fields


DEFAULT_WORKSPACE = Workspace(
    team_id=DEFAULT_TEAM, name="Dossier Newsroom", domain="dossier-newsroom"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Token:
    """A token Slack issued: whose, with what scopes, until when (None: never expires)."""

    value: str
    team_id: str
    kind: str  # "bot" | "user"
    user_id: str  # the bot user for a bot token, the person for a user token
    scopes: str
    expires_at: float | None = None
    revoked: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Refresh:
    """A refresh token of token rotation: single use, for one team's bot or user token."""

    value: str
    team_id: str
    kind: str
    user_id: str
    scopes: str


class Tokens:
    """Every token the fake issued, looked up on each call."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._refresh: dict[str, Refresh] = {}
        self._serial = itertools.count(1)

    def add(self, token: Token) -> Token:
        self._tokens[token.value] = token
        return token

    def issue(
        self,
        workspace: Workspace,
        *,
        kind: str,
        user_id: str,
        scopes: str,
        now: float,
        lifetime: float | None,
    ) -> tuple[Token, str | None]:
        """A new token (and, when it expires, the refresh token to renew it)."""
        number = next(self._serial)
        secret = secrets.token_hex(12)
        prefix = "xoxb" if kind == "bot" else "xoxp"
        team_digits = "".join(ch for ch in workspace.team_id if ch.isdigit()) or "1"
        if lifetime is None:
            value = f"{prefix}-{team_digits}-{number}-{secret}"
        else:
            value = f"xoxe.{prefix}-1-{team_digits}-{number}-{secret}"  # Slack's rotating form
        token = self.add(
            Token(
                value=value,
                team_id=workspace.team_id,
                kind=kind,
                user_id=user_id,
                scopes=scopes,
                expires_at=None if lifetime is None else now + lifetime,
            )
        )
        if lifetime is None:
            return token, None
        refresh = f"xoxe-1-{team_digits}-{number}-{secrets.token_hex(16)}"
        self._refresh[refresh] = Refresh(
            value=refresh, team_id=workspace.team_id, kind=kind, user_id=user_id, scopes=scopes
        )
        return token, refresh

    def use_refresh(self, value: str) -> Refresh | None:
        """The refresh token's grant, once: Slack revokes a refresh token when it is used."""
        return self._refresh.pop(value, None)

    def check(self, value: str, now: float) -> tuple[Token | None, str | None]:
        """(token, None) if Slack accepts it now, else (token or None, Slack's error code)."""
        token = self._tokens.get(value)
        if token is None:
            return None, "invalid_auth"
        if token.revoked:
            return token, "token_revoked"
        if token.expires_at is not None and now >= token.expires_at:
            return token, "token_expired"
        return token, None

    def valid(self, team_id: str, *, kind: str, now: float) -> list[Token]:
        """The team's tokens of a kind that still work, oldest first."""
        return [
            t
            for t in self._tokens.values()
            if t.team_id == team_id and t.kind == kind and self.check(t.value, now)[1] is None
        ]

    def revoke(self, team_id: str, *, kind: str | None = None, user_id: str | None = None) -> int:
        """Revoke a team's tokens (of a kind, of a user); their refresh tokens go too."""

        def matches(grant: Token | Refresh) -> bool:
            return (
                grant.team_id == team_id
                and (kind is None or grant.kind == kind)
                and (user_id is None or grant.user_id == user_id)
            )

        revoked = [t for t in self._tokens.values() if matches(t) and not t.revoked]
        for token in revoked:
            self._tokens[token.value] = dataclasses.replace(token, revoked=True)
        for refresh in [r for r in self._refresh.values() if matches(r)]:
            del self._refresh[refresh.value]
        return len(revoked)
