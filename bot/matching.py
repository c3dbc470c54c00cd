"""The one home of fuzzy matching: folding, names, month names, and keyword search.

Every rapidfuzz import lives here, so the matching policy has one set of rules and tests.
Strings are folded (case, accents, ligatures, apostrophes) by `fold` before any comparison;
rapidfuzz 3 applies no processor by default, so nothing relies on one.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z]+")

# Words that carry no meaning in a query, in both languages of the dossier.
STOPWORDS = frozenset(
    (
        "a an and are as at be by for from has have in is it its of on or that the this to was "
        "were will with au aux avec ce ces cette dans de des du elle en est et il ils je la le "
        "les leur lui ma mais me mes ne nos notre nous on ou par pas pour qu que qui sa se ses "
        "son sur ta te tes ton tu un une vos votre vous y d l s n c j m t"
    ).split()
)


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form used for every comparison."""
    text = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(_NON_WORD.split(text)).strip()


def words(text: str) -> list[str]:
    """Folded words of a text, in order."""
    return [w for w in fold(text).split(" ") if w]


def content_words(text: str) -> list[str]:
    """Folded words worth searching for: stopwords dropped unless nothing else is left."""
    found = words(text)
    kept = [w for w in found if w not in STOPWORDS]
    return kept or found


@dataclass(frozen=True, slots=True, kw_only=True)
class Match:
    target: str  # what the name stands for (an actor id, an issue id, a month number)
    label: str  # the name as written in the dossier
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Span:
    """A name found inside a longer query: which words it took."""

    match: Match
    start: int
    end: int  # exclusive word index


class NameIndex:
    """Names (with aliases) that stand for targets; resolves typed names forgivingly.

    A query of n words is compared only with names of n words, so `trump woke` resolves
    `trump` and leaves `woke` for the keywords instead of matching `donald trump` loosely.
    """

    def __init__(self, names: Iterable[tuple[str, str]], *, score_cutoff: float = 75) -> None:
        self.score_cutoff = score_cutoff
        self._by_words: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        self._entries: list[tuple[str, str, str]] = []  # (folded, label, target)
        seen: set[tuple[str, str]] = set()
        for label, target in names:
            folded = fold(label)
            if not folded or (folded, target) in seen:
                continue
            seen.add((folded, target))
            entry = (folded, label, target)
            self._entries.append(entry)
            self._by_words[folded.count(" ") + 1].append(entry)

    def __len__(self) -> int:
        return len(self._entries)

    def _best(
        self, folded: str, entries: Sequence[tuple[str, str, str]], cutoff: float
    ) -> Match | None:
        if not folded or not entries:
            return None
        found = process.extractOne(
            folded, [e[0] for e in entries], scorer=fuzz.ratio, processor=None, score_cutoff=cutoff
        )
        if found is None:
            return None
        _, score, index = found
        _, label, target = entries[index]
        return Match(target=target, label=label, score=score)

    def resolve(self, query: str) -> Match | None:
        """The target a whole query names, or None when nothing is close enough."""
        folded = fold(query)
        return self._best(folded, self._by_words.get(folded.count(" ") + 1, []), self.score_cutoff)

    def find(self, query_words: Sequence[str]) -> Span | None:
        """The first name inside a list of folded words, preferring longer names at a position."""
        for start in range(len(query_words)):
            for size in (3, 2, 1):
                end = start + size
                if end > len(query_words):
                    continue
                entries = self._by_words.get(size, [])
                match = self._best(" ".join(query_words[start:end]), entries, self.score_cutoff)
                if match:
                    return Span(match=match, start=start, end=end)
        return None

    def suggest(self, query: str, *, limit: int = 3, score_cutoff: float = 70) -> list[Match]:
        """Close names for "did you mean", one per target, best first."""
        folded = fold(query)
        if not folded:
            return []
        scored = process.extract(
            folded,
            [e[0] for e in self._entries],
            scorer=fuzz.WRatio,
            processor=None,
            score_cutoff=score_cutoff,
            limit=None,
        )
        found: dict[str, Match] = {}
        for _, score, index in scored:
            _, label, target = self._entries[index]
            if target not in found:
                found[target] = Match(target=target, label=label, score=score)
        return sorted(found.values(), key=lambda m: -m.score)[:limit]

    def complete(self, prefix: str, *, limit: int = 25) -> list[Match]:
        """Autocomplete: names that start with the text first, then fuzzy ones; one per target."""
        folded = fold(prefix)
        if not folded:
            return [Match(target=t, label=lbl, score=100) for _, lbl, t in self._unique_targets()][
                :limit
            ]
        scored: list[tuple[float, int]] = []
        for index, (name, _, _) in enumerate(self._entries):
            if name.startswith(folded) or any(w.startswith(folded) for w in name.split(" ")):
                scored.append((200 - len(name) / 100, index))
        fuzzy = process.extract(
            folded,
            [e[0] for e in self._entries],
            scorer=fuzz.partial_ratio,
            processor=None,
            score_cutoff=70,
            limit=None,
        )
        scored.extend((score, index) for _, score, index in fuzzy)
        found: dict[str, Match] = {}
        for score, index in sorted(scored, key=lambda s: -s[0]):
            _, label, target = self._entries[index]
            if target not in found:
                found[target] = Match(target=target, label=label, score=min(score, 100))
        return list(found.values())[:limit]

    def _unique_targets(self) -> list[tuple[str, str, str]]:
        seen: set[str] = set()
        out = []
        for entry in self._entries:
            if entry[2] not in seen:
                seen.add(entry[2])
                out.append(entry)
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    doc: int
    score: float
    matched: int  # how many query words this document matched


class TextIndex:
    """An inverted index of folded words; each query word is corrected against the vocabulary.

    Scanning every document with a fuzzy scorer costs a second at 100,000 quotes and ranks
    poorly; looking up corrected words in postings stays in milliseconds.
    """

    def __init__(self, documents: Sequence[str]) -> None:
        postings: dict[str, dict[int, int]] = defaultdict(dict)
        for doc, text in enumerate(documents):
            for word in words(text):
                counts = postings[word]
                counts[doc] = counts.get(doc, 0) + 1
        self._postings = dict(postings)
        self._vocabulary = sorted(self._postings)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            self._by_length[len(word)].append(word)
        total = max(len(documents), 1)
        self._idf = {w: math.log(1 + total / len(p)) for w, p in self._postings.items()}
        self.size = len(documents)

    @property
    def vocabulary(self) -> Sequence[str]:
        return self._vocabulary

    def corrections(self, word: str) -> list[tuple[str, float]]:
        """Vocabulary words a typed word may stand for, with a weight in (0, 1]."""
        found: dict[str, float] = {}
        if word in self._postings:
            found[word] = 1.0
        if len(word) >= 4:
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start : start + 50]:
                if not candidate.startswith(word):
                    break
                found.setdefault(candidate, 0.85)
        if len(word) >= 4:
            cutoff = 80.0 if len(word) <= 5 else 75.0
            spread = 1 if len(word) <= 5 else 2
            pool = [
                w
                for n in range(len(word) - spread, len(word) + spread + 1)
                for w in self._by_length.get(n, ())
            ]
            for candidate, score, _ in process.extract(
                word, pool, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff, limit=5
            ):
                found.setdefault(candidate, score / 100 * 0.9)
        return sorted(found.items(), key=lambda item: -item[1])

    def search(self, query: str, *, within: set[int] | None = None) -> list[Hit]:
        """Documents matching any query word, most words matched first, then by weight."""
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        for word in content_words(query):
            best: dict[int, float] = {}
            for term, weight in self.corrections(word):
                gain = weight * self._idf[term]
                for doc, count in self._postings[term].items():
                    if within is not None and doc not in within:
                        continue
                    value = gain * (1 + math.log(count))
                    if value > best.get(doc, 0.0):
                        best[doc] = value
            for doc, value in best.items():
                scores[doc] += value
                matched[doc] += 1
        hits = [Hit(doc=d, score=s, matched=matched[d]) for d, s in scores.items()]
        hits.sort(key=lambda h: (-h.matched, -h.score, h.doc))
        return hits

    def suggest_words(self, word: str, *, limit: int = 3) -> list[str]:
        """Vocabulary words close to a word that matched nothing."""
        folded = fold(word)
        if not folded:
            return []
        return [
            candidate
            for candidate, _, _ in process.extract(
                folded,
                self._vocabulary,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=70,
                limit=limit,
            )
        ]


_MONTHS = {
    1: ("janvier", "january", "jan", "janv"),
    2: ("fevrier", "february", "feb", "fev", "fevr"),
    3: ("mars", "march", "mar"),
    4: ("avril", "april", "apr", "avr"),
    5: ("mai", "may"),
    6: ("juin", "june", "jun"),
    7: ("juillet", "july", "jul", "juil"),
    8: ("aout", "august", "aug"),
    9: ("septembre", "september", "sep", "sept"),
    10: ("octobre", "october", "oct"),
    11: ("novembre", "november", "nov"),
    12: ("decembre", "december", "dec"),
}
_MONTH_INDEX = NameIndex(
    ((name, str(number)) for number, names in _MONTHS.items() for name in names), score_cutoff=80
)


def resolve_month(word: str) -> int | None:
    """Month number for a French or English month name, forgiving accents and typos."""
    folded = fold(word)
    if len(folded) < 3 or folded.isdigit():
        return None
    match = _MONTH_INDEX.resolve(folded)
    return int(match.target) if match else None


def best_command(name: str, commands: Iterable[str]) -> str | None:
    """The command a mistyped command name most likely meant."""
    found = process.extractOne(
        fold(name), list(commands), scorer=fuzz.ratio, processor=None, score_cutoff=60
    )
    return found[0] if found else None
