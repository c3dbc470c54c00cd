"""Keyword search: an inverted index of folded words, each query word corrected fuzzily."""

from __future__ import annotations

import bisect
import math
import re
from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from itertools import chain, repeat
from operator import call

from bot.matching.folding import STOPWORDS, content_words, fold, words
from bot.matching.fuzzy import edits_allowed, ratio, similarity, within_edits
from bot.record import Record


class Reach(IntEnum):
    """How far a typed word reaches into the vocabulary."""

    FORMS = 1  # the word and its plural or singular
    WORDS = 2  # and the words it extends by a letter or two, and those it begins
    SLIPS = 3  # and, for a word the text lacks, the words a typing slip away


class Hit(Record, frozen=True, kw_only=True):
    doc: int
    score: float
    matched: int  # how many query words this document matched


# How much a term's closeness to the typed word outweighs its rarity (idf, at most ~12 at
# 100,000 quotes): `arme` finds the quote with `armes` before the one with `armée`.
CLOSENESS = 100.0
# Below this many words, rapidfuzz scores the whole vocabulary faster than a sieve is built.
SIEVE_FROM_WORDS = 5_000
_BITS_OF_BYTE = tuple(tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256))
_NONZERO_BYTE = re.compile(rb"[^\x00]")


class _LetterSieve:
    """For words of one length: which hold each letter at least k times, as one bit per word.

    A typed word is a few edits from a word only if they share enough letters (an edit
    loses at most one shared letter, a swap none), so a few big-integer operations rule out
    most of a large vocabulary before rapidfuzz counts the edits of the rest. The words
    kept are a superset of the ones that can pass, in vocabulary order, so rapidfuzz returns
    exactly what it would on the whole vocabulary.
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


def _least_shared(length: int, other: int, edits: int) -> int:
    """Fewest letters two words must share to be at most `edits` edits apart.

    No edit adds a letter the two words share, and a swap keeps them all: words `edits`
    apart share at least the longer one's letters less `edits` (the bag distance, a lower
    bound of the edit distance).
    """
    return max(length, other) - edits


def _forms(word: str) -> tuple[str, ...]:
    """A word and its plural or singular, as French and English mostly make them."""
    if len(word) > 3 and word[-1] in "sx":
        return (word, word[:-1])
    return (word, word + "s", word + "x") if len(word) > 2 else (word,)


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

    def _candidates(self, word: str, most: int) -> list[str]:
        """The vocabulary words `word` is compared with: a length band, sieved when large."""
        if not self._sieves:
            return self._pool(len(word), most)
        found: list[str] = []
        for n in range(len(word) - most, len(word) + most + 1):
            sieve = self._sieves.get(n)
            if sieve is not None:
                found += sieve.sharing(word, _least_shared(len(word), n, most))
        return found

    def _slips(self, word: str, *, limit: int = 5, short: bool = False) -> list[tuple[str, int]]:
        """Vocabulary words a slip of typing from `word`, with their edits, best first: only
        the fewest edits away, a swap of its own letters before any other edit, then the
        most alike. A word of four letters is only corrected by a swap (`woek` is `woke`,
        not `work`): one letter off, too many short words are near it (`musk` is not
        `must`); `short` lifts that, for a word beside others the text holds as typed."""
        most = edits_allowed(len(word))
        letters = sorted(word)
        found = [
            (distance, sorted(candidate) != letters, -ratio(word, candidate), candidate)
            for candidate, distance, _ in within_edits(
                word, self._candidates(word, most), most=most
            )
            if distance and (short or len(word) > 4 or sorted(candidate) == letters)
        ]
        if not found:
            return []
        fewest = min(found)[0]
        kept = sorted(f for f in found if f[0] == fewest)
        return [(candidate, distance) for distance, _, _, candidate in kept[:limit]]

    def closeness(self, word: str) -> float:
        """How close (0-100) a folded word comes to a word of the vocabulary, by its slips."""
        if word in self._docs:
            return 100.0
        found = self._slips(word, limit=1)
        return similarity(word, *found[0]) * 100 if found else 0.0

    def has(self, word: str) -> bool:
        """Whether a folded word is a word of the vocabulary."""
        return word in self._docs

    def holds(self, word: str) -> bool:
        """Whether the text has a word as typed, or its plural or singular."""
        return any(form in self._docs for form in _forms(word))

    def corrections(
        self, word: str, *, reach: Reach = Reach.SLIPS, eager: bool = False, short: bool = False
    ) -> list[tuple[str, float]]:
        """Vocabulary words a typed word may stand for, with a weight in (0, 1].

        The word itself and its forms first: its plural or singular (`guerre`, `guerres`), a
        word it extends by a letter or two (`refusal` finds `refus`) and the words it begins
        (`selfish` finds `selfishness`). A word that is itself in the text, in one of those
        forms, is not corrected as a typing slip unless `eager`: an exact hit is not joined
        by a look-alike (`armes` never brings `armée`, `contrat` never `contraindre`).
        `reach` says how far to go; with `short`, a four-letter word may be corrected by any
        slip, not only a swap.
        """
        found: dict[str, float] = {}
        for form in _forms(word):
            if form in self._docs:
                found.setdefault(form, 1.0 if form == word else 0.95)
        if reach is Reach.FORMS:
            return sorted(found.items(), key=lambda item: -item[1])
        if len(word) >= 6:
            for cut in (1, 2):
                if len(word) - cut >= 5 and word[:-cut] in self._docs:
                    found.setdefault(word[:-cut], 0.8)
        exact = bool(found)
        if len(word) >= 4:
            start = bisect.bisect_left(self._vocabulary, word)
            for candidate in self._vocabulary[start : start + 50]:
                if not candidate.startswith(word):
                    break
                found.setdefault(candidate, 0.85)
        if reach is Reach.SLIPS and (eager or not exact):
            for candidate, _ in self._slips(word, short=short):
                found.setdefault(candidate, ratio(word, candidate) / 100 * 0.9)
        return sorted(found.items(), key=lambda item: -item[1])

    def _best(
        self,
        word: str,
        within: set[int] | None,
        reach: Reach = Reach.SLIPS,
        eager: bool = False,
        short: bool = False,
    ) -> dict[int, float]:
        """Each document's best weight for one query word, over the word's corrections.

        A term's gain is its correction's weight times (CLOSENESS + idf): how close the term
        is to what was typed counts first (the word itself, then its forms, the words it
        begins, then slips, the likest first), how rare it is next. The weight of a term in
        a document is gain * (1 + log(count)): the gain itself where the count is 1, as it
        mostly is, so those are merged with C-speed dict operations and only documents that
        repeat the term are weighed one by one.
        """
        best: dict[int, float] = {}
        for term, weight in self.corrections(word, reach=reach, eager=eager, short=short):
            gain = weight * (CLOSENESS + self._idf[term])
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
        """Documents matching any query word, most words matched first, then by weight,
        with what each scored (`rank` gives the documents alone, and takes more options)."""
        scores, matched = self._scores(query, within, every_word=False)
        return [
            Hit(doc=doc, score=scores[doc], matched=matched[doc])
            for doc in self._order(scores, matched)
        ]

    def rank(
        self,
        query: str,
        *,
        within: set[int] | None = None,
        every_word: bool = False,
        order: Sequence[int] | None = None,
        reach: Reach = Reach.SLIPS,
    ) -> list[int]:
        """The documents matching the query's words, in `search`'s order, without a Hit each.

        With `every_word`, only documents matching each of them; `reach` says how far each
        word reaches (Reach). Ties keep document order, or the place each document has in
        `order` (its date, for instance).
        """
        return self._order(*self._scores(query, within, every_word, reach), order)

    def _scores(
        self, query: str, within: set[int] | None, every_word: bool, reach: Reach = Reach.SLIPS
    ) -> tuple[dict[int, float], dict[int, int]]:
        """Each matching document's summed weight, and how many query words it matched.

        With `every_word`, when no document holds every word as typed (or in its forms),
        each word is also corrected as a typing slip: a slip can make another word of the
        text (`bris` for `brins`); then a four-letter word takes any slip if a longer word
        of the query is held as typed (`gril banjoeur` finds `grinl banjoeur`, while
        `elon musk` still finds no `selon must`).
        """
        found = self._scored(query, within, every_word, reach, eager=False)
        if every_word and reach is Reach.SLIPS and not found[0]:
            typed = list(dict.fromkeys(content_words(query)))
            short = any(len(word) > 4 and self.holds(word) for word in typed)
            found = self._scored(query, within, every_word, reach, eager=True, short=short)
        return found

    def _scored(
        self,
        query: str,
        within: set[int] | None,
        every_word: bool,
        reach: Reach,
        eager: bool,
        short: bool = False,
    ) -> tuple[dict[int, float], dict[int, int]]:
        """`_scores` for one way of correcting words. A word typed twice counts once. With
        `every_word`, each word searches only the documents the words before it matched,
        and a word matching nothing ends the search."""
        scores: dict[int, float] = {}
        matched: dict[int, int] = {}
        typed = list(dict.fromkeys(content_words(query)))
        for number, word in enumerate(typed):
            best = self._best(word, within, reach, eager, short)
            if every_word:
                if not best:
                    return {}, {}
                if number + 1 < len(typed):
                    within = set(best)
            if not scores:
                scores, matched = best, dict.fromkeys(best, 1)
                continue
            for doc, value in best.items():
                scores[doc] = scores.get(doc, 0.0) + value
                matched[doc] = matched.get(doc, 0) + 1
        if every_word:
            wanted = len(typed)
            scores = {doc: score for doc, score in scores.items() if matched[doc] == wanted}
        return scores, matched

    @staticmethod
    def _order(
        scores: dict[int, float], matched: dict[int, int], order: Sequence[int] | None = None
    ) -> list[int]:
        """Most words matched first, then by weight, then in document order (or `order`).

        Stable sorts with C-speed keys, instead of a key tuple built per document.
        """
        docs = sorted(scores)
        if order is not None:
            docs.sort(key=order.__getitem__)
        docs.sort(key=scores.__getitem__, reverse=True)
        docs.sort(key=matched.__getitem__, reverse=True)
        return docs

    def suggest_words(self, word: str, *, limit: int = 3) -> list[str]:
        """Vocabulary words close to a word that matched nothing, for "did you mean": up to
        a slip more than a search forgives, the most alike first.

        Never a short or common word (`ce`, `que`): a suggestion is only worth a click when
        it is a word someone could have meant. A word of four letters is only corrected by a
        swap of its own letters, as the search corrects it (`woek` is `woke`): one letter off,
        too many words are near it, and a name the dossier lacks is no slip (`musk` is not
        `must`, `elon` not `selon`).
        """
        folded = fold(word)
        if len(folded) < 4:
            return []
        most = edits_allowed(len(folded)) + 1
        nearby = within_edits(folded, self._candidates(folded, most), most=most)
        ranked = sorted(nearby, key=lambda found: (-ratio(folded, found[0]), found[2]))
        letters = sorted(folded)
        return [
            candidate
            for candidate, _, _ in ranked
            if ratio(folded, candidate) >= 70
            and len(candidate) >= max(4, len(folded) - 2)
            and candidate not in STOPWORDS
            and (len(folded) > 4 or sorted(candidate) == letters)
        ][:limit]
