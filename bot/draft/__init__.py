"""Drafts dossier entries from a new article: quotes, speakers, days, actors and events.

The core of `dispute-bot draft`; the chat's /draft command (handlers/draft.py) calls
`draft_upload` with an attached file's bytes and the dossier, and sends back the YAML file
it returns with a short summary.
"""

from bot.draft.article import ArticleError, read_article, read_article_file
from bot.draft.command import DraftFile, draft_upload
from bot.draft.engine import draft_article, draft_articles, draft_bytes, draft_file
from bot.draft.model import ArticleText, Draft, DraftActor, DraftEvent, DraftQuote
from bot.draft.render import render_json, render_yaml

__all__ = [
    "ArticleError",
    "ArticleText",
    "Draft",
    "DraftActor",
    "DraftEvent",
    "DraftFile",
    "DraftQuote",
    "draft_article",
    "draft_articles",
    "draft_bytes",
    "draft_file",
    "draft_upload",
    "read_article",
    "read_article_file",
    "render_json",
    "render_yaml",
]
