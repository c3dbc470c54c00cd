"""The dossier: articles, actors, quotes, events, issues and positions."""

from bot.corpus.loader import check_corpus, load_corpus
from bot.corpus.model import Actor, Article, Corpus, Event, Issue, Position, Quote, Text

__all__ = [
    "Actor",
    "Article",
    "Corpus",
    "Event",
    "Issue",
    "Position",
    "Quote",
    "Text",
    "check_corpus",
    "load_corpus",
]
