"""spaCy's French pipeline, when the `draft` extra is installed: loaded once, lazily.

Only drafting calls this (`dispute-bot draft`, and an admin's /draft in a chat, which loads
it in a worker thread on the first draft), so `dispute-bot ask` never imports spaCy, nor does
the bot's image have it. Without it, drafting runs on rules alone and says so in its output.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from typing import Any

FRENCH_MODEL = "fr_core_news_md"
# A chat platform drafts in worker threads: the lock makes two drafts that start together
# load the model once, and keeps them from running the same pipeline at the same moment.
_LOCK = threading.Lock()
_LOADED: dict[str, Any] = {}  # model name -> the pipeline, or None when it cannot be loaded


@dataclass(frozen=True, slots=True, kw_only=True)
class Entity:
    start: int  # character offsets in the text parsed
    end: int
    label: str  # PER | ORG | LOC | MISC


@dataclass(frozen=True, slots=True, kw_only=True)
class Parse:
    """What the drafting rules take from the parse: who is a person, a body or a place.

    spaCy's sentence splits and subjects were tried and left out: it cuts `"…", a-t-il
    ajouté` into two sentences and reads an inverted subject as an object, where the
    rules do better.
    """

    entities: tuple[Entity, ...]


def parser_status() -> str:
    """Which French pipeline drafting uses, or why it uses none (shown in every draft)."""
    with _LOCK:
        french = _french()
    if french is None:
        if not _installed("spacy"):
            return "rules only: spaCy is not installed (pip install 'dispute-bot[draft]')"
        return f"rules only: spaCy's {FRENCH_MODEL} model is not installed"
    from importlib.metadata import version

    return f"spaCy {version('spacy')} with {FRENCH_MODEL} (French), rules"


def _french() -> Any:
    """The French pipeline, loaded on first use (seconds), then kept; hold _LOCK."""
    if FRENCH_MODEL not in _LOADED:
        _LOADED[FRENCH_MODEL] = _load_french()
    return _LOADED[FRENCH_MODEL]


def _load_french() -> Any:
    if not _installed("spacy") or not _installed(FRENCH_MODEL):
        return None
    import spacy

    try:
        # named entities are all the rules take: the tagger, parser and lemmatizer stay off
        exclude = ["lemmatizer", "parser", "morphologizer", "attribute_ruler"]
        return spacy.load(FRENCH_MODEL, exclude=exclude)
    except (OSError, ImportError, ValueError):
        return None


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a module blocked or half-removed
        return False


def parse_french(text: str) -> Parse | None:
    """The French parse of `text`, or None when spaCy or its model is missing."""
    with _LOCK:
        nlp = _french()
        if nlp is None:
            return None
        doc = nlp(text)
    entities = tuple(
        Entity(start=e.start_char, end=e.end_char, label=e.label_)
        for e in doc.ents
        if e.label_ in ("PER", "ORG", "LOC", "MISC")
    )
    return Parse(entities=entities)
