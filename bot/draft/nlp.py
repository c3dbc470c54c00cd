"""spaCy's French pipeline, when the `draft` extra is installed: loaded once, lazily.

Only `dispute-bot draft` ever calls this, so the bot's image and `dispute-bot ask` never
import spaCy. Without it, drafting runs on rules alone and says so in its output.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FRENCH_MODEL = "fr_core_news_md"


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
    if _french() is None:
        if not _installed("spacy"):
            return "rules only: spaCy is not installed (pip install 'dispute-bot[draft]')"
        return f"rules only: spaCy's {FRENCH_MODEL} model is not installed"
    from importlib.metadata import version

    return f"spaCy {version('spacy')} with {FRENCH_MODEL} (French), rules"


@lru_cache(maxsize=1)
def _french() -> Any:
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
