"""Who is an admin on Slack: the members `slack_admins` lists, and the workspace's own admins
and owners, as users.info says (scope `users:read`), asked once in a while per member.

An empty `slack_admins` makes every member an admin (the bot's default), and then Slack is
never asked. A member the list does not name is looked up after the command is
acknowledged; the answer is kept `KEEP_SECONDS`, so a member typing ten commands costs one
call. Slack not answering, or the scope missing, means "not an admin": the command is
answered as for any member, and the log says why once.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable

import aiohttp
from msgspec import structs
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.core import Request
from bot.platforms.slack.client import api_error_code

log = logging.getLogger("dispute_bot.slack")

KEEP_SECONDS = 600.0
CAPACITY = 10_000  # members kept, the least recently asked dropped first


class WorkspaceAdmins:
    def __init__(
        self,
        settings: Settings,
        *,
        keep_seconds: float = KEEP_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.keep_seconds = keep_seconds
        self.monotonic = monotonic
        self._kept: OrderedDict[tuple[str, str], tuple[bool, float]] = OrderedDict()
        self._told: set[str] = set()  # the reasons already logged

    async def promote(self, request: Request, client: AsyncWebClient) -> Request:
        """`request`, its user made an admin if the workspace says it is one of its own."""
        if request.can_manage or not request.user or not self.settings.slack_admins:
            return request
        if not await self.is_admin(client, request.team, request.user):
            return request
        return structs.replace(request, can_manage=True, can_configure=True)

    async def is_admin(self, client: AsyncWebClient, team: str, user: str) -> bool:
        key = (team, user)
        kept = self._kept.get(key)
        if kept is not None and self.monotonic() - kept[1] < self.keep_seconds:
            self._kept.move_to_end(key)
            return kept[0]
        try:
            answer = await client.users_info(user=user)
        except SlackApiError as exc:
            self._tell(f"users.info answered {api_error_code(exc) or 'an error'}")
            return False
        except (OSError, TimeoutError, aiohttp.ClientError) as exc:
            self._tell(f"users.info failed ({type(exc).__name__})")
            return False  # not kept: asked again at the next command
        info = answer.get("user") or {}
        admin = bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))
        self._kept[key] = (admin, self.monotonic())
        self._kept.move_to_end(key)
        while len(self._kept) > CAPACITY:
            self._kept.popitem(last=False)
        return admin

    def _tell(self, reason: str) -> None:
        if reason not in self._told:
            self._told.add(reason)
            log.warning(
                "slack: %s: the workspace's own admins count as members until it answers "
                "(the app needs the users:read scope); slack_admins still apply",
                reason,
            )
