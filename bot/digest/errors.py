"""The digest's errors, light to import (handlers catch them without loading SQLAlchemy)."""

from __future__ import annotations

from bot.errors import DatabaseUnavailable


class DigestStoreError(DatabaseUnavailable):
    """The digest's database cannot be opened (unreachable, or from a newer bot)."""
