"""Keyword search: an inverted index of folded words, each query word corrected fuzzily."""

from __future__ import annotations

import bisect
import math
import re
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import call

from bot.matching.folding import content_words, fold, words
from bot.matching.fuzzy import close, closest


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit:
    doc: int
    score: float
    matched: int  # how many query words this document matched


# Below this many words, rapidfuzz scores the whole vocabulary faster than a sieve is built.
SIEVE_FROM_WORDS = 5_000
_BITS_OF_BYTE = tuple(tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256))
_NONZERO_BYTE = re.compile(rb"[^\x00]")


class _LetterSieve:
    """For words of one length: which hold each letter at least k times, as one bit per word.

    A typed word scores `fuzz.ratio >= cutoff` only against words sharing enough letters with
    it (their longest common subsequence never exceeds the letters they share), so a few
    big-integer operations rule out most of a large vocabulary before rapidfuzz scores the
    rest. The words kept are a superset of the ones that can pass, in vocabulary order, so
    rapidfuzz returns exactly what it would on the whole vocabulary.
    """

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self.every = (1 << len(words)) - 1
        size = (len(words) + 7) // 8
        rows: dict[tuple[str, int], bytearray] = {}
        for number, word in enumerate(words):
            byte, bit = number >> 3, 1 << (number & 7)
            for letter, count in Counter(word).items():
                for times in range(1, count + 1):
                    row = rows.get((letter, times))
                    if row is None:
                        row = rows[(letter, times)] = bytearray(size)
                    row[byte] |= bit
        self.holding = {key: int.from_bytes(row, "little") for key, row in rows.items()}

    def sharing(self, word: str, shared: int) -> list[str]:
        """The words that share at least `shared` letters with `word`, repeats counted."""
        allowed = len(word) - shared  # letters of `word` a candidate may lack
        if allowed < 0:
            return []
        # missing[j]: the words that lack more than j of the letters seen so far
        missing = [0] * (allowed + 1)
        for letter, count in Counter(word).items():
            for times in range(1, count + 1):
                lacking = self.every ^ self.holding.get((letter, times), 0)
                for j in range(allowed, 0, -1):
                    missing[j] |= missing[j - 1] & lacking
                missing[0] |= lacking
        kept = self.every ^ missing[allowed]
        raw = kept.to_bytes((kept.bit_length() + 7) // 8, "little")
        return [
            self.words[match.start() * 8 + bit]
            for match in _NONZERO_BYTE.finditer(raw)
            for bit in _BITS_OF_BYTE[raw[match.start()]]
        ]


def _least_shared(length: int, other: int, cutoff: float) -> int:
    """Fewest letters two words must share for `fuzz.ratio` to reach `cutoff`.

    ratio = 200 * LCS / (length + other), and LCS is at most the letters they share; the
    small margin keeps a float on the boundary in (rapidfuzz decides it).
    """
    return math.ceil(cutoff * (length + other) / 200 - 1e-6)


def _word_id(
    word: str,
    id_of_word: dict[str, int],
    postings: list[array[int]],
    appends: list[Callable[[int], None]],
) -> int:
    """The number of a vocabulary word, giving a new word its empty postings."""
    found = id_of_word.get(word)
    if found is None:
        found = id_of_word[word] = len(postings)
        postings.append(array("I"))
        appends.append(postings[-1].append)
    return found


class TextIndex:
    """An inverted index of folded words; each query word is corrected against the vocabulary.

    Scanning every document with a fuzzy scorer costs a second at 100,000 quotes and ranks
    poorly; looking up corrected words in postings stays in milliseconds. Postings are
    arrays of document numbers (and of counts, for the words some document repeats), so
    100,000 quotes index in a few tens of megabytes.
    """

    def __init__(self, documents: Iterable[str]) -> None:
        size = 0
        id_of_token: dict[str, tuple[int, ...]] = {}  # each distinct token is folded once
        id_of_word: dict[str, int] = {}
        postings: list[array[int]] = []
        appends: list[Callable[[int], None]] = []
        repeats: dict[int, dict[int, int]] = {}  # word -> {doc: count} where count > 1
        for doc, text in enumerate(documents):
            size += 1
            tokens = text.split()
            try:
                ids = list(chain.from_iterable(map(id_of_token.__getitem__, tokens)))
            except KeyError:
                for token in tokens:
                    if token not in id_of_token:
                        id_of_token[token] = tuple(
                            _word_id(w, id_of_word, postings, appends) for w in words(token)
                        )
                ids = list(chain.from_iterable(map(id_of_token.__getitem__, tokens)))
            unique = set(ids)
            # postings[i].append(doc) for each word, looped in C: the build's hot spot
            deque(map(call, map(appends.__getitem__, unique), repeat(doc)), maxlen=0)
            if len(unique) != len(ids):
                for word_id, count in Counter(ids).items():
                    if count > 1:
                        repeats.setdefault(word_id, {})[doc] = count
        docs_of = {word: postings[i] for word, i in id_of_word.items()}
        self._docs = docs_of
        self._repeats = {word: repeats[i] for word, i in id_of_word.items() if i in repeats}
        self._vocabulary = sorted(docs_of)
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in self._vocabulary:
            self._by_length[len(word)].append(word)
        self._pools: dict[tuple[int, int], list[str]] = {}
        self._sieves: dict[int, _LetterSieve] = {}
        if len(self._vocabulary) >= SIEVE_FROM_WORDS:
            self._sieves = {n: _LetterSieve(found) for n, found in self._by_length.items()}
        total = max(size, 1)
        self._idf = {w: math.log(1 + total / len(d)) for w, d in docs_of.items()}
        self.size = size

    @property
    def vocabulary(self) -> Sequence[str]:
        return self._vocabulary

    def _pool(self, length: int, spread: int) -> list[str]:
        """Vocabulary words within `spread` letters of a length, in vocabulary order."""
        pool = self._pools.get((length, spread))
        if pool is None:
            pool = self._pools[(length, spread)] = [
                w
                for n in range(length - spread, length + spread + 1)
                for w in self._by_length.get(n, ())
            ]
        return pool

    def _candidates(self, word: str, spread: int, cutoff: float) -> list[str]:
        """The vocabulary words `word` is scored against: a length band, sieved when large."""
        if not self._sieves:
            return self._pool(len(word), spread)
        found: list[str] = []
        for n in range(len(word) - spread, len(word) + spread + 1):
            sieve = self._sieves.get(n)
            if sieve is not None:
                found += sieve.sharing(word, _least_shared(len(word), n, cutoff))
        return found

    def closeness(self, word: str) -> float:
        """How close (0-100) a folded word comes to a word of the vocabulary."""
        if word in self._docs:
            return 100.0
        if len(word) < 4:
            return 0.0
        cutoff = 80.0 if len(word) <= 5 else 75.0
        best = closest(
            word, self._candidates(word, 1 if len(word) <= 5 else 2, cutoff), cutoff=cutoff
        )
        return best[1] if best else 0.0

    def corrections(self, word: str) -> list[tuple[str, float]]:
        """Vocabulary words a typed word may stand for, with a weight in (0, 1]."""
        found: dict[str, float] = {}
        if word in self._docs:
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
            for candidate, score, _ in close(
                word, self._candidates(word, spread, cutoff), cutoff=cutoff, limit=5
            ):
                found.setdefault(candidate, score / 100 * 0.9)
        return sorted(found.items(), key=lambda item: -item[1])

    def _best(self, word: str, within: set[int] | None) -> dict[int, float]:
        """Each document's best weight for one query word, over the word's corrections.

        The weight of a term in a document is gain * (1 + log(count)): the gain itself where
        the count is 1, as it mostly is, so those are merged with C-speed dict operations and
        only documents that repeat the term are weighed one by one.
        """
        best: dict[int, float] = {}
        for term, weight in self.corrections(word):
            gain = weight * self._idf[term]
            docs: Iterable[int] = self._docs[term]
            if within is not None:
                docs = within.intersection(docs)
            if not best:
                best = dict.fromkeys(docs, gain)
            else:
                lowest = min(best.values())
                merged = dict.fromkeys(docs, gain)
                known = merged.keys() & best.keys()
                merged.update(best)
                if gain > lowest:
                    for doc in known:
                        if gain > merged[doc]:
                            merged[doc] = gain
                best = merged
            for doc, count in self._repeats.get(term, {}).items():
                if within is not None and doc not in within:
                    continue
                value = gain * (1 + math.log(count))
                if value > best.get(doc, 0.0):
                    best[doc] = value
        return best

    def search(self, query: str, *, within: set[int] | None = None) -> list[Hit]:
        """Documents matching any query word, most words matched first, then by weight."""
        return [
            Hit(doc=doc, score=score, matched=matched)
            for matched, score, doc in self._ranked(query, within)
        ]

    def rank(self, query: str, *, within: set[int] | None = None) -> list[int]:
        """The documents `search` finds, in its order, without building a Hit for each."""
        return self._order(*self._scores(query, within))

    def _ranked(self, query: str, within: set[int] | None) -> list[tuple[int, float, int]]:
        scores, matched = self._scores(query, within)
        return [(matched[doc], scores[doc], doc) for doc in self._order(scores, matched)]

    def _scores(
        self, query: str, within: set[int] | None
    ) -> tuple[dict[int, float], dict[int, int]]:
        """Each matching document's summed weight, and how many query words it matched."""
        scores: dict[int, float] = {}
        matched: dict[int, int] = {}
        for word in content_words(query):
            best = self._best(word, within)
            if not scores:
                scores, matched = best, dict.fromkeys(best, 1)
                continue
            for doc, value in best.items():
                scores[doc] = scores.get(doc, 0.0) + value
                matched[doc] = matched.get(doc, 0) + 1
        return scores, matched

    @staticmethod
    def _order(scores: dict[int, float], matched: dict[int, int]) -> list[int]:
        """Most words matched first, then by weight, then in document order.

        Three stable sorts with C-speed keys, instead of a key tuple built per document.
        """
        docs = sorted(scores)
        docs.sort(key=scores.__getitem__, reverse=True)
        docs.sort(key=matched.__getitem__, reverse=True)
        return docs

    def suggest_words(self, word: str, *, limit: int = 3) -> list[str]:
        """Vocabulary words close to a word that matched nothing."""
        folded = fold(word)
        if not folded:
            return []
        return [
            candidate for candidate, _, _ in close(folded, self._vocabulary, cutoff=70, limit=limit)
        ]
