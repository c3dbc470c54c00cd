"""Text folding: the one form (case, accents, ligatures, punctuation) every comparison uses."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURE_CHARS = re.compile("[œŒæÆß]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# The combining diacritical marks block, all combining but U+034F (the grapheme joiner).
_COMMON_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]+")

# Words that carry no meaning in a query, in both languages of the dossier.
STOPWORDS = frozenset(
    (
        "a an and are as at be by for from has have in is it its of on or that the this to was "
        "were will with au aux avec ce ces cette dans de des du elle en est et il ils je la le "
        "les leur lui ma mais me mes ne nos notre nous on ou par pas pour qu que qui sa se ses "
        "son sur ta te tes ton tu un une vos votre vous y d l s n c j m t"
    ).split()
)


# What matching considers of a user's text: fuzzy scores cost the product of two lengths, so
# a 900 KB word once kept a worker busy for seconds. No query or word of the dossier's needs
# more; the core refuses longer arguments, and a longer word is cut.
MAX_QUERY_CHARS = 500
MAX_WORD_CHARS = 64


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form used for every comparison."""
    if not text.isascii():  # ASCII has no ligature, decomposition or combining mark
        if _LIGATURE_CHARS.search(text):
            text = text.translate(_LIGATURES)
        text = _strip_marks(unicodedata.normalize("NFKD", text))
    return " ".join(_NON_WORD.split(text.casefold())).strip()


def _strip_marks(text: str) -> str:
    """Drops combining marks with C-speed regular expressions instead of a loop per character."""
    text = _COMMON_MARKS.sub("", text)
    if not text.isascii():
        rare = {ch for ch in _NON_ASCII.findall(text) if unicodedata.combining(ch)}
        if rare:
            text = text.translate({ord(ch): None for ch in rare})
    return text


def slug(text: str, *, most: int = 60) -> str:
    """Words of a text folded, in ASCII letters and digits only, joined by hyphens, at most
    `most` characters: for ids, file names and dossier names (`Défense 2026` -> `defense-2026`)."""
    plain = "".join(c if c.isascii() and c.isalnum() else " " for c in fold(text))
    return "-".join(plain.split())[:most].strip("-")


def words(text: str) -> list[str]:
    """Folded words of a text, in order, each cut to MAX_WORD_CHARS."""
    return [w[:MAX_WORD_CHARS] for w in fold(text).split(" ") if w]


def content_words(text: str) -> list[str]:
    """Folded words worth searching for: stopwords dropped unless nothing else is left."""
    found = words(text)
    kept = [w for w in found if w not in STOPWORDS]
    return kept or found
