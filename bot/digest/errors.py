"""The digest's errors, light to import (handlers catch them without loading SQLAlchemy)."""

from __future__ import annotations

from bot.errors import BotError


class DigestStoreError(BotError):
    """The digest's database cannot be used (unreachable, or from a newer bot)."""
