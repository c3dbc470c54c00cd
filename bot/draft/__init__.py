"""Drafts dossier entries from a new article: quotes, speakers, days, actors and events.

The core of `dispute-bot draft`; a chat platform can call `draft_bytes` with an attached
file's bytes and send back `render_yaml(draft)` and `draft.summary()`.
"""

from bot.draft.article import ArticleError, read_article, read_article_file
from bot.draft.engine import draft_article, draft_bytes, draft_file
from bot.draft.model import ArticleText, Draft, DraftActor, DraftEvent, DraftQuote

__all__ = [
    "ArticleError",
    "ArticleText",
    "Draft",
    "DraftActor",
    "DraftEvent",
    "DraftQuote",
    "draft_article",
    "draft_bytes",
    "draft_file",
    "read_article",
    "read_article_file",
]
