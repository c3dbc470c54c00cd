"""Queries as people type them, each with the quote it should find.

A query names a speaker and/or one to three words of the quote, lower-cased, often without
accents, sometimes with a typo. Words are drawn as someone remembering a quote would: the
rarer ones. A query is kept only if, typed correctly, it narrows the dossier to at most five
quotes (so a perfect search has the quote in its top five); typos are added after.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from bench.generate import SynthActor, SynthDossier
from bench.lexicon import EN_FUNCTION, FR_FUNCTION

TOP = 5  # the answer counts as found when it is among the first five
_SPLIT = re.compile(r"[^0-9a-z]+")
_FUNCTION = frozenset(FR_FUNCTION) | frozenset(EN_FUNCTION)
_KEYBOARD_NEIGHBOURS = {
    "a": "zqs",
    "z": "aes",
    "e": "zrd",
    "r": "etf",
    "t": "ryg",
    "y": "tuh",
    "u": "yij",
    "i": "uok",
    "o": "ipl",
    "p": "olm",
    "q": "asw",
    "s": "qdz",
    "d": "sfe",
    "f": "dgr",
    "g": "fht",
    "h": "gjy",
    "j": "hku",
    "k": "jli",
    "l": "kmo",
    "m": "lp",
    "w": "xqs",
    "x": "wcd",
    "c": "xvf",
    "v": "cbg",
    "b": "vnh",
    "n": "bj",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    text: str  # what is typed after /quote
    answer: str  # the id of the quote it should find
    speaker: str | None  # the actor the query names, if it names one
    meant: tuple[str, ...]  # the words as the quote has them
    typos: int  # words (or the name) typed wrong


def plain(text: str) -> str:
    """Lower case without accents: how the query generator compares words."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def content_words(text: str) -> list[str]:
    """The words of a text worth typing: no function words, no short ones."""
    return [w for w in _SPLIT.split(plain(text)) if len(w) >= 4 and w not in _FUNCTION]


def _misspell(rng: random.Random, word: str) -> str:
    """One typo: a letter dropped, doubled, swapped with the next, or a neighbouring key."""
    at = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return word[:at] + word[at + 1 :]
    if kind == 1:
        return word[:at] + word[at] + word[at:]
    if kind == 2:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    near = _KEYBOARD_NEIGHBOURS.get(plain(word[at]), "e")
    return word[:at] + rng.choice(near) + word[at + 1 :]


def _typed(rng: random.Random, word: str, typo_rate: float) -> tuple[str, bool]:
    """A word as typed: lower case, accents often dropped, sometimes a typo."""
    typed = word.lower()
    if rng.random() < 0.5:
        typed = plain(typed)
    if len(typed) >= 5 and rng.random() < typo_rate:
        return _misspell(rng, typed), True
    return typed, False


def _name_as_typed(rng: random.Random, actor: SynthActor) -> str:
    """How someone names a speaker: one word mostly (a surname), sometimes two."""
    short = [a for a in actor.aliases if " " not in a]
    longer = [a for a in actor.aliases if a.count(" ") == 1]
    if short and (not longer or rng.random() < 0.75):
        return rng.choice(short)
    return rng.choice(longer or [actor.name])


class QueryMaker:
    """Draws answerable queries from a synthetic dossier, reproducibly."""

    def __init__(self, dossier: SynthDossier) -> None:
        self.dossier = dossier
        self.quote_words: list[frozenset[str]] = []
        self.postings: dict[str, list[int]] = {}
        self.by_speaker: dict[str, set[int]] = {}
        for number, quote in enumerate(dossier.quotes):
            found = frozenset(content_words(f"{quote.text} {quote.translation}"))
            self.quote_words.append(found)
            for word in found:
                self.postings.setdefault(word, []).append(number)
            self.by_speaker.setdefault(quote.speaker, set()).add(number)

    def _matching(self, words: Sequence[str], speaker: str | None) -> set[int]:
        """The quotes holding every word (and by the speaker): what a query narrows to."""
        lists = sorted((self.postings.get(w, []) for w in words), key=len)
        found = set(lists[0]) if lists else set(range(len(self.dossier.quotes)))
        for other in lists[1:]:
            found.intersection_update(other)
        if speaker is not None:
            found &= self.by_speaker[speaker]
        return found

    def make(self, count: int, *, seed: int, typo_rate: float = 0.3) -> list[Query]:
        """`count` queries for quotes drawn at random, typos included."""
        rng = random.Random(f"queries:{seed}:{len(self.dossier.quotes)}")
        queries: list[Query] = []
        attempts = 0
        while len(queries) < count and attempts < count * 20:
            attempts += 1
            number = rng.randrange(len(self.dossier.quotes))
            query = self._for_quote(rng, number, typo_rate)
            if query is not None:
                queries.append(query)
        return queries

    def _for_quote(self, rng: random.Random, number: int, typo_rate: float) -> Query | None:
        quote = self.dossier.quotes[number]
        source = quote.text if rng.random() < 0.7 else quote.translation
        written = {plain(w): w for w in re.split(r"\W+", source) if w}
        candidates = sorted(
            {w for w in content_words(source) if w in written},
            key=lambda w: (len(self.postings[w]), w),
        )
        if not candidates:
            return None
        rare = candidates[: max(3, len(candidates) // 2)]
        speaker = quote.speaker if rng.random() < 0.5 else None
        chosen = rng.sample(rare, min(len(rare), rng.choice((1, 2, 2, 3, 3))))
        for _ in range(4):
            if len(self._matching(chosen, speaker)) <= TOP:
                break
            if speaker is None:
                speaker = quote.speaker
            elif len(chosen) < 3 and len(chosen) < len(rare):
                chosen.append(next(w for w in rare if w not in chosen))
            else:
                return None
        else:
            return None
        if number not in self._matching(chosen, speaker) or not chosen:
            return None
        typos = 0
        parts: list[str] = []
        for word in chosen:
            typed, wrong = _typed(rng, written[word], typo_rate)
            parts.append(typed)
            typos += wrong
        rng.shuffle(parts)
        if speaker is not None:
            actor = self.dossier.actor_by_id[speaker]
            name, wrong = _typed(rng, _name_as_typed(rng, actor), typo_rate * 0.7)
            typos += wrong
            parts.insert(0 if rng.random() < 0.8 else len(parts), name)
        return Query(
            text=" ".join(parts),
            answer=quote.id,
            speaker=speaker,
            meant=tuple(chosen),
            typos=typos,
        )
