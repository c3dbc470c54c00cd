"""The commands, platform-neutral: each takes a Context and Args and returns a Reply."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.core import Command
from handlers.digest import digest_command
from handlers.draft import COMMAND as DRAFT
from handlers.help import COMMAND as HELP
from handlers.positions import COMMAND as POSITIONS
from handlers.quote import COMMAND as QUOTE
from handlers.reload import reload_command
from handlers.sources import COMMAND as SOURCES
from handlers.timeline import COMMAND as TIMELINE

if TYPE_CHECKING:
    from bot.digest.hub import DigestHub
    from bot.reload import ReloadResult


def build_commands(*, digest: DigestHub, reload: Callable[[], ReloadResult]) -> tuple[Command, ...]:
    """Every command in /help's order (admin ones last, not in /help), given what they use:
    the digest's state and the dossier reload (the composition root's)."""
    return (
        TIMELINE,
        QUOTE,
        POSITIONS,
        digest_command(digest),
        SOURCES,
        HELP,
        reload_command(reload),
        DRAFT,
    )
